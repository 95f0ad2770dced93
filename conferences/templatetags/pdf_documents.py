"""Template helpers of the PDF documents: French typography for the print templates, and the
"Documents PDF" links of the session page (no query: built from what the page already loaded)."""

from __future__ import annotations

from django import template

from conferences.pdf.access import links_for
from conferences.pdf.typography import french_spacing

register = template.Library()


@register.filter(name="nbsp")
def nbsp(value):
    """``{{ text|nbsp }}``: escapes, then no-break spaces before ; : ! ? and inside « »."""
    return french_spacing(value)


@register.simple_tag(takes_context=True)
def session_pdf_links(context, session):
    """The documents this visitor may download for the session, as (kind, label, url) rows."""
    return links_for(
        context["request"].user,
        session,
        manage=bool(context.get("manage")),
        sits=bool(context.get("sits")),
    )
