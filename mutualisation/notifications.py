"""Emails of the service desk, through the outbox (core.services.queue_emails). Each has a dedup
key naming the event and the recipient, so a retried service or task never sends it twice."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from core.notifications import Notification
from core.services import queue_emails
from governance.models import User
from mutualisation.models import (
    Booking,
    Mission,
    RequestMessage,
    RequestTransition,
    SeatReservation,
    ServiceRequest,
)

REQUEST_TRANSITION = Notification(
    category="mutualisation-request",
    subject="[{{ request.commune.name }}] Demande n° {{ request.pk }} : "
    "{{ transition.get_to_status_display|lower }}",
    text="email/mutualisation/request_transition.txt",
)
REQUEST_MESSAGE = Notification(
    category="mutualisation-message",
    subject="[{{ request.commune.name }}] Nouveau message sur la demande n° {{ request.pk }}",
    text="email/mutualisation/request_message.txt",
)
BOOKING = Notification(
    category="mutualisation-booking",
    subject="Réservation de {{ booking.item.name }} : {{ event }}",
    text="email/mutualisation/booking.txt",
)
MISSION = Notification(
    category="mutualisation-mission",
    subject="Secrétaire itinérante pour {{ mission.commune.name }} : mission {{ event }}",
    text="email/mutualisation/mission.txt",
)
SEAT = Notification(
    category="mutualisation-training",
    subject="Formation « {{ seat.session.title }} » : {{ event }}",
    text="email/mutualisation/seat.txt",
)


def _active(users):
    return [u for u in users if u.is_active and u.email]


def staff_recipients(request: ServiceRequest) -> list[User]:
    """The agent in charge, or the secretariat while nobody is assigned."""
    if request.assigned_to_id:
        return _active([request.assigned_to])
    return _active(
        User.objects.filter(epci_id=request.epci_id, role=User.Role.SECRETARIAT).order_by("pk")
    )


def commune_recipients(*, commune_id: int, requested_by: User | None = None) -> list[User]:
    """Whoever filed it; failing that, the commune's DGS accounts."""
    if requested_by is not None and requested_by.is_active:
        return _active([requested_by])
    return _active(User.objects.filter(commune_id=commune_id, role=User.Role.DGS).order_by("pk"))


def _link(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"pk": pk})


def _emails(*, notification: Notification, key: str, recipients, context):
    return [
        notification.email(
            dedup_key=f"{key}:to:{user.pk}",
            to_email=user.email,
            to_name=user.get_full_name(),
            context={**context, "recipient": user},
        )
        for user in recipients
    ]


def notify_transition(*, transition: RequestTransition, to_staff: bool) -> list[int]:
    """Tell the other side that the request changed status."""
    request = transition.request
    recipients = (
        staff_recipients(request)
        if to_staff
        else commune_recipients(commune_id=request.commune_id, requested_by=request.requested_by)
    )
    return queue_emails(
        emails=_emails(
            notification=REQUEST_TRANSITION,
            key=f"service-request:{request.pk}:transition:{transition.pk}",
            recipients=recipients,
            context={
                "request": request,
                "transition": transition,
                "link": _link("mutualisation:request_detail", request.pk),
            },
        )
    )


def notify_message(*, message: RequestMessage) -> list[int]:
    request = message.request
    recipients = (
        commune_recipients(commune_id=request.commune_id, requested_by=request.requested_by)
        if message.from_staff
        else staff_recipients(request)
    )
    return queue_emails(
        emails=_emails(
            notification=REQUEST_MESSAGE,
            key=f"service-request:{request.pk}:message:{message.pk}",
            recipients=[u for u in recipients if u.pk != message.author_id],
            context={
                "request": request,
                "message": message,
                "link": _link("mutualisation:request_detail", request.pk),
            },
        )
    )


def notify_booking(*, booking: Booking, event: str) -> list[int]:
    """event: "booked", "cancelled" or "returned"."""
    recipients = commune_recipients(commune_id=booking.commune_id, requested_by=booking.booked_by)
    return queue_emails(
        emails=_emails(
            notification=BOOKING,
            key=f"booking:{booking.pk}:{event}",
            recipients=recipients,
            context={
                "booking": booking,
                "event": dict(BOOKING_EVENTS)[event],
                "link": _link("mutualisation:booking_detail", booking.pk),
            },
        )
    )


BOOKING_EVENTS = (("booked", "confirmée"), ("cancelled", "annulée"), ("returned", "retour noté"))


def notify_mission(*, mission: Mission, event: str) -> list[int]:
    recipients = commune_recipients(commune_id=mission.commune_id)
    label = "prévue" if event == "planned" else "annulée"
    return queue_emails(
        emails=_emails(
            notification=MISSION,
            key=f"mission:{mission.pk}:{event}",
            recipients=recipients,
            context={"mission": mission, "event": label},
        )
    )


def notify_seat(*, seat: SeatReservation, event: str) -> list[int]:
    """The attendee learns their seat is confirmed, waitlisted, or freed from the waitlist."""
    labels = {
        "confirmed": "votre place est confirmée",
        "waitlisted": "vous êtes sur liste d'attente",
        "promoted": "une place s'est libérée : votre inscription est confirmée",
    }
    return queue_emails(
        emails=[
            SEAT.email(
                dedup_key=f"training-seat:{seat.pk}:{event}",
                to_email=seat.attendee_email,
                to_name=seat.attendee_name,
                context={"seat": seat, "event": labels[event]},
            )
        ]
    )
