"""HTML to PDF with WeasyPrint: the print templates (templates/pdf/conferences/), the EPCI's
logo embedded as a data URI (nothing is fetched while rendering), document language, title and
author in the metadata, and a tagged PDF/UA-1 structure for screen readers."""

from __future__ import annotations

import base64
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from conferences.models import MinutesSignature, RenderedDocument

Kind = RenderedDocument.Kind

# WeasyPrint 70 supports PDF/UA-1 (weasyprint/pdf/pdfua.py): tagged structure, /Lang, title
# shown instead of the file name.
PDF_VARIANT = "pdf/ua-1"
LOGO = "img/logo-interco.svg"

# Bump when a template or the layout changes in a way that must regenerate stored documents.
LAYOUT_VERSION = 1


@lru_cache(maxsize=1)
def logo_uri() -> str:
    """The logo as a data URI. EPCI-specific logos can come later (a file field on the EPCI)."""
    path = finders.find(LOGO)
    with open(path, "rb") as handle:
        data = base64.b64encode(handle.read()).decode("ascii")
    return f"data:image/svg+xml;base64,{data}"


def document_title(kind: str, header: dict) -> str:
    day = timezone.localdate(header["starts_at"]) if header.get("starts_at") else None
    when = f" du {day:%d/%m/%Y}" if day else ""
    return f"{Kind(kind).label} — {header['body']}, séance{when}"


def html_for(kind: str, source: dict, **extra) -> str:
    context = {
        **source,
        **extra,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "document_title": document_title(kind, source["header"]),
        "logo_uri": logo_uri(),
        "signature_roles": MinutesSignature.Role.choices,
    }
    return render_to_string(f"pdf/conferences/{Kind(kind).value}.html", context)


def html_document(html: str):
    """The laid-out WeasyPrint document (pages, anchors) before writing."""
    from core.pdf import html_document as portal_html

    return portal_html(html).render()


def write(document) -> bytes:
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def html_to_pdf(html: str) -> tuple[bytes, int]:
    document = html_document(html)
    return write(document), len(document.pages)


def render_source(kind: str, source: dict) -> tuple[bytes, int]:
    """The PDF printed from a source (conferences.pdf.sources) and its page count."""
    if kind == Kind.PACK:
        from conferences.pdf.pack import render_pack

        return render_pack(source)
    return html_to_pdf(html_for(kind, source))
