"""Reads of the publications, each in a fixed number of queries whatever the number of rows: the
public pages (no login: public bodies, their publications (R2131-1) and the feed), the
recipients of the distribution (L5211-40-2) and the secretariat's dashboard of what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from conferences import perms
from conferences.models import (
    AgendaItem,
    Minutes,
    MinutesVersion,
    Publication,
    Session,
)
from governance import legal_calendar
from governance.models import Body, Mandate, Membership, Person
from governance.rules import BodyKind

HOME_PUBLICATIONS = 10
FEED_PUBLICATIONS = 50


def public_bodies() -> QuerySet[Body]:
    """Bodies whose sessions and publications are public (the councils), by EPCI."""
    return (
        Body.objects.filter(is_public=True, active=True)
        .select_related("epci")
        .order_by("epci__name", "kind", "name", "pk")
    )


def public_publications() -> QuerySet[Publication]:
    """Everything put online by a public body, newest first. Never filtered by age: publications
    stay online (R2131-1 requires at least two months; the portal keeps them)."""
    return (
        Publication.objects.filter(body__is_public=True, body__active=True)
        .select_related("body__epci", "session")
        .order_by("-published_at", "-pk")
    )


def public_body(pk: int) -> Body:
    """A public body (404 for any other: private bodies have no public page). 1 query."""
    return get_object_or_404(public_bodies(), pk=pk)


def body_publications(body: Body) -> list[Publication]:
    """The body's publications, newest first (1 query)."""
    return list(
        Publication.objects.filter(body=body)
        .select_related("session")
        .order_by("-published_at", "-pk")
    )


def latest_publications(limit: int = HOME_PUBLICATIONS) -> list[Publication]:
    return list(public_publications()[:limit])


def public_publication(pk: int) -> Publication:
    return get_object_or_404(public_publications(), pk=pk)


MUNICIPAL_MANDATES = (
    Mandate.Kind.MAYOR,
    Mandate.Kind.DEPUTY_MAYOR,
    Mandate.Kind.MUNICIPAL_COUNCILLOR,
)


RECIPIENT_FIELDS = ("pk", "first_name", "last_name", "email")


def _municipal(epci_id: int, day: date):
    """People with a current municipal mandate (mayor, deputy, councillor) in a commune of the
    EPCI and an email address, once each, ordered by name."""
    mandates = Mandate.objects.current(day).filter(
        person=OuterRef("pk"), kind__in=MUNICIPAL_MANDATES, commune__epci_id=epci_id
    )
    return (
        Person.objects.filter(Exists(mandates))
        .exclude(email="")
        .order_by("last_name", "first_name", "pk")
    )


def municipal_councillors(*, epci_id: int, day: date) -> list[dict]:
    """Every municipal councillor of the member communes (L5211-40-2), 1 query."""
    return list(_municipal(epci_id, day).values(*RECIPIENT_FIELDS))


def councillors_not_sitting(*, session: Session, day: date) -> list[dict]:
    """The municipal councillors of the member communes who do not sit on the session's body
    (L5211-40-2), 1 query."""
    sits = Membership.objects.current(day).filter(body_id=session.body_id, person=OuterRef("pk"))
    return list(
        _municipal(session.body.epci_id, day).exclude(Exists(sits)).values(*RECIPIENT_FIELDS)
    )


@dataclass(frozen=True)
class Duty:
    """One legal obligation: put a document online, or inform the councillors, by `due`."""

    label: str
    due: date | None
    done_at: date | None = None
    applies: bool = True
    detail: str = ""

    @property
    def late(self) -> bool:
        if not self.applies or self.due is None:
            return False
        day = self.done_at or timezone.localdate()
        return day > self.due

    @property
    def pending(self) -> bool:
        return self.applies and self.done_at is None


@dataclass(frozen=True)
class DashboardRow:
    session: Session
    minutes: Minutes | None
    version: MinutesVersion | None
    deliberations: Duty
    minutes_duty: Duty
    opinions: Duty
    councillors: list[Duty]

    @property
    def attention(self) -> bool:
        duties = [self.deliberations, self.minutes_duty, self.opinions, *self.councillors]
        return any(d.pending or d.late for d in duties)


DASHBOARD_LIMIT = 100


def dashboard_rows(user, *, limit: int = DASHBOARD_LIMIT) -> list[DashboardRow]:
    """Held sessions in the user's scope, most recent first, with what must be put online and
    sent, by when, and whether it is late (3 queries whatever the number of sessions): the
    sessions with their body, minutes and item counts; the adopted versions; the publications.
    """
    sessions = list(
        perms.sessions_for(user)
        .filter(status__in=(Session.Status.HELD, Session.Status.CLOSED))
        .select_related("body", "minutes")
        .annotate(
            deliberation_count=Count(
                "items", filter=Q(items__kind=AgendaItem.Kind.DELIBERATION), distinct=True
            ),
            opinion_count=Count(
                "items",
                filter=Q(items__kind=AgendaItem.Kind.OPINION) & ~Q(items__opinion=""),
                distinct=True,
            ),
        )
        .order_by("-starts_at", "-pk")[:limit]
    )
    ids = [s.pk for s in sessions]
    latest: dict[int, MinutesVersion] = {}
    for version in MinutesVersion.objects.filter(minutes__session_id__in=ids).order_by(
        "minutes_id", "number"
    ):
        latest[version.minutes_id] = version
    publications: dict[tuple[int, str, int], Publication] = {}
    for publication in Publication.objects.filter(session_id__in=ids).order_by("pk"):
        publications[(publication.session_id, publication.kind, publication.version)] = publication
    return [_row(s, latest, publications) for s in sessions]


def _published_on(publication: Publication | None) -> date | None:
    return timezone.localdate(publication.published_at) if publication else None


def _row(session: Session, latest: dict, publications: dict) -> DashboardRow:
    day = legal_calendar.legal_day_of(session.starts_at)
    minutes = getattr(session, "minutes", None)
    version = latest.get(minutes.pk) if minutes else None
    deliberations_pub = publications.get((session.pk, Publication.Kind.DELIBERATIONS, 1))
    deliberations = Duty(
        label="Liste des délibérations",
        due=legal_calendar.publication_deadline(day),
        done_at=_published_on(deliberations_pub),
        applies=session.deliberation_count > 0,
    )
    minutes_pub = (
        publications.get((session.pk, Publication.Kind.MINUTES, version.number))
        if version
        else None
    )
    adoption_day = legal_calendar.legal_day_of(version.adopted_at) if version else None
    minutes_duty = Duty(
        label="Procès-verbal",
        due=legal_calendar.publication_deadline(adoption_day) if adoption_day else None,
        done_at=_published_on(minutes_pub),
        applies=version is not None,
        detail=minutes.get_status_display() if minutes else "Non commencé",
    )
    opinions = Duty(
        label="Avis rendus",
        due=None,
        done_at=_published_on(publications.get((session.pk, Publication.Kind.OPINIONS, 1))),
        applies=session.body.gives_opinions and session.opinion_count > 0,
    )
    councillors = []
    if session.body.kind == BodyKind.COUNCIL:
        # The councillors are informed by the distribution that follows each publication.
        councillors = [
            Duty(
                label="Liste des délibérations aux conseillers municipaux",
                due=legal_calendar.councillors_information_deadline(day),
                done_at=deliberations.done_at,
                applies=deliberations.applies,
            ),
            Duty(
                label="Procès-verbal aux conseillers municipaux",
                due=legal_calendar.councillors_information_deadline(adoption_day)
                if adoption_day
                else None,
                done_at=minutes_duty.done_at,
                applies=minutes_duty.applies,
            ),
        ]
    return DashboardRow(
        session=session,
        minutes=minutes,
        version=version,
        deliberations=deliberations,
        minutes_duty=minutes_duty,
        opinions=opinions,
        councillors=councillors,
    )
