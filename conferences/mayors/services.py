"""Mayors' requests to convene the conférence des maires (L5211-11-3).

The conférence des maires meets at the president's initiative or "à la demande d'un tiers des
maires", and such meetings are limited to four per calendar year. Product choices, kept here:
- "one third of the mayors" counts the member communes that have a current mayor, rounded up
  (ceil(n / 3)), fixed on the request when it is started so that later changes of mayors do not
  move the goal;
- one signature per commune (the mayor signs for the commune);
- the four-a-year limit counts the sessions of the body held on mayors' request in the year (not
  cancelled) plus the requests that reached the threshold that year and are not convened yet; it
  is checked when a request is started and again when it reaches the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conferences.models import MayorsRequest, MayorsRequestSignature, Session
from core.notifications import Notification
from core.services import queue_emails
from governance.audit import record_event
from governance.models import Body, Commune, Mandate, User
from governance.rules import BodyKind

MAX_MEETINGS_PER_YEAR = 4  # L5211-11-3
NOTIFICATION_CATEGORY = "mayors_request"


def refusal_reason_for(year: int) -> str:
    return (
        f"{MAX_MEETINGS_PER_YEAR} réunions à la demande des maires ont déjà eu lieu en {year} "
        "(L5211-11-3)"
    )


# --- Rules (reads) -----------------------------------------------------------------------------


def current_mayor_mandate(*, user, body: Body) -> Mandate | None:
    """The user's current mandate of mayor of a member commune of the body's EPCI, if any."""
    if not user.is_authenticated or not user.person_id or user.epci_id != body.epci_id:
        return None
    return (
        Mandate.objects.current()
        .filter(
            kind=Mandate.Kind.MAYOR,
            person_id=user.person_id,
            commune__epci_id=body.epci_id,
        )
        .select_related("commune")
        .order_by("pk")
        .first()
    )


def mayors_threshold(*, body: Body) -> int:
    """One third of the mayors, rounded up: the member communes with a current mayor / 3."""
    communes_with_mayor = (
        Commune.objects.filter(
            epci_id=body.epci_id,
            mandates__in=Mandate.objects.current().filter(kind=Mandate.Kind.MAYOR),
        )
        .distinct()
        .count()
    )
    return max(1, math.ceil(communes_with_mayor / 3))


def meetings_on_request(*, body: Body, year: int, exclude: MayorsRequest | None = None) -> int:
    """Meetings of the year already due to mayors' requests: sessions on request (not
    cancelled) plus requests that reached the threshold that year and are not convened yet."""
    sessions = (
        Session.objects.filter(
            body=body, origin=Session.Origin.MAYORS_REQUEST, starts_at__year=year
        )
        .exclude(status=Session.Status.CANCELLED)
        .count()
    )
    pending = MayorsRequest.objects.filter(
        body=body, status=MayorsRequest.Status.REACHED, reached_at__year=year
    )
    if exclude is not None:
        pending = pending.exclude(pk=exclude.pk)
    return sessions + pending.count()


# --- Writes ------------------------------------------------------------------------------------


def _lock_body(body: Body) -> Body:
    # Serialises starts and signatures of one body's requests, so that two requests reaching
    # the threshold at the same moment cannot both pass the four-a-year check.
    return Body.objects.select_for_update().get(pk=body.pk)


def _refuse(*, request: MayorsRequest, actor: User, year: int) -> None:
    request.status = MayorsRequest.Status.REFUSED
    request.refusal_reason = refusal_reason_for(year)
    request.save(update_fields=["status", "refusal_reason"])
    record_event(
        action="mayors_request.refused",
        actor=actor,
        epci=request.body.epci,
        target=request,
        reason=request.refusal_reason,
    )


def _reach_if_due(*, request: MayorsRequest, actor: User) -> None:
    """On the signature that reaches the threshold: refuse if four meetings on request already
    took place this year, else mark it reached and notify the secretariat (once)."""
    if request.status != MayorsRequest.Status.OPEN:
        return
    if request.signatures.count() < request.threshold:
        return
    now = timezone.now()
    year = timezone.localdate(now).year
    if meetings_on_request(body=request.body, year=year, exclude=request) >= MAX_MEETINGS_PER_YEAR:
        _refuse(request=request, actor=actor, year=year)
        return
    request.status = MayorsRequest.Status.REACHED
    request.reached_at = now
    request.save(update_fields=["status", "reached_at"])
    record_event(
        action="mayors_request.reached",
        actor=actor,
        epci=request.body.epci,
        target=request,
        threshold=request.threshold,
    )
    notify_request_reached(request=request)


def _check_can_sign(*, user: User, body: Body) -> Mandate:
    mandate = current_mayor_mandate(user=user, body=body)
    if mandate is None:
        raise PermissionDenied(
            "Seul un maire en exercice d'une commune membre peut lancer ou signer une demande."
        )
    return mandate


@transaction.atomic
def start_mayors_request(
    *, user: User, body: Body, subject: str, description: str = ""
) -> MayorsRequest:
    """A mayor asks for a meeting of the conférence des maires; their signature is the first.
    A fifth request of the year is recorded as refused, with the reason (L5211-11-3)."""
    if body.kind != BodyKind.MAYORS_CONFERENCE or not body.active:
        raise ValidationError("Cette instance n'est pas une conférence des maires active.")
    mandate = _check_can_sign(user=user, body=body)
    subject = subject.strip()
    if not subject:
        raise ValidationError({"subject": "Indiquez l'objet de la demande."})
    body = _lock_body(body)
    request = MayorsRequest.objects.create(
        body=body,
        subject=subject,
        description=description.strip(),
        created_by_id=user.person_id,
        threshold=mayors_threshold(body=body),
    )
    record_event(
        action="mayors_request.started",
        actor=user,
        epci=body.epci,
        target=request,
        subject=subject,
        threshold=request.threshold,
    )
    year = timezone.localdate().year
    if meetings_on_request(body=body, year=year) >= MAX_MEETINGS_PER_YEAR:
        _refuse(request=request, actor=user, year=year)
        return request
    MayorsRequestSignature.objects.create(
        request=request, person_id=user.person_id, commune=mandate.commune
    )
    _reach_if_due(request=request, actor=user)
    return request


@dataclass(frozen=True)
class SignResult:
    request: MayorsRequest
    signed: bool  # False: the commune had already signed (a double submit is not an error)
    message: str


@transaction.atomic
def sign_mayors_request(*, user: User, request: MayorsRequest) -> SignResult:
    """A mayor signs for their commune; one signature per commune (database constraint)."""
    mandate = _check_can_sign(user=user, body=request.body)
    _lock_body(request.body)
    request = MayorsRequest.objects.select_related("body__epci").get(pk=request.pk)
    commune = mandate.commune
    if request.signatures.filter(commune=commune).exists():
        return SignResult(request, False, f"La commune de {commune.name} a déjà signé.")
    if request.status not in (MayorsRequest.Status.OPEN, MayorsRequest.Status.REACHED):
        raise ValidationError(
            f"Cette demande n'est plus ouverte à la signature ({request.get_status_display()})."
        )
    try:
        with transaction.atomic():
            MayorsRequestSignature.objects.create(
                request=request, person_id=user.person_id, commune=commune
            )
    except IntegrityError:
        # Lost a race with a concurrent submit for the same commune: same outcome.
        return SignResult(request, False, f"La commune de {commune.name} a déjà signé.")
    record_event(
        action="mayors_request.signed",
        actor=user,
        epci=request.body.epci,
        target=request,
        commune=commune.insee_code,
    )
    _reach_if_due(request=request, actor=user)
    return SignResult(request, True, f"Signature enregistrée pour la commune de {commune.name}.")


def secretariat_recipients(*, body: Body) -> list[User]:
    return list(
        User.objects.filter(epci_id=body.epci_id, role=User.Role.SECRETARIAT, is_active=True)
        .exclude(email="")
        .order_by("email", "pk")
    )


REQUEST_REACHED = Notification(
    category=NOTIFICATION_CATEGORY,
    subject="Demande des maires à convoquer : {{ request.subject }}",
    text="email/conferences/mayors_request_reached.txt",
)


def notify_request_reached(*, request: MayorsRequest) -> list[int]:
    """Mail each secretariat user of the EPCI that the president must convene the conférence.
    Safe to call again: the outbox key makes each mail unique."""
    url = settings.SITE_URL + reverse("conferences:mayors_request_detail", args=[request.pk])
    rendered = REQUEST_REACHED.render({"request": request, "url": url})
    emails = [
        rendered.email(
            dedup_key=f"mayors-request:{request.pk}:reached:{user.pk}",
            to_email=user.email,
            to_name=user.get_full_name(),
        )
        for user in secretariat_recipients(body=request.body)
    ]
    return queue_emails(emails=emails)


@transaction.atomic
def mark_request_convened(
    *, request: MayorsRequest, session: Session, actor: User | None = None
) -> MayorsRequest:
    """Called by the scheduling service when the secretariat creates the session asked for.
    Links the session to the request (origin "à la demande des maires"). Idempotent."""
    request = (
        MayorsRequest.objects.select_for_update(of=("self",))
        .select_related("body__epci")
        .get(pk=request.pk)
    )
    if session.body_id != request.body_id:
        raise ValidationError("La séance doit être une séance de la conférence demandée.")
    if request.status == MayorsRequest.Status.CONVENED:
        return request
    if request.status != MayorsRequest.Status.REACHED:
        raise ValidationError("Seule une demande ayant atteint le seuil peut être convoquée.")
    if session.mayors_request_id != request.pk or session.origin != Session.Origin.MAYORS_REQUEST:
        session.mayors_request = request
        session.origin = Session.Origin.MAYORS_REQUEST
        session.save(update_fields=["mayors_request", "origin"])
    request.status = MayorsRequest.Status.CONVENED
    request.save(update_fields=["status"])
    record_event(
        action="mayors_request.convened",
        actor=actor,
        epci=request.body.epci,
        target=request,
        session_id=session.pk,
    )
    return request
