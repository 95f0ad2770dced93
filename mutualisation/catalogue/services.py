"""The catalogue and the conventions: the standard offers, a commune's eligibility to an offer,
conventions and their signed copy.

The secretariat's set-up of the catalogue: service offers, equipment lent, lent staff (drivers,
itinerant secretaries) and training sessions. Each set-up function creates (no instance given)
or updates (instance given) a row of the actor's EPCI, in one transaction, with an audit event.
The forms already limit choices to the EPCI; the checks here hold for any other caller too."""

from __future__ import annotations

from datetime import date

from django.db import models, transaction
from django.utils import timezone

from governance.audit import record_event
from governance.models import EPCI, Commune, User
from governance.perms import ensure
from mutualisation import perms
from mutualisation.common import epci_ref, refuse
from mutualisation.models import (
    Convention,
    EquipmentItem,
    SeatReservation,
    ServiceOffer,
    StaffMember,
    TrainingSession,
)
from mutualisation.uploads import SIGNED_CONVENTION

# The offers of the Chartres-style convention (docs/DOMAIN.md §8), as data.
STANDARD_OFFERS = (
    {
        "kind": ServiceOffer.Kind.LEGAL,
        "name": "Assistance juridique",
        "response_days": 10,
        "position": 1,
    },
    {
        "kind": ServiceOffer.Kind.ENGINEERING,
        "name": "Ingénierie des projets d'aménagement",
        "max_population": 4999,
        "response_days": 20,
        "position": 2,
    },
    {
        "kind": ServiceOffer.Kind.SECRETARY,
        "name": "Secrétaire de mairie itinérante",
        "max_population": 4999,
        "response_days": 5,
        "position": 3,
    },
    {"kind": ServiceOffer.Kind.EQUIPMENT, "name": "Prêt de matériel", "position": 4},
)


@transaction.atomic
def create_standard_offers(*, actor: User | None, epci: EPCI) -> list[ServiceOffer]:
    """Create the four offers of the standard convention (idempotent)."""
    ensure(perms.can_manage_epci, actor, epci.pk)
    offers = []
    for spec in STANDARD_OFFERS:
        offer, created = ServiceOffer.objects.get_or_create(
            epci=epci, name=spec["name"], defaults=spec
        )
        if created:
            record_event(action="mutualisation.offer.created", actor=actor, epci=epci, target=offer)
        offers.append(offer)
    return offers


@transaction.atomic
def create_offer(*, actor: User, epci: EPCI, **fields) -> ServiceOffer:
    ensure(perms.can_manage_epci, actor, epci.pk)
    offer = ServiceOffer.objects.create(epci=epci, **fields)
    record_event(action="mutualisation.offer.created", actor=actor, epci=epci, target=offer)
    return offer


def check_offer_usable(*, commune: Commune, offer: ServiceOffer, on: date | None = None) -> None:
    """Refuse, with the reason, an offer the commune may not use: inactive, ineligible by its
    population, or not covered by a convention in force on that day."""
    if not offer.active:
        raise refuse(f"L'offre « {offer.name} » n'est plus proposée.")
    if offer.epci_id != commune.epci_id:
        raise refuse("Cette offre n'est pas proposée à votre commune.")
    eligibility = offer.eligibility_for(commune)
    if not eligibility.eligible:
        raise refuse(eligibility.reason, code="ineligible")
    if (
        offer.requires_convention
        and not Convention.objects.covering(
            commune_id=commune.pk, offer_id=offer.pk, on=on or timezone.localdate()
        ).exists()
    ):
        raise refuse(
            f"{commune.name} n'a pas de convention signée et en vigueur comprenant l'option "
            f"« {offer.name} » : demandez-la au secrétariat de l'EPCI.",
            code="no_convention",
        )


@transaction.atomic
def record_convention(
    *,
    actor: User,
    commune: Commune,
    options: list[ServiceOffer],
    valid_from: date,
    valid_until: date | None = None,
    signed_on: date | None = None,
    signed_pdf=None,
) -> Convention:
    ensure(perms.can_manage_epci, actor, commune.epci_id)
    if valid_until is not None and valid_until < valid_from:
        raise refuse("La fin de validité précède son début.")
    if any(o.epci_id != commune.epci_id for o in options):
        raise refuse("Une option choisie n'appartient pas à l'EPCI de la commune.")
    for option in options:
        eligibility = option.eligibility_for(commune)
        if not eligibility.eligible:
            raise refuse(f"Option « {option.name} » : {eligibility.reason}", code="ineligible")
    if signed_pdf is not None:
        SIGNED_CONVENTION.check(signed_pdf)
    convention = Convention.objects.create(
        epci_id=commune.epci_id,
        commune=commune,
        valid_from=valid_from,
        valid_until=valid_until,
        signed_on=signed_on,
    )
    convention.options.set(options)
    if signed_pdf is not None:
        convention.signed_pdf.save(f"convention-{convention.pk}.pdf", signed_pdf, save=True)
    record_event(
        action="mutualisation.convention.recorded",
        actor=actor,
        epci=epci_ref(commune.epci_id),
        target=convention,
        commune=commune.insee_code,
        options=[o.pk for o in options],
        signed_on=signed_on.isoformat() if signed_on else None,
    )
    return convention


@transaction.atomic
def attach_signed_convention(
    *, actor: User, convention: Convention, signed_on: date, signed_pdf
) -> Convention:
    """Store the signed PDF and the signature date: from then on the options are in force."""
    ensure(perms.can_manage_epci, actor, convention.epci_id)
    SIGNED_CONVENTION.check(signed_pdf)
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    convention.signed_on = signed_on
    convention.signed_pdf.save(f"convention-{convention.pk}.pdf", signed_pdf, save=False)
    convention.save(update_fields=["signed_on", "signed_pdf"])
    record_event(
        action="mutualisation.convention.signed",
        actor=actor,
        epci=epci_ref(convention.epci_id),
        target=convention,
        signed_on=signed_on.isoformat(),
    )
    return convention


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
