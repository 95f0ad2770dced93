"""The session pack: a contents page, the convocation, the summary notes (one WeasyPrint
document), then the attached PDF documents merged with pypdf, with an outline (bookmarks) and a
printed contents page giving every part's page number in the merged file.

One layout pass, however long the pack: the contents page does not hold numbers computed in
Python from an earlier layout; its cells are CSS `target-counter()` references that WeasyPrint
resolves while laying out. The attached files are not in the WeasyPrint document, so each is
stood for by an empty placeholder page whose page counter jumps by the length of the file
before it (a named page with `counter-increment: page N`), and a last placeholder ("#fin")
carries the number of the pack's last page for the "page X / Y" footers. The placeholders are
dropped when the real files are merged in. (Laying the front out twice, once to learn its
length and once to print the numbers, cost a second full layout: benchmarks/README.md.)"""

from __future__ import annotations

import io
import logging

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from conferences.pdf import render

logger = logging.getLogger(__name__)


def _attachments(source: dict) -> list[dict]:
    return [
        {**doc, "position": item["position"], "item_title": item["title"]}
        for item in source["items"]
        for doc in item["documents"]
    ]


def _read(attachment: dict) -> PdfReader | None:
    """The attached PDF, or None when it is missing or unreadable (it is then replaced by a
    notice page: one broken upload must not block the whole pack)."""
    try:
        with default_storage.open(attachment["file"], "rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        if len(reader.pages) == 0:
            return None
        return reader
    except (OSError, PyPdfError, ValueError) as exc:
        logger.warning("Pièce jointe illisible %s : %s", attachment["file"], exc)
        return None


def _notice(attachment: dict) -> PdfReader:
    html = render_to_string(
        "pdf/conferences/pack_missing.html",
        {"attachment": attachment, "logo_uri": render.logo_uri()},
    )
    content, _ = render.html_to_pdf(html)
    return PdfReader(io.BytesIO(content))


def _anchor_pages(document, anchors: list[str]) -> dict[str, int]:
    """0-based page index of each anchor (an element id) in a laid-out WeasyPrint document."""
    found = {}
    for index, page in enumerate(document.pages):
        for anchor in anchors:
            if anchor not in found and anchor in page.anchors:
                found[anchor] = index
    return found


def _toc(source, attachments, readers, front_pages: int, anchors: dict[str, int]) -> list[dict]:
    """The contents: each entry's title, level, the anchor the printed page number refers to
    (resolved by WeasyPrint) and, once laid out, its page in the merged file (for the outline)."""

    def entry(title, level, anchor):
        return {
            "title": title,
            "level": level,
            "anchor": anchor,
            "page": anchors[anchor] + 1 if anchor in anchors else None,
        }

    notes = [item for item in source["items"] if item["summary_note"]]
    toc = [entry("Convocation et ordre du jour", 1, "convocation")]
    if notes:
        toc.append(entry("Notes explicatives de synthèse", 1, "notes"))
        toc.extend(
            entry(f"Point {item['position']} — {item['title']}", 2, f"note-{item['position']}")
            for item in notes
        )
    if attachments:
        toc.append({**entry("Documents annexés", 1, "annexe-1"), "page": front_pages + 1})
        start = front_pages + 1
        for index, (attachment, reader) in enumerate(zip(attachments, readers, strict=True)):
            title = f"Point {attachment['position']} — {attachment['name']}"
            toc.append({**entry(title, 2, f"annexe-{index + 1}"), "page": start})
            start += len(reader.pages)
    return toc


def _placeholders(readers) -> list[dict]:
    """One empty page per attached file, then "#fin": the page counter on each is the number
    the file (or the pack's last page) has in the merged pack."""
    lengths = [len(reader.pages) for reader in readers]
    if not lengths:
        return []
    placeholders = [{"id": "annexe-1", "increment": 1}]
    placeholders += [
        {"id": f"annexe-{index + 1}", "increment": lengths[index - 1]}
        for index in range(1, len(lengths))
    ]
    placeholders.append({"id": "fin", "increment": lengths[-1] - 1})
    return placeholders


def _front(source: dict, attachments, readers):
    """Lay out contents + convocation + notes + placeholders, once. Returns the document, the
    number of its real (front) pages and the contents with their pages."""
    placeholders = _placeholders(readers)
    notes = [item for item in source["items"] if item["summary_note"]]
    html = render.html_for(
        render.Kind.PACK,
        source,
        toc=_toc(source, attachments, readers, 0, {}),
        notes=notes,
        placeholders=placeholders,
        increments=sorted({p["increment"] for p in placeholders}),
    )
    document = render.html_document(html)
    front_pages = len(document.pages) - len(placeholders)
    anchors_wanted = ["convocation", "notes"] + [f"note-{item['position']}" for item in notes]
    anchors = _anchor_pages(document, anchors_wanted)
    return document, front_pages, _toc(source, attachments, readers, front_pages, anchors)


def render_pack(source: dict) -> tuple[bytes, int]:
    attachments = _attachments(source)
    readers = [_read(a) or _notice(a) for a in attachments]
    document, front_pages, toc = _front(source, attachments, readers)
    writer = PdfWriter()
    front = PdfReader(io.BytesIO(render.write(document)))
    writer.append(front, pages=(0, front_pages), import_outline=False)  # without placeholders
    for reader in readers:
        writer.append(reader, import_outline=False)
    _outline(writer, toc)
    title = render.document_title(render.Kind.PACK, source["header"])
    writer.add_metadata({"/Title": title, "/Author": source["header"]["epci"]})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def _outline(writer: PdfWriter, toc: list[dict]) -> None:
    """Bookmarks mirroring the printed contents (PDF page indexes are 0-based)."""
    writer.add_outline_item("Sommaire", 0)
    parent = None
    for entry in toc:
        if entry["page"] is None:
            continue
        if entry["level"] == 1:
            parent = writer.add_outline_item(entry["title"], entry["page"] - 1)
        else:
            writer.add_outline_item(entry["title"], entry["page"] - 1, parent=parent)
