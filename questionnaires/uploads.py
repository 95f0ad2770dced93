"""What a commune may give in answer to a file question. The rules (content, name, size, how a
file is served) are core.uploads'."""

from __future__ import annotations

from core.uploads import DOCUMENT_KINDS, UploadPolicy

# PDF, scans and photos, office files: the same kinds as the other attachments of the portal.
ANSWER_FILE = UploadPolicy(kinds=DOCUMENT_KINDS)
