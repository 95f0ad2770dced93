"""What is lent: equipment (with its driver), itinerant secretaries, training seats.

No double booking, on both databases: the service locks the booked row (item, then drivers in pk
order, or the secretary) with SELECT ... FOR UPDATE, so concurrent bookings of the same thing run
one after the other, and checks overlaps before inserting. On PostgreSQL an exclusion constraint
(migration 0002) is the last line of defence; its IntegrityError becomes the same French message.
SQLite serialises writers and has no FOR UPDATE: the overlap check is then enough in practice."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit import record_event
from governance.models import Commune, User
from governance.perms import ensure
from mutualisation import notifications, perms
from mutualisation.catalogue.services import check_offer_usable
from mutualisation.common import epci_ref, refuse
from mutualisation.models import (
    Booking,
    EquipmentItem,
    Mission,
    SeatReservation,
    ServiceRequest,
    StaffMember,
    TrainingSession,
)

ITEM_TAKEN = (
    "« {item} » est déjà réservé sur tout ou partie de cette période : choisissez d'autres dates."
)
NO_DRIVER = (
    "Aucun chauffeur n'est libre pour « {item} » sur cette période : choisissez d'autres dates."
)
SECRETARY_TAKEN = (
    "{person} est déjà en mission sur tout ou partie de cette période : choisissez d'autres dates "
    "ou une autre personne."
)


def _period_checked(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise refuse("La fin de la réservation doit suivre son début.")
    if starts_at < timezone.now():
        raise refuse("Une réservation ne peut pas commencer dans le passé.")


def _free_driver(*, epci_id: int, starts_at, ends_at) -> StaffMember | None:
    drivers = list(
        StaffMember.objects.select_for_update(of=("self",))
        .filter(epci_id=epci_id, role=StaffMember.Role.DRIVER, active=True)
        .select_related("person")
        .order_by("pk")
    )
    busy = set(
        Booking.objects.overlapping(starts_at, ends_at)
        .filter(driver__in=drivers)
        .values_list("driver_id", flat=True)
    )
    return next((d for d in drivers if d.pk not in busy), None)


@transaction.atomic
def book_item(
    *,
    actor: User,
    commune: Commune,
    item: EquipmentItem,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str = "",
) -> Booking:
    """Book an item for a commune; an item lent with its driver books a free driver too."""
    ensure(perms.can_book, actor, commune)
    _period_checked(starts_at, ends_at)
    item = (
        EquipmentItem.objects.select_for_update(of=("self",))
        .select_related("offer")
        .get(pk=item.pk)
    )
    if not item.active or item.epci_id != commune.epci_id:
        raise refuse(f"« {item.name} » n'est pas proposé au prêt.")
    check_offer_usable(commune=commune, offer=item.offer, on=timezone.localdate(starts_at))
    if Booking.objects.filter(item=item).overlapping(starts_at, ends_at).exists():
        raise refuse(ITEM_TAKEN.format(item=item.name), code="taken")
    driver = None
    if item.needs_driver:
        driver = _free_driver(epci_id=item.epci_id, starts_at=starts_at, ends_at=ends_at)
        if driver is None:
            raise refuse(NO_DRIVER.format(item=item.name), code="no_driver")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                epci_id=item.epci_id,
                commune=commune,
                item=item,
                driver=driver,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose,
                booked_by=actor,
            )
    except IntegrityError as exc:  # PostgreSQL exclusion constraint: someone was faster
        raise refuse(ITEM_TAKEN.format(item=item.name), code="taken") from exc
    record_event(
        action="mutualisation.booking.created",
        actor=actor,
        epci=epci_ref(item.epci_id),
        target=booking,
        item=item.pk,
        driver=driver.pk if driver else None,
        starts_at=starts_at.isoformat(),
        ends_at=ends_at.isoformat(),
    )
    notifications.notify_booking(booking=booking, event="booked")
    return booking


def _lock_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("item", "commune", "driver__person", "booked_by")
        .get(pk=booking.pk)
    )


@transaction.atomic
def cancel_booking(*, actor: User, booking: Booking) -> tuple[Booking, bool]:
    ensure(perms.can_cancel_booking, actor, booking)
    booking = _lock_booking(booking)
    if booking.status == Booking.Status.CANCELLED:
        return booking, False
    if booking.status == Booking.Status.RETURNED or booking.starts_at <= timezone.now():
        raise refuse("Une réservation commencée ou rendue ne peut plus être annulée.")
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status"])
    record_event(
        action="mutualisation.booking.cancelled",
        actor=actor,
        epci=epci_ref(booking.epci_id),
        target=booking,
    )
    notifications.notify_booking(booking=booking, event="cancelled")
    return booking, True


@transaction.atomic
def record_return(
    *, actor: User, booking: Booking, damaged: bool, damage_notes: str = ""
) -> tuple[Booking, bool]:
    """EPCI staff note the item back, and any damage."""
    ensure(perms.can_record_return, actor, booking)
    booking = _lock_booking(booking)
    if booking.status == Booking.Status.RETURNED:
        return booking, False
    if booking.status == Booking.Status.CANCELLED:
        raise refuse("Cette réservation a été annulée : rien à rendre.")
    if booking.starts_at > timezone.now():
        raise refuse("Le prêt n'a pas commencé : le retour ne peut pas encore être noté.")
    if damaged and not damage_notes.strip():
        raise refuse("Décrivez les dommages constatés.")
    booking.status = Booking.Status.RETURNED
    booking.returned_at = timezone.now()
    booking.damaged = damaged
    booking.damage_notes = damage_notes
    booking.save(update_fields=["status", "returned_at", "damaged", "damage_notes"])
    record_event(
        action="mutualisation.booking.returned",
        actor=actor,
        epci=epci_ref(booking.epci_id),
        target=booking,
        damaged=damaged,
    )
    notifications.notify_booking(booking=booking, event="returned")
    return booking, True


@transaction.atomic
def plan_mission(
    *,
    actor: User,
    commune: Commune,
    secretary: StaffMember,
    start_date: date,
    end_date: date,
    notes: str = "",
    request: ServiceRequest | None = None,
) -> Mission:
    """Place an itinerant secretary with a commune; one person is never in two places."""
    ensure(perms.can_plan_mission, actor, commune)
    if end_date < start_date:
        raise refuse("La fin de la mission précède son début.")
    secretary = (
        StaffMember.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=secretary.pk)
    )
    if secretary.role != StaffMember.Role.SECRETARY or not secretary.active:
        raise refuse(f"{secretary.person.full_name} n'est pas secrétaire itinérante en activité.")
    if secretary.epci_id != commune.epci_id:
        raise refuse("Cette personne n'appartient pas aux services de l'EPCI de la commune.")
    message = SECRETARY_TAKEN.format(person=secretary.person.full_name)
    if Mission.objects.filter(secretary=secretary).overlapping(start_date, end_date).exists():
        raise refuse(message, code="taken")
    try:
        with transaction.atomic():
            mission = Mission.objects.create(
                epci_id=commune.epci_id,
                commune=commune,
                secretary=secretary,
                start_date=start_date,
                end_date=end_date,
                notes=notes,
                request=request,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise refuse(message, code="taken") from exc
    record_event(
        action="mutualisation.mission.planned",
        actor=actor,
        epci=epci_ref(commune.epci_id),
        target=mission,
        secretary=secretary.pk,
        start_date=start_date.isoformat(),
        end_date=end_date.isoformat(),
    )
    notifications.notify_mission(mission=mission, event="planned")
    return mission


@transaction.atomic
def cancel_mission(*, actor: User, mission: Mission) -> tuple[Mission, bool]:
    ensure(perms.can_cancel_mission, actor, mission)
    mission = (
        Mission.objects.select_for_update(of=("self",))
        .select_related("commune", "secretary__person")
        .get(pk=mission.pk)
    )
    if mission.status == Mission.Status.CANCELLED:
        return mission, False
    mission.status = Mission.Status.CANCELLED
    mission.save(update_fields=["status"])
    record_event(
        action="mutualisation.mission.cancelled",
        actor=actor,
        epci=epci_ref(mission.epci_id),
        target=mission,
    )
    notifications.notify_mission(mission=mission, event="cancelled")
    return mission, True


@transaction.atomic
def reserve_seat(
    *,
    actor: User,
    session: TrainingSession,
    commune: Commune,
    attendee_name: str,
    attendee_email: str,
) -> tuple[SeatReservation, bool]:
    """A seat if one is left, else a place on the waitlist (first come, first served)."""
    ensure(perms.can_reserve_seat, actor, commune)
    session = (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("offer")
        .get(pk=session.pk)
    )
    if session.starts_at <= timezone.now():
        raise refuse("Cette session a déjà commencé.")
    check_offer_usable(commune=commune, offer=session.offer)
    existing = (
        session.reservations.exclude(status=SeatReservation.Status.CANCELLED)
        .filter(attendee_email__iexact=attendee_email)
        .first()
    )
    if existing is not None:
        return existing, False
    taken = session.reservations.filter(status=SeatReservation.Status.CONFIRMED).count()
    status = (
        SeatReservation.Status.CONFIRMED
        if taken < session.seats
        else SeatReservation.Status.WAITLISTED
    )
    seat = SeatReservation.objects.create(
        session=session,
        commune=commune,
        attendee_name=attendee_name,
        attendee_email=attendee_email.lower(),
        status=status,
        reserved_by=actor,
    )
    record_event(
        action=f"mutualisation.training.{status}",
        actor=actor,
        epci=epci_ref(session.epci_id),
        target=seat,
        session=session.pk,
    )
    notifications.notify_seat(seat=seat, event=status)
    return seat, True


@transaction.atomic
def cancel_seat(*, actor: User, seat: SeatReservation) -> tuple[SeatReservation, bool]:
    """Free a seat; the first on the waitlist then gets it."""
    session = TrainingSession.objects.select_for_update().get(pk=seat.session_id)
    seat = SeatReservation.objects.select_related("session").get(pk=seat.pk)
    ensure(perms.can_cancel_seat, actor, seat)
    if seat.status == SeatReservation.Status.CANCELLED:
        return seat, False
    was_confirmed = seat.status == SeatReservation.Status.CONFIRMED
    seat.status = SeatReservation.Status.CANCELLED
    seat.save(update_fields=["status"])
    record_event(
        action="mutualisation.training.cancelled",
        actor=actor,
        epci=epci_ref(session.epci_id),
        target=seat,
    )
    if was_confirmed:
        promoted = (
            session.reservations.filter(status=SeatReservation.Status.WAITLISTED)
            .select_related("session")
            .order_by("created_at", "pk")
            .first()
        )
        if promoted is not None:
            promoted.status = SeatReservation.Status.CONFIRMED
            promoted.save(update_fields=["status"])
            record_event(
                action="mutualisation.training.promoted",
                actor=actor,
                epci=epci_ref(session.epci_id),
                target=promoted,
            )
            notifications.notify_seat(seat=promoted, event="promoted")
    return seat, True
