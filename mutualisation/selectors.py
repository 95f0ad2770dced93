"""Reads for the shared-services pages. Each function fetches what one page needs in a fixed
number of queries, whatever the number of rows."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import display
from governance.models import Commune, User
from mutualisation import perms
from mutualisation.models import (
    Booking,
    Convention,
    Eligibility,
    EquipmentItem,
    RequestAttachment,
    RequestMessage,
    RequestTransition,
    SeatReservation,
    ServiceOffer,
    ServiceRequest,
    StaffMember,
    TimeEntry,
    TrainingSession,
)


def acting_commune(user) -> Commune | None:
    """The commune a DGS or a mayor acts for (the first one for a mayor of several)."""
    ids = perms.commune_ids_for(user)
    return Commune.objects.filter(pk=ids[0]).first() if ids else None


@dataclass
class CatalogueEntry:
    offer: ServiceOffer
    eligibility: Eligibility | None = None
    covered: bool = False

    @property
    def orderable(self) -> bool:
        return bool(
            self.eligibility
            and self.eligibility.eligible
            and (self.covered or not self.offer.requires_convention)
        )


def catalogue(user, commune: Commune | None) -> list[CatalogueEntry]:
    """Offers with, for a commune, eligibility and convention cover (2 queries)."""
    offers = list(perms.offers_for(user).for_catalogue())
    covered: set[int] = set()
    if commune is not None:
        covered = set(
            Convention.objects.in_force()
            .filter(commune=commune)
            .values_list("options__pk", flat=True)
        )
    return [
        CatalogueEntry(
            offer=offer,
            eligibility=offer.eligibility_for(commune) if commune else None,
            covered=offer.pk in covered,
        )
        for offer in offers
    ]


def convention_list(user):
    return (
        perms.conventions_for(user)
        .select_related("commune")
        .prefetch_related(Prefetch("options", queryset=ServiceOffer.objects.order_by("position")))
        .order_by("commune__name", "-valid_from", "pk")
    )


def convention_detail(user, pk: int) -> Convention:
    return get_object_or_404(
        perms.conventions_for(user)
        .select_related("commune")
        .prefetch_related(Prefetch("options", queryset=ServiceOffer.objects.order_by("position"))),
        pk=pk,
    )


def request_list(user, *, status: str = ""):
    requests = perms.requests_for(user).for_list()
    if status in ServiceRequest.Status.values:
        requests = requests.filter(status=status)
    return requests


def request_page(user, *, status: str = "", number=None, per_page: int = 50) -> Page:
    """One page of the request list (2 queries: the count, then the page). The page's requests
    are picked by id in a subquery that reads the requests alone; only those rows are joined to
    their commune, offer and agent, however deep the page."""
    ids = request_list(user, status=status).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(number)
    page.object_list = list(ServiceRequest.objects.filter(pk__in=page.object_list).for_list())
    return page


STATUS_LABELS = dict(ServiceRequest.Status.choices)


class RequestLine(TypedDict):
    """A row of the request table (_request_table.html), printed as is."""

    number: str
    url: str
    subject: str
    commune: str
    offer: str
    status: str
    overdue: bool
    agent: str
    due_on: str


def request_lines(requests: Iterable[ServiceRequest]) -> list[RequestLine]:
    """The request table's rows, from requests read by for_list() (no query): one reverse() and
    one date for the whole table, each value formatted once."""
    detail_url = display.url_maker("mutualisation:request_detail")
    today = timezone.localdate()
    return [
        RequestLine(
            number=str(r.pk),
            url=detail_url(r.pk),
            subject=r.subject,
            commune=r.commune.name,
            offer=r.offer.name,
            status=STATUS_LABELS.get(r.status, r.status),
            overdue=r.is_overdue_on(today),
            agent=(r.assigned_to.get_full_name() if r.assigned_to else "") or "—",
            due_on=display.day(r.due_on) or "—",
        )
        for r in requests
    ]


def request_detail(user, pk: int) -> ServiceRequest:
    """The request with its log, thread, attachments and time entries (6 queries)."""
    return get_object_or_404(
        perms.requests_for(user)
        .select_related("commune", "offer", "assigned_to", "requested_by")
        .annotate(minutes_spent=Sum("time_entries__minutes"))
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=RequestTransition.objects.select_related("actor").order_by("at", "pk"),
            ),
            Prefetch(
                "messages",
                queryset=RequestMessage.objects.select_related("author").order_by("at", "pk"),
            ),
            Prefetch("attachments", queryset=RequestAttachment.objects.order_by("pk")),
            Prefetch(
                "time_entries",
                queryset=TimeEntry.objects.select_related("agent").order_by("spent_on", "pk"),
            ),
        ),
        pk=pk,
    )


def epci_agents(user):
    return User.objects.filter(
        epci_id=user.epci_id, role__in=[User.Role.AGENT, User.Role.SECRETARIAT], is_active=True
    ).order_by("last_name", "first_name", "pk")


def staff_dashboard(user) -> dict:
    """Counts by status, overdue requests, the agent's own open requests, unassigned ones."""
    requests = perms.requests_for(user)
    counts = requests.aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in ServiceRequest.Status.values}
    )
    return {
        "counts": [(label, counts[value]) for value, label in ServiceRequest.Status.choices],
        "overdue": request_lines(requests.overdue().for_list().order_by("due_on", "pk")),
        "mine": request_lines(
            requests.open().filter(assigned_to=user).for_list().order_by("due_on", "pk")
        ),
        "unassigned": request_lines(
            requests.filter(status=ServiceRequest.Status.SUBMITTED)
            .for_list()
            .order_by("submitted_at", "pk")
        ),
    }


@dataclass
class CalendarRow:
    item: EquipmentItem
    cells: list[dict] = field(default_factory=list)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime, list[date]]:
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    tz = timezone.get_current_timezone()
    start = datetime.combine(days[0], time.min, tzinfo=tz)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz)
    return start, end, days


def booking_calendar(user, *, year: int, month: int) -> dict:
    """Availability of every item, day by day, for one month (2 queries). Other communes'
    bookings show as "taken", without saying whose."""
    start, end, days = month_bounds(year, month)
    items = list(
        EquipmentItem.objects.filter(epci_id=user.epci_id, active=True).order_by(
            "kind", "name", "pk"
        )
    )
    bookings = list(
        Booking.objects.filter(epci_id=user.epci_id)
        .overlapping(start, end)
        .select_related("commune")
        .order_by("starts_at", "pk")
    )
    mine = set(perms.commune_ids_for(user))
    staff = perms.is_staff(user)
    tz = timezone.get_current_timezone()
    by_item: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_item.setdefault(booking.item_id, []).append(booking)
    rows = []
    for item in items:
        row = CalendarRow(item=item)
        for day in days:
            day_start = datetime.combine(day, time.min, tzinfo=tz)
            day_end = day_start + timedelta(days=1)
            hit = next(
                (
                    b
                    for b in by_item.get(item.pk, ())
                    if b.starts_at < day_end and b.ends_at > day_start
                ),
                None,
            )
            if hit is None:
                row.cells.append({"day": day, "state": "free", "label": "libre"})
            elif staff or hit.commune_id in mine:
                row.cells.append(
                    {"day": day, "state": "mine", "label": hit.commune.name, "booking": hit}
                )
            else:
                row.cells.append({"day": day, "state": "taken", "label": "réservé"})
        rows.append(row)
    previous = days[0] - timedelta(days=1)
    following = days[-1] + timedelta(days=1)
    return {
        "rows": rows,
        "days": days,
        "year": year,
        "month": month,
        "previous": previous,
        "following": following,
    }


def booking_list(user):
    return (
        perms.bookings_for(user)
        .select_related("item", "commune", "driver__person")
        .order_by("-starts_at", "-pk")
    )


def booking_detail(user, pk: int) -> Booking:
    return get_object_or_404(
        perms.bookings_for(user).select_related("item", "commune", "driver__person", "booked_by"),
        pk=pk,
    )


def bookable_items(user):
    return EquipmentItem.objects.filter(epci_id=user.epci_id, active=True).order_by(
        "kind", "name", "pk"
    )


def mission_list(user):
    return (
        perms.missions_for(user)
        .select_related("commune", "secretary__person")
        .order_by("-start_date", "-pk")
    )


def secretaries(user):
    return (
        StaffMember.objects.filter(
            epci_id=user.epci_id, role=StaffMember.Role.SECRETARY, active=True
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def training_sessions(user) -> dict:
    """Upcoming sessions with seats left and waitlist size, and the user's commune's seats."""
    sessions = list(
        TrainingSession.objects.filter(epci_id=user.epci_id, starts_at__gte=timezone.now())
        .select_related("offer")
        .annotate(
            confirmed=Count(
                "reservations", filter=Q(reservations__status=SeatReservation.Status.CONFIRMED)
            ),
            waitlisted=Count(
                "reservations", filter=Q(reservations__status=SeatReservation.Status.WAITLISTED)
            ),
        )
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        session.seats_left = max(0, session.seats - session.confirmed)
    seats = list(
        perms.seats_for(user)
        .exclude(status=SeatReservation.Status.CANCELLED)
        .select_related("session", "commune")
        .order_by("session__starts_at", "created_at", "pk")
    )
    return {"sessions": sessions, "seats": seats}
