"""Eligibility (municipal population, as data on the offer) and convention rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mutualisation.catalogue import selectors
from mutualisation.catalogue.services import check_offer_usable, record_convention
from tests.factories import CommuneFactory
from tests.mutualisation.factories import ConventionFactory, ServiceOfferFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "population,eligible", [(800, True), (4999, True), (5000, False), (60000, False)]
)
def test_engineering_is_for_communes_under_5000(epci, population, eligible):
    offer = ServiceOfferFactory(epci=epci, engineering=True)
    commune = CommuneFactory(epci=epci, name="Bourg", population=population)
    result = offer.eligibility_for(commune)
    assert result.eligible is eligible
    if not eligible:
        assert "4\u202f999 habitants au plus" in result.reason
        assert "Bourg" in result.reason


def test_offer_without_bounds_is_for_all(epci):
    offer = ServiceOfferFactory(epci=epci)
    assert offer.eligibility_for(CommuneFactory(epci=epci, population=None)).eligible


def test_unknown_population_with_a_bound_is_not_eligible_with_reason(epci):
    offer = ServiceOfferFactory(epci=epci, engineering=True)
    result = offer.eligibility_for(CommuneFactory(epci=epci, population=None))
    assert not result.eligible
    assert "population municipale" in result.reason


def test_min_population_bound(epci):
    offer = ServiceOfferFactory(epci=epci, min_population=2001)
    assert not offer.eligibility_for(CommuneFactory(epci=epci, population=2000)).eligible
    assert offer.eligibility_for(CommuneFactory(epci=epci, population=2001)).eligible


def test_no_convention_refused_with_reason(commune, legal_offer):
    with pytest.raises(ValidationError) as exc:
        check_offer_usable(commune=commune, offer=legal_offer)
    assert "pas de convention signée" in exc.value.messages[0]
    assert "Assistance juridique" in exc.value.messages[0]


def test_signed_convention_with_option_allows(convention, commune, legal_offer):
    check_offer_usable(commune=commune, offer=legal_offer)


def test_convention_without_the_option_refuses(commune, legal_offer, engineering_offer):
    ConventionFactory(commune=commune, options=[engineering_offer])
    with pytest.raises(ValidationError, match="Assistance juridique"):
        check_offer_usable(commune=commune, offer=legal_offer)


@pytest.mark.parametrize("trait", ["unsigned", "expired"])
def test_unsigned_or_expired_convention_refuses(commune, legal_offer, trait):
    ConventionFactory(commune=commune, options=[legal_offer], **{trait: True})
    with pytest.raises(ValidationError):
        check_offer_usable(commune=commune, offer=legal_offer)


def test_ineligible_commune_refused_even_with_convention(other_commune, engineering_offer):
    ConventionFactory(commune=other_commune, options=[engineering_offer])
    with pytest.raises(ValidationError) as exc:
        check_offer_usable(commune=other_commune, offer=engineering_offer)
    assert "12\u202f000" in exc.value.messages[0]


def test_convention_cannot_include_an_ineligible_option(
    secretariat, other_commune, engineering_offer
):
    with pytest.raises(ValidationError, match="Ingénierie"):
        record_convention(
            actor=secretariat,
            commune=other_commune,
            options=[engineering_offer],
            valid_from=datetime.date(2024, 1, 1),
        )


def test_catalogue_tells_why_an_offer_is_not_orderable(
    dgs, commune, legal_offer, engineering_offer, equipment_offer
):
    commune.population = 6200
    commune.save()
    ConventionFactory(commune=commune, options=[legal_offer])
    entries = {e.offer.name: e for e in selectors.catalogue(dgs, commune)}
    assert entries["Assistance juridique"].orderable
    assert not entries["Ingénierie"].orderable
    assert "6\u202f200" in entries["Ingénierie"].eligibility.reason
    assert not entries["Prêt de matériel"].orderable
    assert not entries["Prêt de matériel"].covered
