"""French typography for printed documents: a narrow no-break space before ; ! ? and a no-break
space before : and inside « », so that the punctuation never starts a line (Imprimerie
nationale rules). Only text is touched, never markup."""

from __future__ import annotations

import re

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

NBSP = "\u00a0"
NNBSP = "\u202f"

_TAG = re.compile(r"(<[^>]*>)")
_BEFORE_NARROW = re.compile(r"[ \u00a0\u202f]+([;!?])")
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:")
_AFTER_OPENING_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING_QUOTE = re.compile(r"[ \u00a0\u202f]*»")


def _text(text: str) -> str:
    text = _BEFORE_NARROW.sub(NNBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _AFTER_OPENING_QUOTE.sub("«" + NBSP, text)
    return _BEFORE_CLOSING_QUOTE.sub(NBSP + "»", text)


def french_spacing(value) -> SafeString:
    """Escape plain text (HTML already marked safe is kept) and fix the spaces around French
    punctuation in the text between tags."""
    html = str(conditional_escape("" if value is None else value))
    parts = _TAG.split(html)
    # Escaped above; only the text between tags changes.
    return mark_safe("".join(part if part.startswith("<") else _text(part) for part in parts))
