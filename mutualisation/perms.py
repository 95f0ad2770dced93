"""Who sees and does what in the shared services. Views reach objects only through these scoped
querysets: a commune sees its own requests, bookings, missions and conventions (another commune's
are a 404); EPCI staff see their EPCI's; a forbidden action inside one's scope is a 403."""

from __future__ import annotations

from django.db.models import QuerySet

from governance import perms as gov_perms
from governance.models import Commune, Mandate, User
from mutualisation.models import (
    Booking,
    Convention,
    Mission,
    SeatReservation,
    ServiceOffer,
    ServiceRequest,
)


def is_staff(user) -> bool:
    """EPCI staff (secretariat and agents) handle requests and run the schedules."""
    return gov_perms.is_epci_staff(user) or (user.is_authenticated and user.is_superuser)


def can_manage(user) -> bool:
    """The secretariat sets up offers, conventions, equipment, missions and indicators."""
    return gov_perms.is_secretariat(user)


def commune_ids_for(user) -> list[int]:
    """The communes a user acts for: a DGS's commune, a mayor's commune(s). Cached per user."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_mutualisation_commune_ids", None)
    if cached is not None:
        return cached
    ids: list[int] = []
    acting = gov_perms.acting_commune_id(user)
    if acting:
        ids = [acting]
    elif user.role == User.Role.ELECTED and user.person_id:
        ids = list(
            Mandate.objects.current()
            .filter(
                person_id=user.person_id,
                kind=Mandate.Kind.MAYOR,
                commune__epci_id=user.epci_id,
            )
            .order_by("commune_id")
            .values_list("commune_id", flat=True)
        )
    user._mutualisation_commune_ids = ids
    return ids


def acts_for_commune(user) -> bool:
    return bool(commune_ids_for(user))


def _scoped(queryset: QuerySet, user) -> QuerySet:
    """Staff: the whole EPCI; a commune: its own rows; anyone else: nothing."""
    if not user.is_authenticated or not user.epci_id and not user.is_superuser:
        return queryset.none()
    if is_staff(user):
        return queryset if user.is_superuser else queryset.filter(epci_id=user.epci_id)
    ids = commune_ids_for(user)
    if not ids:
        return queryset.none()
    return queryset.filter(epci_id=user.epci_id, commune_id__in=ids)


def in_epci_scope(queryset: QuerySet, user) -> QuerySet:
    """Rows of an EPCI-owned model: the account's EPCI (a superuser: every EPCI)."""
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(epci_id=user.epci_id) if user.epci_id else queryset.none()


def offers_for(user) -> QuerySet[ServiceOffer]:
    """Every user of the EPCI sees its catalogue."""
    if user.is_superuser:
        return ServiceOffer.objects.all()
    return (
        ServiceOffer.objects.filter(epci_id=user.epci_id)
        if user.epci_id
        else (ServiceOffer.objects.none())
    )


def requests_for(user) -> QuerySet[ServiceRequest]:
    return _scoped(ServiceRequest.objects.all(), user)


def conventions_for(user) -> QuerySet[Convention]:
    return _scoped(Convention.objects.all(), user)


def bookings_for(user) -> QuerySet[Booking]:
    return _scoped(Booking.objects.all(), user)


def missions_for(user) -> QuerySet[Mission]:
    return _scoped(Mission.objects.all(), user)


def seats_for(user) -> QuerySet[SeatReservation]:
    qs = SeatReservation.objects.all()
    if is_staff(user):
        return qs if user.is_superuser else qs.filter(session__epci_id=user.epci_id)
    ids = commune_ids_for(user)
    return qs.filter(commune_id__in=ids, session__epci_id=user.epci_id) if ids else qs.none()


def sees_epci_pages(user) -> bool:
    """Pages of the whole service (calendar, trainings): staff and communes' users."""
    return is_staff(user) or acts_for_commune(user)


def can_handle_request(user, request: ServiceRequest) -> bool:
    return is_staff(user) and (user.is_superuser or user.epci_id == request.epci_id)


def is_requesting_side(user, request: ServiceRequest) -> bool:
    return request.commune_id in commune_ids_for(user)


# ------------------------------------------------------------------ writes (called by services)
# Each service asks one of these through governance.perms.ensure (a 403); the system's own
# calls (actor None) are not checked, see governance/perms.py.


def can_manage_epci(user, epci_id: int | None) -> bool:
    """Offers, conventions, equipment, staff, missions, surveys and the schéma of an EPCI."""
    return gov_perms.can_manage_epci(user, epci_id)


def can_manage_own_epci(user) -> bool:
    """Create in the account's EPCI (conventions, missions, offers, surveys, the schéma)."""
    return gov_perms.can_create_in_own_epci(user)


def can_save_catalogue(user, obj=None) -> bool:
    """A new catalogue entry goes into the account's EPCI; an existing one stays in its own."""
    if obj is None or obj.pk is None:
        return can_manage_own_epci(user)
    return gov_perms.can_manage_epci(user, obj.epci_id)


def can_plan_mission(user, commune) -> bool:
    return gov_perms.can_manage_epci(user, commune.epci_id)


def can_cancel_mission(user, mission: Mission) -> bool:
    return gov_perms.can_manage_epci(user, mission.epci_id)


def acts_for(user, commune_id: int) -> bool:
    """Whether the user acts for that commune (its DGS, its mayor)."""
    return commune_id in commune_ids_for(user)


def can_file_request(user, commune) -> bool:
    return acts_for(user, commune.pk)


def can_take_part_in_request(user, request: ServiceRequest) -> bool:
    """Messages and attachments: the EPCI staff handling it and the requesting commune."""
    return can_handle_request(user, request) or is_requesting_side(user, request)


def can_rate_request(user, request: ServiceRequest) -> bool:
    return is_requesting_side(user, request)


def can_book(user, commune) -> bool:
    return acts_for(user, commune.pk)


def can_cancel_booking(user, booking: Booking) -> bool:
    """The borrowing commune, or the EPCI staff."""
    return acts_for(user, booking.commune_id) or (
        is_staff(user) and gov_perms.in_scope(user, booking.epci_id)
    )


def can_record_return(user, booking: Booking) -> bool:
    return is_staff(user) and gov_perms.in_scope(user, booking.epci_id)


def can_reserve_seat(user, commune) -> bool:
    return acts_for(user, commune.pk)


def can_cancel_seat(user, seat: SeatReservation) -> bool:
    """The commune that reserved it, or the EPCI staff."""
    return acts_for(user, seat.commune_id) or (
        is_staff(user) and gov_perms.in_scope(user, seat.session.epci_id)
    )


def can_answer_survey(user, commune) -> bool:
    """The commune itself, or the secretariat of its EPCI entering an answer received on paper."""
    return acts_for(user, commune.pk) or gov_perms.can_manage_epci(user, commune.epci_id)


def acting_commune(user) -> Commune | None:
    """The commune a DGS or a mayor acts for (the first one for a mayor of several)."""
    ids = commune_ids_for(user)
    return Commune.objects.filter(pk=ids[0]).first() if ids else None
