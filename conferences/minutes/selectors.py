"""Reads for the minutes pages, each in a constant number of queries whatever the number of
sessions or versions."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from conferences import perms
from conferences.models import (
    Minutes,
    MinutesSignature,
    MinutesVersion,
    Publication,
    Session,
)

# --- Minutes pages --------------------------------------------------------------------------------


def managed_session(user, pk: int) -> Session:
    """A session within the user's scope (404 outside it), with its minutes if any (1 query)."""
    return get_object_or_404(
        perms.sessions_for(user).select_related(
            "body__epci", "chair", "secretary", "minutes__adopting_session"
        ),
        pk=pk,
    )


def minutes_of(session: Session) -> Minutes | None:
    try:
        return session.minutes
    except Session.minutes.RelatedObjectDoesNotExist:
        return None


def versions_of(minutes: Minutes) -> list[MinutesVersion]:
    """Adopted versions, latest first, with their signatures and signers (2 queries)."""
    return list(
        MinutesVersion.objects.filter(minutes=minutes)
        .select_related("adopting_session", "created_by")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=MinutesSignature.objects.select_related("person", "signed_by").order_by(
                    "role", "pk"
                ),
            )
        )
        .order_by("-number")
    )


def publications_of(session: Session) -> list[Publication]:
    return list(Publication.objects.filter(session=session).order_by("kind", "-version", "pk"))


def correction_sessions(session: Session):
    """Sessions that may adopt a correction: later held sessions of the same body."""
    return Session.objects.filter(
        body_id=session.body_id,
        starts_at__gt=session.starts_at,
        status__in=(Session.Status.HELD, Session.Status.CLOSED),
    ).order_by("-starts_at", "pk")
