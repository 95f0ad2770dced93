"""Checks on uploaded documents: a PDF is recognised by its content, not its name."""

from __future__ import annotations

import os
import re

from django.core.exceptions import ValidationError

MAX_DOCUMENT_SIZE = 20 * 1024 * 1024


def clean_pdf_upload(uploaded) -> str:
    """Validate an uploaded PDF and return a safe file name. Raises ValidationError in French."""
    if uploaded is None:
        raise ValidationError("Choisissez un fichier PDF.")
    if uploaded.size == 0:
        raise ValidationError("Le fichier est vide.")
    if uploaded.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            f"Le fichier fait {uploaded.size / 1024 / 1024:.1f} Mo : la taille maximale est "
            f"de {MAX_DOCUMENT_SIZE // 1024 // 1024} Mo."
        )
    head = uploaded.read(5)
    uploaded.seek(0)
    if head != b"%PDF-":
        raise ValidationError(
            "Ce fichier n'est pas un PDF (son contenu ne commence pas comme un PDF), "
            "même si son nom se termine par .pdf."
        )
    return safe_filename(uploaded.name, default="document.pdf", extension=".pdf")


def safe_filename(name: str, *, default: str, extension: str) -> str:
    """Keep the base name only (no path), plain characters, the expected extension."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem, _ = os.path.splitext(base)
    stem = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-.")[:120]
    return f"{stem}{extension}" if stem else default
