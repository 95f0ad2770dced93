"""PDF documents of a session (WeasyPrint): convocation, list of deliberations, session pack,
minutes and opinions. Rendered by a Celery task (conferences.pdf.tasks) into stored files that
requests only serve.

Public API (stable):
- ``render_pdf_bytes(*, session, kind) -> (bytes, page_count)``: render one document now (runs
  queries and WeasyPrint: for tasks and services, never in a request). Used by the minutes
  workflow to publish (Publication rows).
- ``ensure_rendered(*, session, kind) -> RenderedDocument``: queue a rendering when the stored
  document is missing or stale.
- ``document_filename(session, kind)``: "conseil-communautaire_2026-12-10_proces-verbal.pdf".

Modules: models (RenderedDocument), sources (the data, in a fixed number of queries),
fingerprint, render (HTML and WeasyPrint), pack (merge with pypdf), documents (storage and the
task's work), tasks, access (who may download which document), views (the download),
typography (French spacing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the package is imported while conferences.models registers its models
    from conferences.sessions.models import Session


def render_pdf_bytes(*, session: Session, kind: str) -> tuple[bytes, int]:
    """The PDF of one document of the session and its page count. ``kind`` is a
    RenderedDocument.Kind value. For the minutes, set ``Minutes.published_at`` before rendering
    the copy you publish: the PDF prints the date it was put online."""
    from conferences.pdf import render, sources

    loaded = sources.load_session(session.pk)
    return render.render_source(kind, sources.source_for(loaded, kind))


def ensure_rendered(*, session: Session, kind: str):
    from conferences.pdf.documents import ensure_rendered as ensure

    return ensure(session=session, kind=kind)


def document_filename(session: Session, kind: str, *, suffix: str = "") -> str:
    from conferences.pdf.documents import document_filename as filename

    return filename(session, kind, suffix=suffix)


__all__ = ["document_filename", "ensure_rendered", "render_pdf_bytes"]
