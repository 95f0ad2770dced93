"""Celery task rendering a session's PDF document into its stored file (conferences.pdf). Its name
predates the feature packages: messages already queued use it."""

from celery import shared_task

from conferences.pdf.documents import build_document


@shared_task(
    name="conferences.tasks_pdf.render_session_document",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=3,
    acks_late=True,
)
def render_session_document(session_id: int, kind: str) -> str:
    """Ids in; re-reads the data; a no-op when the stored document is up to date. Storage errors
    (OSError) are retried; a rendering error is recorded on the document as FAILED."""
    return build_document(session_id=session_id, kind=kind)
