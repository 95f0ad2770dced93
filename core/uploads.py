"""One policy for uploaded files, from the upload form to the download.

What a file is comes from its content: its leading bytes and, for the zip-based office formats,
the entry that names the format inside the zip (ODF's ``mimetype`` entry, OpenDocument Part 3
§3.3; the main part's content type in OOXML's ``[Content_Types].xml``, ECMA-376 Part 2). The name's
extension must agree: ``x.html`` starting with ``%PDF-`` is refused, since whatever later trusts
the name (a browser, a storage that types objects by name) would treat it as a web page.
What is stored and served derives from the detected kind: a plain name with the kind's
extension, the kind's content type, always downloaded as an attachment with nosniff.

Each app declares what it accepts as an ``UploadPolicy`` in its ``uploads.py``. A form uses the
policy as a field validator; a service may check again (a checked file passes a second check);
a download view answers with ``serve_upload``.

Zip containers are inspected from their end record and central directory only, before anything
is decompressed (``open_zip``, limits in settings ``ZIP_MAX_*``).
"""

from __future__ import annotations

import os
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat


class UnsafeArchive(ValueError):
    """A zip that will not be read; the message says why, in French."""


# End of central directory record (PKWARE APPNOTE 4.3.16): signature, disk numbers, entry
# counts, size and offset of the central directory, then a comment of up to 65,535 bytes.
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
# A directory entry is 46 bytes plus its name, extra field and comment: 1 KiB each is far more
# than office suites write, and bounds what zipfile holds in memory to list the entries.
_DIRECTORY_BYTES_PER_ENTRY = 1024
# A part this small cannot hurt whatever its ratio (tiny XML parts compress very well).
_RATIO_FROM_SIZE = 100 * 1024
# Office packages (OOXML, ODF) use only these two methods; with the others (bzip2, lzma) zipfile
# decompresses each chunk read whole, without the bound it puts on deflate.
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_MARKER_READ = 1024 * 1024  # [Content_Types].xml lists every part: a few KB in real files


def _declared_directory(fileobj) -> tuple[int, int] | None:
    """(number of entries, size of the central directory) as the end record declares them."""
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    tail_size = min(size, _END_RECORD.size + 0xFFFF)
    fileobj.seek(size - tail_size)
    tail = fileobj.read(tail_size)
    fileobj.seek(0)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        return None
    fields = _END_RECORD.unpack_from(tail, at)
    return fields[4], fields[5]


def open_zip(fileobj) -> zipfile.ZipFile:
    """Open a zip once its declared entries are within the limits of settings ``ZIP_MAX_*``:
    number of entries, total size once decompressed, compression ratio of each entry. Nothing is
    decompressed here, and zipfile never yields more than an entry's declared size (it stops
    there and the CRC check fails), so the declared sizes bound what any reader gets.
    Raises UnsafeArchive."""
    max_entries = settings.ZIP_MAX_ENTRIES
    too_many = (
        f"Le fichier contient plus de {max_entries} éléments compressés : ce n'est pas un "
        "document ordinaire."
    )
    declared = _declared_directory(fileobj)
    if declared is None:
        raise UnsafeArchive("Le fichier n'est pas une archive zip lisible.")
    entries, directory_size = declared
    # Checked before zipfile lists the directory: an upload made of millions of empty entries
    # would take hundreds of MB of memory just to list.
    if entries > max_entries or directory_size > max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        raise UnsafeArchive(too_many)
    try:
        archive = zipfile.ZipFile(fileobj)
    # NotImplementedError: zipfile's word for a zip version or feature it cannot read.
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise UnsafeArchive("Le fichier n'est pas une archive zip lisible.") from exc
    infos = archive.infolist()
    try:
        if len(infos) > max_entries:
            raise UnsafeArchive(too_many)
        _check_entries(infos)
    except UnsafeArchive:
        archive.close()
        raise
    return archive


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if any(info.compress_type not in _ZIP_METHODS for info in infos):
        raise UnsafeArchive(
            "Le fichier utilise une méthode de compression qu'aucun document bureautique n'emploie."
        )
    # Office suites protect a document otherwise (OOXML in another container, ODF per its
    # manifest), never with zip encryption (general purpose flag, bit 0).
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnsafeArchive("Le fichier contient des éléments chiffrés : il ne peut être lu.")
    total = sum(info.file_size for info in infos)
    max_total = settings.ZIP_MAX_UNCOMPRESSED_SIZE
    if total > max_total:
        raise UnsafeArchive(
            f"Une fois décompressé, le fichier occuperait {filesizeformat(total)} : la limite "
            f"est de {filesizeformat(max_total)}."
        )
    max_ratio = settings.ZIP_MAX_COMPRESSION_RATIO
    for info in infos:
        if info.file_size > _RATIO_FROM_SIZE and info.file_size > max_ratio * info.compress_size:
            ratio = info.file_size // max(info.compress_size, 1)
            raise UnsafeArchive(
                f"Le fichier contient un élément compressé {ratio} fois : au-delà de "
                f"{max_ratio} fois, ce n'est pas un document ordinaire."
            )


@dataclass(frozen=True)
class ZipMarker:
    """The entry of a zip-based format that names the format, and what it holds: exactly
    ``content`` (ODF's ``mimetype``) or, when ``exact`` is false, at least ``content`` (the
    main part's type among OOXML's content types)."""

    entry: str
    content: bytes
    exact: bool

    def found_in(self, archive: zipfile.ZipFile) -> bool:
        try:
            with archive.open(self.entry) as part:
                data = part.read(len(self.content) + 1 if self.exact else _MARKER_READ)
        except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
            return False
        except NotImplementedError:  # e.g. an encrypted entry
            return False
        return data == self.content if self.exact else self.content in data


@dataclass(frozen=True)
class FileKind:
    """A kind of file as data: how its content starts, the extensions its name may have (the
    first is given to a stored name), the content type it is served with."""

    label: str
    extensions: tuple[str, ...]
    content_type: str
    magic: bytes
    zip_marker: ZipMarker | None = None


_ZIP = b"PK\x03\x04"
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."


def _ooxml(main_part_type: str) -> ZipMarker:
    return ZipMarker("[Content_Types].xml", main_part_type.encode(), exact=False)


def _odf(content_type: str) -> ZipMarker:
    return ZipMarker("mimetype", content_type.encode(), exact=True)


PDF = FileKind("PDF", (".pdf",), "application/pdf", b"%PDF-")
PNG = FileKind("PNG", (".png",), "image/png", b"\x89PNG\r\n\x1a\n")
JPEG = FileKind("JPEG", (".jpg", ".jpeg"), "image/jpeg", b"\xff\xd8\xff")
DOCX = FileKind(
    "DOCX",
    (".docx",),
    f"{_OOXML}wordprocessingml.document",
    _ZIP,
    _ooxml(f"{_OOXML}wordprocessingml.document.main+xml"),
)
XLSX = FileKind(
    "XLSX",
    (".xlsx",),
    f"{_OOXML}spreadsheetml.sheet",
    _ZIP,
    _ooxml(f"{_OOXML}spreadsheetml.sheet.main+xml"),
)
ODT = FileKind("ODT", (".odt",), f"{_ODF}text", _ZIP, _odf(f"{_ODF}text"))
ODS = FileKind("ODS", (".ods",), f"{_ODF}spreadsheet", _ZIP, _odf(f"{_ODF}spreadsheet"))
# Documents a commune or the EPCI exchange: PDF, scans and photos, office files.
DOCUMENT_KINDS = (PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS)


def detect_kind(fileobj, kinds) -> FileKind | None:
    """The first of ``kinds`` that the content of ``fileobj`` is, or None. A zip beyond the
    limits raises UnsafeArchive. The file is left at its start."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    candidates = [kind for kind in kinds if head.startswith(kind.magic)]
    if not any(kind.zip_marker for kind in candidates):
        return candidates[0] if candidates else None
    archive = open_zip(fileobj)
    try:
        return next(
            (k for k in candidates if k.zip_marker is None or k.zip_marker.found_in(archive)),
            None,
        )
    finally:
        archive.close()
        fileobj.seek(0)


def stored_name(name: str, kind: FileKind | None) -> str:
    """A plain file name: no folder, only letters, digits, ``.``, ``_`` and ``-`` (no control
    character, no space), at most 120 characters before the extension, which is the kind's
    (as typed when it is one of the kind's; ``.bin`` when the kind is unknown)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem, extension = os.path.splitext(unicodedata.normalize("NFC", base))
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")[:120] or "document"
    extension = extension.lower()
    if kind is None:
        extension = ".bin"
    elif extension not in kind.extensions:
        extension = kind.extensions[0]
    return f"{stem}{extension}"


def _shown(name: str) -> str:
    return os.path.basename((name or "").replace("\\", "/")) or "fichier"


@dataclass(frozen=True)
class UploadPolicy:
    """The kinds one upload field accepts, and its size limit (settings ``UPLOAD_MAX_SIZE``
    unless given). Callable, so that a form field takes it as a validator."""

    kinds: tuple[FileKind, ...]
    max_size: int | None = None

    @property
    def accepted(self) -> str:
        labels = [kind.label for kind in self.kinds]
        return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} ou {labels[-1]}"

    def check(self, upload) -> FileKind:
        """Refuse, with a French ValidationError naming the file, an upload that is empty, too
        large, of no accepted kind, a zip beyond the limits, or whose extension is not its
        kind's. Otherwise give the upload its stored name and checked content type (what
        FileField.save and the S3 storage use) and return its kind."""
        name = _shown(upload.name)
        max_size = self.max_size or settings.UPLOAD_MAX_SIZE
        if not upload.size:
            raise ValidationError(f"« {name} » est vide.", code="empty")
        if upload.size > max_size:
            raise ValidationError(
                f"« {name} » pèse {filesizeformat(upload.size)} : la limite est de "
                f"{filesizeformat(max_size)}. Le reste du formulaire a été conservé.",
                code="too_large",
            )
        try:
            kind = detect_kind(upload, self.kinds)
        except UnsafeArchive as exc:
            raise ValidationError(f"« {name} » est refusé. {exc}", code="unsafe_archive") from exc
        if kind is None:
            what = (
                f"{self.accepted} valide"
                if len(self.kinds) == 1
                else f"d'un type accepté ({self.accepted})"
            )
            raise ValidationError(
                f"« {name} » n'est pas un fichier {what} : son contenu ne correspond pas, "
                "quel que soit son nom. Le reste du formulaire a été conservé : choisissez de "
                "nouveau le fichier.",
                code="bad_type",
            )
        extension = os.path.splitext(name)[1].lower()
        if extension not in kind.extensions:
            raise ValidationError(
                f"« {name} » est un fichier {kind.label} d'après son contenu, mais son nom ne se "
                f"termine pas par {' ou '.join(kind.extensions)} : renommez-le, puis déposez-le "
                "de nouveau.",
                code="extension_mismatch",
            )
        upload.name = stored_name(name, kind)
        upload.content_type = kind.content_type
        return kind

    def __call__(self, upload) -> None:
        self.check(upload)


def serve_upload(field_file, *, name: str, policy: UploadPolicy) -> FileResponse:
    """Serve a stored upload: always as an attachment, with the content type of the policy's
    kind that its content is (detected again: files stored before these checks kept their
    uploader's name), ``application/octet-stream`` if none; never a type from the name."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    try:
        kind = detect_kind(handle, policy.kinds)
    except UnsafeArchive:
        kind = None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored_name(name, kind),
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    # Also set by SecurityMiddleware: kept here so that a download stays typed by us even if the
    # setting were turned off (a browser sniffing a PDF-headed HTML file would render it).
    response["X-Content-Type-Options"] = "nosniff"
    return response
