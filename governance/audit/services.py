"""The audit log: one call per legal or administrative event, inside the service's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from governance.models import AuditEvent


def record_event(
    *, action: str, actor=None, epci=None, target: models.Model | None = None, **data
) -> AuditEvent:
    event = audit_event(action=action, actor=actor, epci=epci, target=target, **data)
    event.save()
    return event


def audit_event(
    *, action: str, actor=None, epci=None, target: models.Model | None = None, **data
) -> AuditEvent:
    """The event record_event writes, unsaved: for record_events."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent(
        action=action,
        actor=actor,
        epci=epci,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        data=data,
    )


def record_events(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Many events of one run at once (audit_event for each), in a few INSERTs: the tacit
    sweep records thousands in one go (benchmarks/README.md). Append-only all the
    same: bulk_create only ever inserts."""
    return AuditEvent.objects.bulk_create(events, batch_size=1000)
