"""What the agenda of a session accepts: documents in PDF. The rules (content, name, size, how
a file is served) are core.uploads'."""

from __future__ import annotations

from core.uploads import PDF, UploadPolicy

AGENDA_DOCUMENT = UploadPolicy(kinds=(PDF,))
