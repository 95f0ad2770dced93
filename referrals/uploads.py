"""What the consultations and the mailbox accept. The rules (content, name, size, how a file is
served) are core.uploads'; the messages are French and name the file, so that a rejected upload
is clear and the rest of the form is kept as typed."""

from __future__ import annotations

from core.uploads import DOCUMENT_KINDS, PDF, UploadPolicy

# Documents of a referral, deliberations of the communes: acts, in PDF.
PDF_DOCUMENT = UploadPolicy(kinds=(PDF,))
# Attachments of the mayors' mailbox and files answering a questionnaire.
ATTACHMENT = UploadPolicy(kinds=DOCUMENT_KINDS)
