"""Emails of the service desk, through the outbox (core.services.queue_emails). Each has a dedup
key naming the event and the recipient, so a retried service or task never sends it twice."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from core.services import Email, queue_emails
from governance.models import User
from mutualisation.models import (
    Booking,
    Mission,
    RequestMessage,
    RequestTransition,
    SeatReservation,
    ServiceRequest,
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


def _emails(*, key: str, category: str, recipients, subject: str, template: str, context):
    return [
        Email(
            dedup_key=f"{key}:to:{user.pk}",
            category=category,
            to_email=user.email,
            to_name=user.get_full_name(),
            subject=subject,
            body_text=render_to_string(template, {**context, "recipient": user}),
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
            key=f"service-request:{request.pk}:transition:{transition.pk}",
            category="mutualisation-request",
            recipients=recipients,
            subject=(
                f"[{request.commune.name}] Demande n° {request.pk} : "
                f"{transition.get_to_status_display().lower()}"
            ),
            template="email/mutualisation/request_transition.txt",
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
            key=f"service-request:{request.pk}:message:{message.pk}",
            category="mutualisation-message",
            recipients=[u for u in recipients if u.pk != message.author_id],
            subject=f"[{request.commune.name}] Nouveau message sur la demande n° {request.pk}",
            template="email/mutualisation/request_message.txt",
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
            key=f"booking:{booking.pk}:{event}",
            category="mutualisation-booking",
            recipients=recipients,
            subject=f"Réservation de {booking.item.name} : {dict(BOOKING_EVENTS)[event]}",
            template="email/mutualisation/booking.txt",
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
            key=f"mission:{mission.pk}:{event}",
            category="mutualisation-mission",
            recipients=recipients,
            subject=f"Secrétaire itinérante pour {mission.commune.name} : mission {label}",
            template="email/mutualisation/mission.txt",
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
            Email(
                dedup_key=f"training-seat:{seat.pk}:{event}",
                category="mutualisation-training",
                to_email=seat.attendee_email,
                to_name=seat.attendee_name,
                subject=f"Formation « {seat.session.title} » : {labels[event]}",
                body_text=render_to_string(
                    "email/mutualisation/seat.txt", {"seat": seat, "event": labels[event]}
                ),
            )
        ]
    )
