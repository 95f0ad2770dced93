"""Celery tasks of the publications (registered through conferences.tasks). Their names predate
the feature packages: messages already queued use them.

Thin: ids in, the row re-read by the service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from conferences.models import Publication
from conferences.publication import distribution
from conferences.publication import services as publication
from core.queue import enqueue_each


@shared_task(
    name="conferences.tasks_minutes.publish_document",
    bind=True,
    acks_late=True,
    max_retries=3,
    autoretry_for=(OSError,),
    retry_backoff=30,
)
def publish_document(
    self, session_id: int, kind: str, version: int, actor_id: int | None = None
) -> int | None:
    """Render and store a publication (immutable; a second run returns the stored one), then
    queue its distribution. Returns the Publication id, or None when a newer version superseded
    the request."""
    stored = publication.store_publication(
        session_id=session_id, kind=kind, version=version, actor_id=actor_id
    )
    return stored.pk if stored else None


@shared_task(name="conferences.tasks_minutes.distribute_publication", acks_late=True)
def distribute_publication(publication_id: int) -> int:
    """Send a publication to the municipal councillors (L5211-40-2) through the outbox: one
    message per recipient, exactly once even when the task runs again."""
    stored = Publication.objects.select_related("session__body__epci").get(pk=publication_id)
    return distribution.distribute(publication=stored)


@shared_task(name="conferences.publication.tasks.catch_up_publications")
def catch_up_publications() -> int:
    """Periodic: a publication requested but never stored, or stored but never distributed (a
    broker that was down, a worker killed in between), is queued again. Both tasks are safe to
    run twice. Returns how many were queued."""
    # Both lists first: a publication this run stores queues its own distribution.
    requests = publication.requests_to_publish()
    to_distribute = publication.publications_to_distribute()
    queued = enqueue_each(publish_document, requests)
    return queued + enqueue_each(distribute_publication, to_distribute)
