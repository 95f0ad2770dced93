"""The audit log: one call per legal or administrative event, inside the service's transaction."""

from __future__ import annotations

from django.db import models

from governance.models import AuditEvent


def record_event(
    *, action: str, actor=None, epci=None, target: models.Model | None = None, **data
) -> AuditEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        epci=epci,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        data=data,
    )
