"""The fingerprint of a document's source data: a SHA-256 of the values it is printed from
(conferences.pdf.sources), its kind and the layout version. Equal fingerprints mean the stored
PDF would come out the same, so the task does nothing."""

from __future__ import annotations

import hashlib
import json

from conferences.pdf.render import LAYOUT_VERSION


def _default(value):
    # Dates and datetimes (aware, so their offset is part of the text), lazy strings, enums.
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def fingerprint(kind: str, source: dict) -> str:
    payload = json.dumps(
        {"kind": str(kind), "layout": LAYOUT_VERSION, "source": source},
        sort_keys=True,
        default=_default,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
