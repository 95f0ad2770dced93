"""Reads of the audit log for the secretariat's page and export."""

from __future__ import annotations

from django.db.models import Q

from governance.models import AuditEvent


def legal_log_for(user):
    """The events the user's log shows, with the actions present in it (for the filter)."""
    events = AuditEvent.objects.legal_log_for(user)
    actions = list(events.order_by("action").values_list("action", flat=True).distinct())
    return events, actions


def newest_first(events, *, size: int = 2000):
    """The events newest first, read `size` at a time by keyset on (at, pk): memory stays
    bounded however long the log, without a server-side cursor (they are disabled on
    PostgreSQL, see config/env.py)."""
    events = events.order_by("-at", "-pk")
    batch = list(events[:size])
    while batch:
        yield from batch
        last = batch[-1]
        batch = list(events.filter(Q(at__lt=last.at) | Q(at=last.at, pk__lt=last.pk))[:size])
