"""The session pack: a contents page, the convocation, the summary notes (one WeasyPrint
document), then the attached PDF documents merged with pypdf, with an outline (bookmarks) and a
printed contents page giving every part's page number in the merged file."""

from __future__ import annotations

import io
import logging

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from conferences.pdf import render

logger = logging.getLogger(__name__)

# The contents page's own length depends on its entries, not on the numbers printed in them;
# a few passes always settle (one in practice).
MAX_LAYOUT_PASSES = 3


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
    def page(anchor):
        return anchors[anchor] + 1 if anchor in anchors else None

    notes = [item for item in source["items"] if item["summary_note"]]
    toc = [{"title": "Convocation et ordre du jour", "level": 1, "page": page("convocation")}]
    if notes:
        toc.append({"title": "Notes explicatives de synthèse", "level": 1, "page": page("notes")})
        toc.extend(
            {
                "title": f"Point {item['position']} — {item['title']}",
                "level": 2,
                "page": page(f"note-{item['position']}"),
            }
            for item in notes
        )
    if attachments:
        toc.append({"title": "Documents annexés", "level": 1, "page": front_pages + 1})
        start = front_pages + 1
        for attachment, reader in zip(attachments, readers, strict=True):
            toc.append(
                {
                    "title": f"Point {attachment['position']} — {attachment['name']}",
                    "level": 2,
                    "page": start if front_pages else None,
                }
            )
            start += len(reader.pages)
    return toc


def _front(source: dict, attachments, readers):
    """Lay out contents + convocation + notes until the printed page numbers are stable."""
    total_attached = sum(len(r.pages) for r in readers)
    anchors_wanted = ["convocation", "notes"] + [
        f"note-{item['position']}" for item in source["items"] if item["summary_note"]
    ]
    front_pages, anchors, document = 0, {}, None
    for _ in range(MAX_LAYOUT_PASSES):
        toc = _toc(source, attachments, readers, front_pages, anchors)
        notes = [item for item in source["items"] if item["summary_note"]]
        html = render.html_for(
            render.Kind.PACK,
            source,
            toc=toc,
            notes=notes,
            total_pages=(front_pages + total_attached) if front_pages else None,
        )
        document = render.html_document(html)
        new_anchors = _anchor_pages(document, anchors_wanted)
        if len(document.pages) == front_pages and new_anchors == anchors:
            break
        front_pages, anchors = len(document.pages), new_anchors
    return document, toc, anchors


def render_pack(source: dict) -> tuple[bytes, int]:
    attachments = _attachments(source)
    readers = [_read(a) or _notice(a) for a in attachments]
    document, toc, anchors = _front(source, attachments, readers)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(render.write(document))), import_outline=False)
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
