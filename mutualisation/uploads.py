"""Checks on uploaded files: size and real type (magic bytes, not the name or browser's word)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

PDF_MAGIC = b"%PDF-"
# Attachments may also be images or office documents (zip containers), recognised by content.
_SIGNATURES: tuple[tuple[bytes, tuple[str, ...]], ...] = (
    (PDF_MAGIC, (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", (".png",)),
    (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    (b"PK\x03\x04", (".docx", ".xlsx", ".odt", ".ods")),
)


def _head(upload, n: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def validate_upload(upload, *, pdf_only: bool = False) -> None:
    """Refuse a file over 20 Mo or whose content is not an accepted type, with a French reason."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"« {upload.name} » dépasse la taille maximale de 20 Mo : réduisez-le ou découpez-le.",
            code="too_big",
        )
    head = _head(upload)
    name = upload.name.lower()
    if pdf_only:
        if not head.startswith(PDF_MAGIC):
            raise ValidationError(
                f"« {upload.name} » n'est pas un fichier PDF : déposez la convention signée "
                "au format PDF.",
                code="not_pdf",
            )
        return
    for magic, extensions in _SIGNATURES:
        if head.startswith(magic) and name.endswith(extensions):
            return
    raise ValidationError(
        f"« {upload.name} » n'est pas d'un type accepté : PDF, PNG, JPEG, DOCX, XLSX, ODT ou ODS.",
        code="bad_type",
    )
