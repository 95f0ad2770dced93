"""iCalendar (RFC 5545) export of sessions: the invitation attached to convocation mails and the
calendar feeds (private per user, public per body).

Prefetch-friendly: with ``body``, ``place_commune`` selected and ``items`` prefetched by the
caller, building any number of events issues no query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from conferences.models import Session

PRODID = "-//Interco//Séances des instances//FR"
DEFAULT_DURATION = timedelta(hours=2)


def session_uid(session: Session) -> str:
    """Stable across versions, so that an update or a cancellation replaces the same event."""
    return f"seance-{session.pk}@interco"


def session_url(session: Session) -> str:
    return settings.SITE_URL + reverse("conferences:session_detail", args=[session.pk])


def _location(session: Session) -> str:
    parts = [session.address.strip()]
    if session.place_commune_id:
        parts.append(session.place_commune.name)
    return ", ".join(p for p in parts if p)


def _description(session: Session, url: str) -> str:
    # .all() so that a caller's prefetch_related("items") is used; ordering comes from Meta
    # (applied by the prefetch query), sorted again here in case the prefetch changed it.
    items = sorted(session.items.all(), key=lambda i: (i.position, i.pk))
    lines = []
    if items:
        lines.append("Ordre du jour :")
        lines.extend(f"{item.position}. {item.title}" for item in items)
    if session.video_url:
        lines.extend(["", f"Visioconférence : {session.video_url}"])
    lines.extend(["", f"Détails et documents : {url}"])
    return "\n".join(lines).strip()


def session_event(
    session: Session, *, sequence: int | None = None, cancelled: bool = False
) -> icalendar.Event:
    """One VEVENT for a session. SEQUENCE defaults to the session's version, which every change
    sent after convening increments, so calendar clients replace the previous copy."""
    url = session_url(session)
    # Local time with its TZID (calendar_bytes adds the VTIMEZONE): clients show the French
    # wall-clock time even across a daylight-saving change.
    starts_at = session.starts_at
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    starts_at = timezone.localtime(starts_at)
    cancelled = cancelled or session.status == Session.Status.CANCELLED
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + DEFAULT_DURATION)
    event.add("summary", f"{session.body.name} — {session.display_title}")
    location = _location(session)
    if location:
        event.add("location", location)
    event.add("description", _description(session, url))
    event.add("url", url)
    event.add("sequence", session.version if sequence is None else sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_bytes(sessions: Iterable[Session], *, name: str, method: str = "PUBLISH") -> bytes:
    """A whole calendar. METHOD=REQUEST for an invitation attached to a mail, CANCEL for a
    cancellation notice, PUBLISH for a subscribed feed."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    days = []
    for session in sessions:
        calendar.add_component(session_event(session, cancelled=method == "CANCEL"))
        days.append(timezone.localdate(session.starts_at))
    if days:
        # The VTIMEZONE only needs to cover the events: a bounded range keeps it short (the
        # default spans 1970-2038, several kilobytes in every convocation mail).
        calendar.add_missing_timezones(
            first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
        )
    return calendar.to_ical()
