"""Stored PDF documents: the file name, the check for a stale document and the (re)build done by
the Celery task (conferences.pdf.tasks). A document is rendered from its source data, stored,
and replaced (the old file deleted) when the data change; a download only serves the file."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from conferences.models import RenderedDocument, Session
from conferences.pdf import sources
from conferences.pdf.fingerprint import fingerprint
from conferences.pdf.render import render_source
from core.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

Kind = RenderedDocument.Kind
Status = RenderedDocument.Status

FILE_SLUGS = {
    Kind.CONVOCATION: "convocation",
    Kind.DELIBERATIONS: "liste-des-deliberations",
    Kind.PACK: "dossier-de-seance",
    Kind.MINUTES: "proces-verbal",
    Kind.OPINIONS: "avis",
}
# How long a queued rendering stops further requests from queuing the same one again.
QUEUED_TTL = 300


def document_filename(session: Session, kind: str, *, suffix: str = "") -> str:
    """What the file is, in its name: body, ISO date, document, e.g.
    "conseil-communautaire_2026-12-10_proces-verbal.pdf"."""
    day = timezone.localdate(session.starts_at).isoformat()
    return f"{slugify(session.body.name)}_{day}_{FILE_SLUGS[Kind(kind)]}{suffix}.pdf"


def is_current(document: RenderedDocument, print_fingerprint: str) -> bool:
    return bool(
        document.status == Status.READY
        and document.fingerprint == print_fingerprint
        and document.file
    )


def ensure_rendered(*, session: Session, kind: str) -> RenderedDocument:
    """The session's stored document of this kind; when it is missing, failed or stale (its data
    changed since it was rendered), mark it PENDING and queue its rendering on commit. Reads the
    source data (a fixed number of queries) but never renders."""
    kind = Kind(kind)
    current = fingerprint(kind, sources.source_for(session, kind))
    # One row at most (one document per kind); the default ordering would join the session.
    document = RenderedDocument.objects.filter(session=session, kind=kind).order_by().first()
    if document is not None and is_current(document, current):
        return document
    with transaction.atomic():
        document, _ = RenderedDocument.objects.select_for_update().get_or_create(
            session=session, kind=kind
        )
        if is_current(document, current):
            return document
        # A stale document is no longer served; a failed one keeps its error on show while it
        # is tried again.
        if document.status == Status.READY:
            document.status = Status.PENDING
            document.save(update_fields=["status"])
        # One queued rendering per document and data state, however often the page is polled.
        if cache.add(_queued_key(document.pk, current), True, QUEUED_TTL):
            from conferences.pdf.tasks import render_session_document

            # A broker that is down is logged, never a 500 on the page: the queued mark expires
            # after QUEUED_TTL and the next view of the page queues the rendering again.
            enqueue_on_commit(render_session_document, session.pk, str(kind))
    return document


def _queued_key(pk: int, print_fingerprint: str) -> str:
    return f"pdf-queued:{pk}:{print_fingerprint}"


def build_document(*, session_id: int, kind: str) -> str:
    """Render the document if its stored file is missing or stale and replace the stored file.
    Safe to run twice: an up-to-date document is left alone, and of two concurrent runs the
    second to finish discards its output. A rendering error is recorded as FAILED."""
    kind = Kind(kind)
    session = sources.load_session(session_id)
    if session is None:
        return "missing"
    source = sources.source_for(session, kind)
    current = fingerprint(kind, source)
    document, _ = RenderedDocument.objects.get_or_create(session=session, kind=kind)
    if is_current(document, current):
        return "up-to-date"
    try:
        content, page_count = render_source(kind, source)
    except Exception as exc:  # any rendering error is final: record it
        logger.exception("Échec du rendu PDF %s de la séance %s", kind, session_id)
        RenderedDocument.objects.filter(pk=document.pk).update(
            status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        cache.delete(_queued_key(document.pk, current))  # a retry may queue it again
        return "failed"
    return _store(document.pk, session, kind, current, content, page_count)


def _store(pk, session, kind, current, content: bytes, page_count: int) -> str:
    filename = document_filename(session, kind)
    with transaction.atomic():
        document = RenderedDocument.objects.select_for_update().get(pk=pk)
        if is_current(document, current):
            return "superseded"
        old_name = document.file.name if document.file else ""
        document.file.save(filename, ContentFile(content), save=False)
        document.filename = filename
        document.fingerprint = current
        document.status = Status.READY
        document.page_count = page_count
        document.size = len(content)
        document.rendered_at = timezone.now()
        document.error = ""
        document.save(
            update_fields=[
                "file",
                "filename",
                "fingerprint",
                "status",
                "page_count",
                "size",
                "rendered_at",
                "error",
            ]
        )
        new_name = document.file.name
        storage = document.file.storage
        if old_name and old_name != new_name:
            # Replace, never append: the previous file goes once the new one is recorded.
            transaction.on_commit(lambda: storage.delete(old_name))
    return "rendered"
