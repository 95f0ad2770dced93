"""Reads of the booking calendar and lists, missions and training sessions, each in a fixed number
of queries."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mutualisation import perms
from mutualisation.models import (
    Booking,
    EquipmentItem,
    SeatReservation,
    StaffMember,
    TrainingSession,
)


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
