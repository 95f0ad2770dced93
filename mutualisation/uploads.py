"""What the shared services accept. The rules (content, name, size, how a file is served) are
core.uploads'."""

from __future__ import annotations

from django import forms

from core.uploads import DOCUMENT_KINDS, PDF, UploadPolicy

# Pieces joined to a service request: PDF, scans and photos, office files.
ATTACHMENT = UploadPolicy(kinds=DOCUMENT_KINDS)
# The convention signed by the commune, as the PDF that is its legal copy.
SIGNED_CONVENTION = UploadPolicy(kinds=(PDF,))


class UploadField(forms.FileField):
    """A file checked by one of this app's upload policies."""

    def __init__(self, *args, policy=ATTACHMENT, **kwargs):
        kwargs.setdefault("validators", [policy])
        super().__init__(*args, **kwargs)
