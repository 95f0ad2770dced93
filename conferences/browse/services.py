"""Private iCalendar feed URLs: one per user, revocable (a new token kills the old URL)."""

from __future__ import annotations

from django.db import transaction

from conferences.models import CalendarFeed
from governance.audit import record_event
from governance.models import User


@transaction.atomic
def ensure_calendar_feed(*, user: User) -> CalendarFeed:
    """The user's feed, created on first use."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        record_event(action="calendar_feed.created", actor=user, epci=user.epci, target=feed)
    return feed


@transaction.atomic
def revoke_calendar_feed(*, user: User) -> CalendarFeed:
    """Issue a new token: the old URL answers 404 from now on (a leaked URL is cut off)."""
    feed, _ = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    feed.token = CalendarFeed._meta.get_field("token").get_default()
    feed.save(update_fields=["token"])
    record_event(action="calendar_feed.revoked", actor=user, epci=user.epci, target=feed)
    return feed
