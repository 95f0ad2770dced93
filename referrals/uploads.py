"""Checks on uploaded files: size and real type (magic bytes), never the extension alone.

Used by the forms of this app and by the questionnaire engine; the messages are French and name
the file, so that a rejected upload is clear and the rest of the form is kept as typed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MAX_UPLOAD_SIZE = 20 * 1024 * 1024  # 20 MB

# Leading bytes of the types we accept. XLSX/ODS/DOCX are zip containers.
PDF = {"PDF": (b"%PDF-",)}
DOCUMENTS = {
    **PDF,
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPEG": (b"\xff\xd8\xff",),
    "tableur ou document bureautique (xlsx, ods, docx, odt)": (b"PK\x03\x04",),
}


def _head(upload, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def validate_upload(upload, *, kinds: dict[str, tuple[bytes, ...]] = PDF) -> None:
    """Raise ValidationError unless `upload` is at most 20 MB and starts with the magic bytes
    of one of `kinds`."""
    name = getattr(upload, "name", "fichier")
    if upload.size > MAX_UPLOAD_SIZE:
        raise ValidationError(
            f"« {name} » pèse {filesizeformat(upload.size)} : la limite est de "
            f"{filesizeformat(MAX_UPLOAD_SIZE)}. Le reste du formulaire a été conservé.",
            code="too_large",
        )
    head = _head(upload)
    if not any(head.startswith(magic) for magics in kinds.values() for magic in magics):
        accepted = ", ".join(kinds)
        raise ValidationError(
            f"« {name} » n'est pas un fichier {accepted} valide (son contenu ne correspond pas). "
            "Le reste du formulaire a été conservé : choisissez de nouveau le fichier.",
            code="bad_type",
        )


def validate_pdf(upload) -> None:
    validate_upload(upload, kinds=PDF)


def validate_document(upload) -> None:
    validate_upload(upload, kinds=DOCUMENTS)
