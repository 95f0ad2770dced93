"""Qualified majorities (CGI 1609 nonies C IV; CGCT L5211-5 II), on synthetic boundary cases and
on the real populations of m2A (39 communes) and Aix-Marseille-Provence (92)."""

import csv

import pytest

from referrals.consultation import majorities
from referrals.consultation.majorities import CLECT, PERIMETER, Council
from tests.referrals.factories import DATA


def councils(populations, approving):
    return [
        Council(key=i, name=f"C{i}", population=p, approved=i in approving)
        for i, p in enumerate(populations)
    ]


def real(filename, approve=lambda row: True):
    with open(DATA / filename, encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: r["code_insee"])
    return [
        Council(
            key=r["code_insee"],
            name=r["name"],
            population=int(r["population"]),
            approved=approve(r),
        )
        for r in rows
    ]


M2A = "m2a_mulhouse_alsace_agglomeration_communes.csv"
AMP = "aix_marseille_provence_metropole_communes.csv"


class TestThresholds:
    def test_two_thirds_of_councils_needs_more_than_half_the_population(self):
        # 4 of 6 councils (exactly two thirds) but exactly half the population: not enough.
        outcome = majorities.compute(CLECT, councils([75, 75, 75, 75, 150, 150], {0, 1, 2, 3}))
        assert not outcome.reached
        assert outcome.paths[0].councils_missing == 0
        assert outcome.paths[0].population_missing == 1  # "plus de la moitié": 301 of 600

    def test_two_thirds_of_councils_with_more_than_half_is_reached(self):
        outcome = majorities.compute(CLECT, councils([75, 75, 75, 76, 150, 149], {0, 1, 2, 3}))
        assert outcome.reached

    def test_half_of_councils_with_exactly_two_thirds_of_population_is_reached(self):
        # "la moitié au moins ... les deux tiers": both thresholds are inclusive.
        outcome = majorities.compute(CLECT, councils([200, 150, 50, 100, 50, 50], {0, 1, 2}))
        assert outcome.reached
        assert outcome.paths[1].reached and not outcome.paths[0].reached

    def test_largest_commune_holding_exactly_a_quarter_is_not_required(self):
        outcome = majorities.compute(PERIMETER, councils([150, 150, 150, 150], {1, 2, 3}))
        assert outcome.largest is None
        assert outcome.reached

    def test_largest_commune_over_a_quarter_must_approve(self):
        outcome = majorities.compute(PERIMETER, councils([151, 149, 150, 150], {1, 2, 3}))
        assert outcome.largest.key == 0
        assert outcome.largest_missing
        assert not outcome.reached
        # The CLECT rule has no such veto.
        assert majorities.compute(CLECT, councils([151, 149, 150, 150], {1, 2, 3})).reached

    def test_pending_councils_keep_it_possible(self):
        pending = [
            Council(key=i, name="", population=100, approved=False, pending=True) for i in range(3)
        ]
        outcome = majorities.compute(CLECT, pending)
        assert not outcome.reached and outcome.still_possible

    def test_unknown_rule_is_refused(self):
        with pytest.raises(ValueError):
            majorities.compute("unanimity", [])


class TestM2A:
    def test_totals(self):
        outcome = majorities.compute(CLECT, real(M2A))
        assert outcome.councils == 39
        assert outcome.population == 274_260
        assert outcome.reached

    def test_all_but_mulhouse_approve(self):
        # Mulhouse holds 104,978 of 274,260 (38 %): more than a quarter.
        data = real(M2A, approve=lambda r: r["code_insee"] != "68224")
        clect = majorities.compute(CLECT, data)
        assert clect.reached  # 38 of 39 councils, 169,282 inhabitants (> 137,130)
        perimeter = majorities.compute(PERIMETER, data)
        assert perimeter.largest.name == "Mulhouse"
        assert perimeter.largest_missing
        assert not perimeter.reached and not perimeter.still_possible

    def test_mulhouse_alone_is_far_from_it(self):
        outcome = majorities.compute(CLECT, real(M2A, approve=lambda r: r["name"] == "Mulhouse"))
        assert not outcome.reached
        two_thirds, half = outcome.paths
        assert two_thirds.councils_needed == 26 and two_thirds.councils_missing == 25
        assert two_thirds.population_needed == 137_131  # more than half of 274,260
        assert two_thirds.population_missing == 137_131 - 104_978
        assert half.councils_needed == 20 and half.councils_missing == 19
        assert half.population_needed == 182_840
        assert half.population_missing == 182_840 - 104_978


class TestAixMarseilleProvence:
    def test_totals_and_largest(self):
        outcome = majorities.compute(PERIMETER, real(AMP))
        assert outcome.councils == 92
        assert outcome.population == 1_939_077
        assert outcome.largest.name == "Marseille"
        assert outcome.reached

    def test_all_but_marseille(self):
        data = real(AMP, approve=lambda r: r["name"] != "Marseille")
        clect = majorities.compute(CLECT, data)
        # 91 of 92 councils and 1,053,037 inhabitants (> 969,538): first path.
        assert clect.approving_councils == 91
        assert clect.approving_population == 1_939_077 - 886_040
        assert clect.paths[0].reached and clect.reached
        assert not majorities.compute(PERIMETER, data).reached

    def test_the_61_smallest_are_one_council_short(self):
        by_size = sorted(real(AMP), key=lambda c: (-c.population, c.key))
        big = {c.key for c in by_size[:61]}
        outcome = majorities.compute(CLECT, real(AMP, approve=lambda r: r["code_insee"] in big))
        assert outcome.paths[0].councils_needed == 62
        assert outcome.paths[0].councils_missing == 1
        assert outcome.paths[1].reached  # 61 ≥ 46 councils holding well over two thirds
        assert outcome.reached
