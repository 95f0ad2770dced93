"""The service desk: a commune files a request, EPCI staff handle it.

submitted → accepted (assigned to an agent) | declined → in progress → answered → closed.
Each change is one function that locks the request, checks the step is the next one (a repeated
step answers "already done", an out-of-order one is refused in French), writes a
RequestTransition, records an audit event and mails the other side once (outbox dedup key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from governance.audit import record_event
from governance.models import Commune, User
from governance.perms import ensure
from mutualisation import notifications, perms
from mutualisation.catalogue.services import check_offer_usable
from mutualisation.common import epci_ref, refuse
from mutualisation.deadlines import add_working_days
from mutualisation.models import (
    Domain,
    RequestAttachment,
    RequestMessage,
    RequestTransition,
    ServiceOffer,
    ServiceRequest,
    TimeEntry,
)
from mutualisation.uploads import ATTACHMENT

S = ServiceRequest.Status


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    by_staff: bool
    # Why the step is refused from each other status (default: _OUT_OF_ORDER).
    refusals: dict[str, str]


_OUT_OF_ORDER = "Cette étape n'est pas possible dans l'état actuel de la demande ({status})."
_FINISHED = {
    S.DECLINED: "La demande a été refusée : elle ne peut plus évoluer.",
    S.CLOSED: "La demande est close : elle ne peut plus évoluer.",
}

STEPS: dict[str, Step] = {
    S.ACCEPTED: Step((S.SUBMITTED,), True, _FINISHED),
    S.DECLINED: Step(
        (S.SUBMITTED,),
        True,
        {
            **_FINISHED,
            S.ACCEPTED: "La demande a déjà été acceptée : elle ne peut plus être refusée.",
            S.IN_PROGRESS: "La demande est en cours de traitement : elle ne peut plus être "
            "refusée.",
        },
    ),
    S.IN_PROGRESS: Step(
        (S.ACCEPTED,),
        True,
        {**_FINISHED, S.SUBMITTED: "La demande doit d'abord être acceptée et confiée à un agent."},
    ),
    S.ANSWERED: Step(
        (S.IN_PROGRESS,),
        True,
        {
            **_FINISHED,
            S.SUBMITTED: "La demande doit d'abord être acceptée puis mise en traitement.",
            S.ACCEPTED: "Passez d'abord la demande « en cours de traitement ».",
        },
    ),
    S.CLOSED: Step(
        (S.ANSWERED,),
        False,  # either side may close once answered
        {
            S.DECLINED: _FINISHED[S.DECLINED],
            S.SUBMITTED: "La demande n'a pas encore reçu de réponse : elle ne peut pas être close.",
            S.ACCEPTED: "La demande n'a pas encore reçu de réponse : elle ne peut pas être close.",
            S.IN_PROGRESS: "La demande n'a pas encore reçu de réponse : elle ne peut pas être "
            "close.",
        },
    ),
}


def _is_staff_of(user: User, request: ServiceRequest) -> bool:
    from mutualisation.perms import can_handle_request

    return can_handle_request(user, request)


def _lock(request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("commune", "offer", "assigned_to", "requested_by")
        .get(pk=request.pk)
    )


def _move(
    *, actor: User, request: ServiceRequest, to: str, note: str = "", **changes
) -> tuple[ServiceRequest, bool]:
    """Apply one step. Returns (request, changed); changed is False for a repeated step."""
    request = _lock(request)
    step = STEPS[to]
    if request.status == to:
        return request, False
    if request.status not in step.sources:
        raise refuse(
            step.refusals.get(
                request.status, _OUT_OF_ORDER.format(status=request.get_status_display().lower())
            ),
            code="out_of_order",
        )
    if step.by_staff and actor is not None and not _is_staff_of(actor, request):
        raise refuse("Cette étape revient aux agents de l'EPCI.", code="forbidden")
    ensure(perms.can_take_part_in_request, actor, request)
    from_status = request.status
    request.status = to
    for field, value in changes.items():
        setattr(request, field, value)
    request.save(update_fields=["status", *changes])
    transition = RequestTransition.objects.create(
        request=request, from_status=from_status, to_status=to, actor=actor, note=note
    )
    record_event(
        action=f"mutualisation.request.{to}",
        actor=actor,
        epci=epci_ref(request.epci_id),
        target=request,
        from_status=from_status,
    )
    notifications.notify_transition(
        transition=transition, to_staff=not _is_staff_of(actor, request)
    )
    return request, True


@transaction.atomic
def file_request(
    *,
    actor: User,
    commune: Commune,
    offer: ServiceOffer,
    subject: str,
    domain: str,
    description: str,
    desired_start: date | None = None,
    desired_end: date | None = None,
    attachments: tuple = (),
) -> ServiceRequest:
    """A commune asks for a service covered by its convention."""
    ensure(perms.can_file_request, actor, commune)
    if not offer.takes_requests:
        raise refuse(
            f"« {offer.name} » ne se demande pas par une demande de service : utilisez le "
            "calendrier de prêt ou les sessions de formation."
        )
    if domain not in Domain.values:
        raise refuse("Domaine inconnu.")
    if desired_start and desired_end and desired_end < desired_start:
        raise refuse("La date de fin souhaitée précède la date de début.")
    check_offer_usable(commune=commune, offer=offer)
    for upload in attachments:
        ATTACHMENT.check(upload)
    now = timezone.now()
    due_on = (
        add_working_days(timezone.localdate(now), offer.response_days, commune.departement)
        if offer.response_days
        else None
    )
    request = ServiceRequest.objects.create(
        epci_id=commune.epci_id,
        commune=commune,
        offer=offer,
        requested_by=actor,
        subject=subject,
        domain=domain,
        description=description,
        desired_start=desired_start,
        desired_end=desired_end,
        submitted_at=now,
        due_on=due_on,
    )
    for upload in attachments:
        _store_attachment(actor=actor, request=request, upload=upload)
    transition = RequestTransition.objects.create(
        request=request, from_status="", to_status=S.SUBMITTED, actor=actor, at=now
    )
    record_event(
        action="mutualisation.request.submitted",
        actor=actor,
        epci=epci_ref(commune.epci_id),
        target=request,
        offer=offer.pk,
        commune=commune.insee_code,
    )
    notifications.notify_transition(transition=transition, to_staff=True)
    return request


def _store_attachment(*, actor: User, request: ServiceRequest, upload) -> RequestAttachment:
    attachment = RequestAttachment(
        request=request, original_name=upload.name[:255], size=upload.size, uploaded_by=actor
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachment(*, actor: User, request: ServiceRequest, upload) -> RequestAttachment:
    ensure(perms.can_take_part_in_request, actor, request)
    ATTACHMENT.check(upload)
    request = _lock(request)
    if request.status in (S.CLOSED, S.DECLINED):
        raise refuse(_FINISHED[request.status])
    attachment = _store_attachment(actor=actor, request=request, upload=upload)
    record_event(
        action="mutualisation.request.attachment_added",
        actor=actor,
        epci=epci_ref(request.epci_id),
        target=request,
        attachment=attachment.pk,
    )
    return attachment


@transaction.atomic
def accept_request(
    *, actor: User, request: ServiceRequest, agent: User
) -> tuple[ServiceRequest, bool]:
    if agent.epci_id != request.epci_id or agent.role not in (
        User.Role.AGENT,
        User.Role.SECRETARIAT,
    ):
        raise refuse("L'agent choisi n'appartient pas aux services de l'EPCI.")
    return _move(
        actor=actor,
        request=request,
        to=S.ACCEPTED,
        note=f"Confiée à {agent.get_full_name() or agent.email}.",
        assigned_to=agent,
    )


@transaction.atomic
def decline_request(
    *, actor: User, request: ServiceRequest, reason: str
) -> tuple[ServiceRequest, bool]:
    if not reason.strip():
        raise refuse("Indiquez le motif du refus : il est communiqué à la commune.")
    return _move(actor=actor, request=request, to=S.DECLINED, note=reason, decline_reason=reason)


@transaction.atomic
def start_request(*, actor: User, request: ServiceRequest) -> tuple[ServiceRequest, bool]:
    return _move(actor=actor, request=request, to=S.IN_PROGRESS)


@transaction.atomic
def answer_request(
    *, actor: User, request: ServiceRequest, answer: str
) -> tuple[ServiceRequest, bool]:
    if not answer.strip():
        raise refuse("La réponse est vide.")
    return _move(
        actor=actor,
        request=request,
        to=S.ANSWERED,
        note=answer,
        answer=answer,
        answered_at=timezone.now(),
    )


@transaction.atomic
def close_request(*, actor: User, request: ServiceRequest) -> tuple[ServiceRequest, bool]:
    return _move(actor=actor, request=request, to=S.CLOSED, closed_at=timezone.now())


@transaction.atomic
def rate_request(
    *, actor: User, request: ServiceRequest, rating: int, comment: str = ""
) -> tuple[ServiceRequest, bool]:
    """The commune rates the service once the request is closed (once)."""
    ensure(perms.can_rate_request, actor, request)
    request = _lock(request)
    if request.status != S.CLOSED:
        raise refuse("La demande pourra être évaluée une fois close.", code="out_of_order")
    if request.rating is not None:
        return request, False
    if not 1 <= rating <= 5:
        raise refuse("La note va de 1 à 5.")
    request.rating = rating
    request.rating_comment = comment
    request.save(update_fields=["rating", "rating_comment"])
    record_event(
        action="mutualisation.request.rated",
        actor=actor,
        epci=epci_ref(request.epci_id),
        target=request,
        rating=rating,
    )
    return request, True


@transaction.atomic
def post_message(
    *, actor: User, request: ServiceRequest, body: str, from_staff: bool
) -> RequestMessage:
    ensure(perms.can_take_part_in_request, actor, request)
    if not body.strip():
        raise refuse("Le message est vide.")
    request = _lock(request)
    if request.status in (S.CLOSED, S.DECLINED):
        raise refuse(_FINISHED[request.status])
    message = RequestMessage.objects.create(
        request=request, author=actor, body=body, from_staff=from_staff
    )
    record_event(
        action="mutualisation.request.message",
        actor=actor,
        epci=epci_ref(request.epci_id),
        target=request,
        message=message.pk,
    )
    notifications.notify_message(message=message)
    return message


@transaction.atomic
def record_time(
    *, actor: User, request: ServiceRequest, minutes: int, spent_on: date, note: str = ""
) -> TimeEntry:
    ensure(perms.can_handle_request, actor, request)
    if minutes <= 0:
        raise refuse("La durée doit être positive.")
    if spent_on > timezone.localdate():
        raise refuse("Le temps passé ne peut pas être daté dans le futur.")
    request = _lock(request)
    if request.status in (S.SUBMITTED, S.DECLINED):
        raise refuse("Le temps se note sur une demande acceptée.", code="out_of_order")
    entry = TimeEntry.objects.create(
        request=request, agent=actor, minutes=minutes, spent_on=spent_on, note=note
    )
    record_event(
        action="mutualisation.request.time_recorded",
        actor=actor,
        epci=epci_ref(request.epci_id),
        target=request,
        minutes=minutes,
    )
    return entry
