"""Scheduling sessions and building their agenda (secretariat)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from conferences import perms
from conferences.models import AgendaDocument, AgendaItem, Session
from conferences.sessions.uploads import AGENDA_DOCUMENT
from governance.audit import record_event
from governance.models import Body, Commune, Membership, Person, User
from governance.perms import ensure

# Changing these fields of a convened session re-notifies every recipient.
NOTIFIED_FIELDS = ("starts_at", "place_commune", "address", "mode", "video_url")


def suggest_host_commune(*, body: Body) -> Commune | None:
    """Working groups rotate among the member communes: suggest the one that has hosted this
    body least recently (never first, then the oldest, then by name)."""
    today = timezone.localdate()
    member_communes = Commune.objects.filter(
        memberships__in=Membership.objects.current(today).filter(body=body)
    ).distinct()
    return (
        member_communes.annotate(
            last_hosted=Max(
                "hosted_sessions__starts_at",
                filter=Q(hosted_sessions__body=body)
                & ~Q(hosted_sessions__status=Session.Status.CANCELLED),
            )
        )
        .order_by(models_nulls_first("last_hosted"), "name", "pk")
        .first()
    )


def models_nulls_first(field: str):
    from django.db.models import F

    return F(field).asc(nulls_first=True)


@transaction.atomic
def create_session(
    *,
    actor: User,
    body: Body,
    starts_at: datetime,
    mode: str,
    place_commune: Commune | None = None,
    address: str = "",
    title: str = "",
    video_url: str = "",
    origin: str = Session.Origin.PRESIDENT,
    chair: Person | None = None,
    mayors_request=None,
) -> Session:
    """Create a draft session. Created from a mayors' request that reached its threshold, the
    session is linked to it and the request is marked convened (L5211-11-3)."""
    ensure(perms.can_create_session, actor, body)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "La séance doit avoir lieu dans le futur."})
    if mode != Session.Mode.VIDEO and not (place_commune or address):
        raise ValidationError({"address": "Indiquez le lieu de la séance (commune ou adresse)."})
    session = Session.objects.create(
        body=body,
        starts_at=starts_at,
        mode=mode,
        place_commune=place_commune,
        address=address,
        title=title,
        video_url=video_url,
        origin=origin,
        chair=chair,
    )
    record_event(
        action="session.created",
        actor=actor,
        epci=body.epci,
        target=session,
        starts_at=starts_at.isoformat(),
    )
    if mayors_request is not None:
        from conferences.mayors.services import mark_request_convened

        mark_request_convened(request=mayors_request, session=session, actor=actor)
    return session


@transaction.atomic
def update_session(*, actor: User, session: Session, **fields) -> Session:
    """Change a session's details. Once convened, a change of date, place or mode is sent to
    every recipient as an update of the convocation (the notice runs again from it)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    ensure(perms.can_manage_session, actor, session)
    if session.status not in (Session.Status.DRAFT, Session.Status.CONVENED):
        raise ValidationError("Cette séance ne peut plus être modifiée.")
    if "starts_at" in fields and fields["starts_at"] <= timezone.now():
        raise ValidationError({"starts_at": "La séance doit avoir lieu dans le futur."})
    changed = [name for name, value in fields.items() if getattr(session, name) != value]
    for name in changed:
        setattr(session, name, fields[name])
    if not changed:
        return session
    session.save(update_fields=changed)
    record_event(
        action="session.updated",
        actor=actor,
        epci=session.body.epci,
        target=session,
        fields=changed,
    )
    if session.status == Session.Status.CONVENED and set(changed) & set(NOTIFIED_FIELDS):
        from conferences.convocations.services import notify_change

        notify_change(
            actor=actor,
            session=session,
            reason="La date, le lieu ou les modalités de la séance ont changé.",
        )
    return session


def _editable_agenda(session: Session) -> None:
    if session.status not in (Session.Status.DRAFT, Session.Status.CONVENED):
        raise ValidationError("L'ordre du jour de cette séance ne peut plus être modifié.")


@transaction.atomic
def add_agenda_item(
    *,
    actor: User,
    session: Session,
    title: str,
    kind: str,
    rapporteur: Person | None = None,
    summary_note: str = "",
) -> AgendaItem:
    session = Session.objects.select_for_update().get(pk=session.pk)
    ensure(perms.can_manage_session, actor, session)
    _editable_agenda(session)
    last = session.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem.objects.create(
        session=session,
        position=last + 1,
        title=title,
        kind=kind,
        rapporteur=rapporteur,
        summary_note=summary_note,
    )
    record_event(
        action="agenda.item_added", actor=actor, epci=session.body.epci, target=item, title=title
    )
    _agenda_changed(actor=actor, session=session)
    return item


@transaction.atomic
def update_agenda_item(*, actor: User, item: AgendaItem, **fields) -> AgendaItem:
    session = Session.objects.select_for_update().get(pk=item.session_id)
    ensure(perms.can_manage_session, actor, session)
    _editable_agenda(session)
    changed = [name for name, value in fields.items() if getattr(item, name) != value]
    for name in changed:
        setattr(item, name, fields[name])
    if changed:
        item.save(update_fields=changed)
        record_event(
            action="agenda.item_updated",
            actor=actor,
            epci=session.body.epci,
            target=item,
            fields=changed,
        )
        _agenda_changed(actor=actor, session=session)
    return item


@transaction.atomic
def move_agenda_item(*, actor: User, item: AgendaItem, direction: str) -> None:
    """Swap an item with its neighbour ("up" or "down"); positions stay 1..n."""
    session = Session.objects.select_for_update().get(pk=item.session_id)
    ensure(perms.can_manage_session, actor, session)
    _editable_agenda(session)
    items = list(session.items.order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    record_event(action="agenda.reordered", actor=actor, epci=session.body.epci, target=session)
    _agenda_changed(actor=actor, session=session)


@transaction.atomic
def remove_agenda_item(*, actor: User, item: AgendaItem) -> None:
    session = Session.objects.select_for_update().get(pk=item.session_id)
    ensure(perms.can_manage_session, actor, session)
    _editable_agenda(session)
    title = item.title
    item.delete()
    items = list(session.items.order_by("position", "pk"))
    for position, each in enumerate(items, start=1):
        each.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    record_event(
        action="agenda.item_removed",
        actor=actor,
        epci=session.body.epci,
        target=session,
        title=title,
    )
    _agenda_changed(actor=actor, session=session)


@transaction.atomic
def attach_document(*, actor: User, item: AgendaItem, uploaded) -> AgendaDocument:
    """Attach a PDF to an agenda item. A bad file raises ValidationError and writes nothing."""
    kind = AGENDA_DOCUMENT.check(uploaded)
    name = uploaded.name  # the plain name the check gave it
    session = Session.objects.select_for_update().get(pk=item.session_id)
    ensure(perms.can_manage_session, actor, session)
    _editable_agenda(session)
    document = AgendaDocument(
        item=item, name=name, size=uploaded.size, content_type=kind.content_type, uploaded_by=actor
    )
    document.file.save(name, uploaded, save=False)
    document.save()
    record_event(
        action="agenda.document_added",
        actor=actor,
        epci=session.body.epci,
        target=document,
        name=name,
    )
    _agenda_changed(actor=actor, session=session)
    return document


def _agenda_changed(*, actor: User, session: Session) -> None:
    if session.status == Session.Status.CONVENED:
        from conferences.convocations.services import notify_change

        notify_change(actor=actor, session=session, reason="L'ordre du jour a été modifié.")
