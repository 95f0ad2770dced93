"""The secretariat's set-up of the catalogue: service offers, equipment lent, lent staff (drivers,
itinerant secretaries) and training sessions. Each function creates (no instance given) or
updates (instance given) a row of the actor's EPCI, in one transaction, with an audit event.

The forms already limit choices to the EPCI; the checks here hold for any other caller too."""

from __future__ import annotations

from django.db import models, transaction

from governance.audit import record_event
from governance.models import User
from governance.perms import ensure
from mutualisation import perms
from mutualisation.models import (
    EquipmentItem,
    SeatReservation,
    ServiceOffer,
    StaffMember,
    TrainingSession,
)
from mutualisation.services.common import epci_ref, refuse

OFFER_FIELDS = (
    "kind",
    "name",
    "description",
    "min_population",
    "max_population",
    "requires_convention",
    "response_days",
    "position",
    "active",
)
EQUIPMENT_FIELDS = ("offer", "name", "kind", "needs_driver", "active")
STAFF_FIELDS = ("person", "role", "active")
TRAINING_FIELDS = ("offer", "title", "starts_at", "location", "seats")


def _actor_epci_id(actor: User) -> int:
    if not actor.epci_id:
        raise refuse("Votre compte n'est rattaché à aucun EPCI : rien ne peut y être paramétré.")
    return actor.epci_id


def _same_epci(obj, epci_id: int, what: str) -> None:
    if obj is not None and obj.epci_id != epci_id:
        raise refuse(f"{what} n'appartient pas à votre EPCI.")


def _save(
    *,
    model: type[models.Model],
    allowed: tuple[str, ...],
    actor: User,
    instance: models.Model | None,
    fields: dict,
    action: str,
    check=None,
) -> models.Model:
    """Create or update ``model`` in the actor's EPCI with ``fields`` (only ``allowed`` ones)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Champs inattendus : {', '.join(sorted(unknown))}")
    foreign = instance is not None and actor is not None and instance.epci_id != actor.epci_id
    if foreign and not actor.is_superuser:
        raise refuse("Cet élément n'appartient pas à votre EPCI.")
    ensure(perms.can_save_catalogue, actor, instance)
    # An existing entry stays in its own EPCI (a superuser edits any EPCI's, governance/perms.py).
    epci_id = _actor_epci_id(actor) if instance is None else instance.epci_id
    if instance is None:
        obj = model(epci_id=epci_id)
        changed = sorted(fields)
    else:
        if instance.pk is None:
            raise refuse("Cet élément n'appartient pas à votre EPCI.")
        obj = model.objects.select_for_update().get(pk=instance.pk)
        changed = sorted(name for name, value in fields.items() if getattr(obj, name) != value)
    for name, value in fields.items():
        setattr(obj, name, value)
    if check is not None:
        check(obj, epci_id)
    if instance is None or changed:
        obj.save()
        record_event(
            action=f"{action}.{'created' if instance is None else 'updated'}",
            actor=actor,
            epci=epci_ref(epci_id),
            target=obj,
            fields=changed,
        )
    return obj


def _check_offer(offer: ServiceOffer, epci_id: int) -> None:
    low, high = offer.min_population, offer.max_population
    if low is not None and high is not None and low > high:
        raise refuse("La population minimale dépasse la population maximale.")
    duplicate = ServiceOffer.objects.filter(epci_id=epci_id, name=offer.name).exclude(pk=offer.pk)
    if duplicate.exists():
        raise refuse(f"Une offre s'appelle déjà « {offer.name} ».")


@transaction.atomic
def save_offer(*, actor: User, offer: ServiceOffer | None = None, **fields) -> ServiceOffer:
    return _save(
        model=ServiceOffer,
        allowed=OFFER_FIELDS,
        actor=actor,
        instance=offer,
        fields=fields,
        action="mutualisation.offer",
        check=_check_offer,
    )


def _check_equipment(item: EquipmentItem, epci_id: int) -> None:
    _same_epci(item.offer, epci_id, "L'offre choisie")


@transaction.atomic
def save_equipment(*, actor: User, item: EquipmentItem | None = None, **fields) -> EquipmentItem:
    return _save(
        model=EquipmentItem,
        allowed=EQUIPMENT_FIELDS,
        actor=actor,
        instance=item,
        fields=fields,
        action="mutualisation.equipment",
        check=_check_equipment,
    )


def _check_staff(member: StaffMember, epci_id: int) -> None:
    _same_epci(member.person, epci_id, "La personne choisie")
    duplicate = StaffMember.objects.filter(person_id=member.person_id, role=member.role)
    if duplicate.exclude(pk=member.pk).exists():
        raise refuse(f"{member.person.full_name} a déjà cette fonction.")


@transaction.atomic
def save_staff_member(*, actor: User, member: StaffMember | None = None, **fields) -> StaffMember:
    return _save(
        model=StaffMember,
        allowed=STAFF_FIELDS,
        actor=actor,
        instance=member,
        fields=fields,
        action="mutualisation.staff",
        check=_check_staff,
    )


def _check_training(session: TrainingSession, epci_id: int) -> None:
    _same_epci(session.offer, epci_id, "L'offre choisie")
    if session.pk is None:
        return
    confirmed = session.reservations.filter(status=SeatReservation.Status.CONFIRMED).count()
    if session.seats < confirmed:
        raise refuse(
            f"{confirmed} places sont déjà confirmées : la session ne peut en compter moins."
        )


@transaction.atomic
def save_training_session(
    *, actor: User, session: TrainingSession | None = None, **fields
) -> TrainingSession:
    return _save(
        model=TrainingSession,
        allowed=TRAINING_FIELDS,
        actor=actor,
        instance=session,
        fields=fields,
        action="mutualisation.training",
        check=_check_training,
    )
