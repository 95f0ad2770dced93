"""The catalogue and the conventions."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from governance.audit import record_event
from governance.models import EPCI, Commune, User
from mutualisation.models import Convention, ServiceOffer
from mutualisation.services.common import epci_ref, refuse
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
