"""The France-scale generator (manage.py generate_territory), at a tiny scale: the real communes
of Aix-Marseille-Provence, invented people, and the same rows for the same seed."""

import csv
import io
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from conferences.models import Convocation, Session
from core.models import OutboundMessage
from demo.scale import generate_territory
from demo.scale.territory import COMMUNES_CSV, EMAIL_DOMAIN, FICTIONAL_WORDS
from governance.models import EPCI, Body, Commune, Mandate, Membership, Person
from governance.rules import BodyKind
from mutualisation.models import Booking
from referrals.models import Opinion

pytestmark = pytest.mark.django_db

SCALE = 0.01


def _snapshot(counts):
    return {
        "counts": {k: v for k, v in counts.items() if k != "seconds"},
        "names": list(
            Person.objects.order_by("pk").values_list("first_name", "last_name", "email")
        ),
        "sessions": list(Session.objects.order_by("pk").values_list("body__name", "starts_at")),
        "bookings": list(
            Booking.objects.order_by("pk").values_list("item__name", "starts_at", "ends_at")
        ),
        "verdicts": list(Opinion.objects.order_by("pk").values_list("state", "verdict")),
    }


def _generate_and_roll_back(seed):
    with transaction.atomic():
        snapshot = _snapshot(generate_territory(seed=seed, scale=SCALE, log=lambda line: None))
        transaction.set_rollback(True)
    return snapshot


def test_same_seed_gives_the_same_territory_and_another_seed_other_names():
    first = _generate_and_roll_back(42)
    second = _generate_and_roll_back(42)
    other = _generate_and_roll_back(7)
    assert first == second
    fixed = ("people", "mandates", "memberships", "sessions", "referrals", "bookings")
    assert {k: first["counts"][k] for k in fixed} == {k: other["counts"][k] for k in fixed}
    assert first["names"] != other["names"]


@pytest.fixture
def generated():
    out = io.StringIO()
    call_command("generate_territory", seed=42, scale=SCALE, stdout=out)
    return out.getvalue()


def test_the_92_real_communes_with_their_populations(generated):
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        rows = {r["code_insee"]: r for r in csv.DictReader(handle)}
    epci = EPCI.objects.get(siren="200054807")
    assert epci.nature == EPCI.Nature.METRO
    communes = Commune.objects.filter(epci=epci)
    assert communes.count() == 92
    assert sum(c.population for c in communes) == 1_939_077
    for commune in communes:
        assert commune.name == rows[commune.insee_code]["name"]
        assert commune.population == int(rows[commune.insee_code]["population"])
        assert commune.departement == commune.insee_code[:2]
        assert commune.sector is not None
    assert set(communes.values_list("departement", flat=True)) == {"13", "83", "84"}
    assert epci.sectors.count() == 6
    assert "1 939 077".replace(" ", "\u202f") in generated


def test_people_are_obviously_fictional_and_unique(generated):
    people = list(Person.objects.values_list("first_name", "last_name", "email", "match_key"))
    assert len(people) > 2_700
    assert len({(first, last) for first, last, _, _ in people}) == len(people)
    for _first, last, email, match_key in people:
        left, right = last.split("-")
        assert left in FICTIONAL_WORDS and right in FICTIONAL_WORDS
        assert email.endswith(f"@{EMAIL_DOMAIN}")
        assert match_key  # set by the generator: bulk_create skips Person.save()


def test_mandates_bodies_and_memberships(generated):
    K = Mandate.Kind
    community = Mandate.objects.filter(kind=K.COMMUNITY_COUNCILLOR)
    assert community.count() == 240
    assert Mandate.objects.filter(kind=K.MAYOR).count() == 92
    municipal = Mandate.objects.filter(kind__in=[K.MAYOR, K.DEPUTY_MAYOR, K.MUNICIPAL_COUNCILLOR])
    assert municipal.count() == 2_704  # legal council sizes (L2121-2) of the 92 communes
    kinds = set(Body.objects.values_list("kind", flat=True))
    assert kinds == set(BodyKind.values)
    council = Body.objects.get(kind=BodyKind.COUNCIL)
    titular = council.memberships.exclude(role=Membership.Role.SUBSTITUTE)
    assert titular.count() == 240
    assert all(m.substitute_for_id for m in council.memberships.filter(role="substitute"))


def test_history_is_consistent(generated):
    assert Session.objects.exists()
    convened = Session.objects.exclude(status=Session.Status.DRAFT)
    assert not Convocation.objects.exclude(session__in=convened).exists()
    # One sent outbox row per convocation (version 1 of each convened session).
    assert OutboundMessage.objects.filter(status="sent").count() == Convocation.objects.count()
    assert not Opinion.objects.filter(state="tacit", verdict="").exists()


def test_no_overlapping_bookings(generated):
    bookings = Booking.objects.live().order_by("item_id", "starts_at", "pk")
    assert bookings.count() > 150
    for a, b in pairwise(bookings):
        if a.item_id == b.item_id:
            assert a.ends_at <= b.starts_at
    with_driver = Booking.objects.live().filter(driver__isnull=False)
    for a, b in pairwise(with_driver.order_by("driver_id", "starts_at", "pk")):
        if a.driver_id == b.driver_id:
            assert a.ends_at <= b.starts_at


def test_refuses_to_generate_twice(generated):
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("generate_territory", seed=42, scale=SCALE, stdout=io.StringIO())
