"""What a prefectoral order on the council's seats accepts: a PDF. The rules (content, name,
size, how a file is served) are core.uploads'."""

from __future__ import annotations

from core.uploads import PDF, UploadPolicy

ORDER_PDF = UploadPolicy(kinds=(PDF,))
