"""The council's seats by L5211-6-1, worked by hand (docs/SEATS.md, docs/DOMAIN.md §9).

The four EPCI use their real populations (INSEE PL 2023, tests/governance/fixtures/seats/:
one vintage after the one R5211-1-1 fixes for 2026, so these are not the 2025 prefectoral
orders). Each expected number below was worked out from the article before running the code:
the comments give the averages that decide the last seats.
"""

import csv
from fractions import Fraction
from pathlib import Path

import pytest

from governance.seats.agreement import (
    check_local_agreement,
    check_optional_seats,
    qualified_majority,
)
from governance.seats.compute import CommuneInput, SeatsError, compute_distribution
from governance.seats.tables import council_seats, municipal_councillors

FIXTURES = Path(__file__).parent / "fixtures" / "seats"


def load(stem: str) -> list[CommuneInput]:
    with open(FIXTURES / f"{stem}_communes.csv", encoding="utf-8") as handle:
        return [
            CommuneInput(row["code_insee"], row["name"], int(row["population"]))
            for row in csv.DictReader(handle)
        ]


def by_name(distribution, mapping=None):
    mapping = distribution.seats if mapping is None else mapping
    return {distribution.name(code): seats for code, seats in mapping.items()}


def paragraphs(distribution):
    return [step.paragraph for step in distribution.steps]


def only_above_one(distribution, mapping=None):
    return {name: s for name, s in by_name(distribution, mapping).items() if s > 1}


# --- Tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "seats"),
    [
        (3_499, 16),
        (3_500, 18),
        (137_384, 48),
        (274_260, 72),
        (312_612, 72),
        (350_000, 80),
        (1_000_000, 100),
        (1_000_001, 130),
        (1_939_077, 130),
    ],
)
def test_table_of_iii(population, seats):
    assert council_seats(population) == seats


@pytest.mark.parametrize(
    ("code", "population", "expected"),
    [
        ("01001", 99, (7, "L2121-2")),
        ("01001", 100, (11, "L2121-2")),
        ("01001", 1_499, (15, "L2121-2")),
        ("28085", 38_324, (39, "L2121-2")),
        ("49007", 159_022, (59, "L2121-2")),
        ("01001", 300_000, (69, "L2121-2")),
        ("13055", 886_040, (101, "code électoral L261, tableau n° 2")),
    ],
)
def test_municipal_councillors_of_l2121_2(code, population, expected):
    assert municipal_councillors(code, population) == expected


# --- The four EPCI, real populations --------------------------------------------------------


def test_aix_marseille_provence():
    amp = compute_distribution(nature="METRO", communes=load_amp(), siren="200054807")
    # III: 1,939,077 inhabitants, above 1,000,000 → 130 seats.
    assert (amp.population, amp.table_seats) == (1_939_077, 130)
    # IV 1°: quotient 1,939,077 / 130 = 14,915.98; whole parts give 94 seats (Marseille
    # 886,040 / 14,915.98 = 59.40 → 59; Aix 149,695 → 10.04 → 10), 36 go at the highest
    # average. The 130th seat goes to Marignane at 33,692 / 3 = 11,230.67: Marseille
    # 886,040 / 78 = 11,359.5 keeps its 78th, Plan-de-Cuques (11,632) gets one,
    # Pélissanne (11,085) none.
    quotient_step = amp.steps[1]
    assert sum(w.seats for w in quotient_step.whole_parts) == 94
    highest = amp.steps[2]
    assert len(highest.awards) == 36
    last = highest.awards[-1]
    assert (last.name, last.seats, last.average) == ("Marignane", 3, Fraction(33_692, 3))
    first = by_name(amp, amp.first_round)
    assert (first["Marseille"], first["Aix-en-Provence"], first["Plan-de-Cuques"]) == (78, 13, 1)
    assert first["Pélissanne"] == 0
    # IV 2°: the 69 communes below 11,230.67 get a seat of right: 130 + 69 = 199.
    assert len(amp.seats_of_right) == 69
    # IV 3°: Marseille's 78 are below half of 199 (99). IV 4°: 78 ≤ 101 councillors.
    # IV 4° bis: 20 % of 199 = 39.8 → 39 seats among the 23 communes with seats under 1°,
    # continuing their averages; the 39th goes to Marseille at 886,040 / 101 = 8,772.67, so
    # Miramas (26,203 / 3 = 8,734.33) stays at 2 and Marignane (33,692 / 4 = 8,423) at 3.
    bonus = amp.steps[paragraphs(amp).index("IV 4° bis")]
    assert len(bonus.awards) == 39
    assert (bonus.awards[-1].name, bonus.awards[-1].average) == (
        "Marseille",
        Fraction(886_040, 101),
    )
    assert only_above_one(amp) == {
        "Marseille": 101,
        "Aix-en-Provence": 17,
        "Martigues": 5,
        "Aubagne": 5,
        "Istres": 5,
        "Salon-de-Provence": 5,
        "La Ciotat": 4,
        "Vitrolles": 4,
        "Marignane": 3,
        "Miramas": 2,
        "Les Pennes-Mirabeau": 2,
        "Gardanne": 2,
        "Allauch": 2,
        "Pertuis": 2,
        "Châteauneuf-les-Martigues": 2,
    }
    assert amp.total == 130 + 69 + 39 == 238
    # V is for CC and CA; VI excludes Aix-Marseille-Provence.
    assert (amp.v_seats, amp.vi_max) == (0, None)
    assert paragraphs(amp) == [
        "III",
        "IV 1°",
        "IV 1°",
        "IV 2°",
        "IV 3°",
        "IV 4°",
        "IV 4° bis",
        "V",
        "VI",
    ]


def load_amp():
    return load("aix_marseille_provence_metropole")


def test_mulhouse_alsace_agglomeration():
    m2a = compute_distribution(
        nature="CA", communes=load("m2a_mulhouse_alsace_agglomeration"), siren="200066009"
    )
    # III: 274,260 → 72 seats. IV 1°: quotient 3,809.17; whole parts 55, 17 at the highest
    # average; the 72nd goes to Riedisheim at 12,200 / 4 = 3,050 (Mulhouse 104,978 / 34 =
    # 3,087.6 keeps its 34th; Pulversheim 3,069 gets one; Baldersheim 2,596 none).
    assert m2a.table_seats == 72
    assert m2a.steps[2].awards[-1].average == Fraction(12_200, 4)
    assert only_above_one(m2a, m2a.first_round) == {
        "Mulhouse": 34,
        "Wittenheim": 5,
        "Illzach": 4,
        "Rixheim": 4,
        "Kingersheim": 4,
        "Riedisheim": 4,
        "Pfastatt": 3,
        "Wittelsheim": 3,
        "Brunstatt-Didenheim": 2,
        "Lutterbach": 2,
    }
    assert sum(1 for s in m2a.first_round.values() if s == 1) == 7
    # IV 2°: 22 seats of right → 94. IV 3°: 34 ≤ 47. IV 4°: Mulhouse 34 ≤ 55 councillors.
    assert (len(m2a.seats_of_right), m2a.total_iii_iv) == (22, 94)
    # V: 22 > 30 % of 72 (21.6) → 10 % of 94 = 9.4 → 9 seats, at the highest average counting
    # the seats held: Mulhouse 2,999.4, Illzach 2,984.6, Mulhouse 2,916.1, Rixheim 2,876,
    # Mulhouse 2,837.2, Sausheim 2,833, Mulhouse 2,762.6, Brunstatt 2,753, Mulhouse 2,691.7.
    assert m2a.v_seats == 9
    v_step = m2a.steps[paragraphs(m2a).index("V")]
    assert [a.name for a in v_step.awards] == [
        "Mulhouse",
        "Illzach",
        "Mulhouse",
        "Rixheim",
        "Mulhouse",
        "Sausheim",
        "Mulhouse",
        "Brunstatt-Didenheim",
        "Mulhouse",
    ]
    assert only_above_one(m2a) == {
        "Mulhouse": 39,
        "Illzach": 5,
        "Rixheim": 5,
        "Wittenheim": 5,
        "Kingersheim": 4,
        "Riedisheim": 4,
        "Brunstatt-Didenheim": 3,
        "Pfastatt": 3,
        "Wittelsheim": 3,
        "Lutterbach": 2,
        "Sausheim": 2,
    }
    assert m2a.total == 103
    # VI is closed once V applied.
    assert m2a.vi_max is None


def test_chartres_metropole():
    chartres = compute_distribution(
        nature="CA", communes=load("chartres_metropole"), siren="200033181"
    )
    # III: 137,384 → 48. IV 1°: quotient 2,862.17; 27 whole seats, 21 at the highest
    # average, the 48th to Chartres at 38,324 / 20 = 1,916.2 (Morancez 1,935 gets one,
    # Amilly 1,855 none).
    assert chartres.table_seats == 48
    assert chartres.steps[2].awards[-1].average == Fraction(38_324, 20)
    assert only_above_one(chartres, chartres.first_round) == {
        "Chartres": 20,
        "Lucé": 8,
        "Mainvilliers": 5,
        "Luisant": 3,
        "Lèves": 2,
        "Maintenon": 2,
        "Le Coudray": 2,
    }
    # IV 2°: 66 − 13 communes with a seat = 53 seats of right → 101.
    assert (len(chartres.seats_of_right), chartres.total_iii_iv) == (53, 101)
    # V: 53 > 14.4 → 10 % of 101 = 10.1 → 10 seats; the last to Lucé at 15,921 / 10 = 1,592.1.
    assert chartres.v_seats == 10
    assert chartres.steps[paragraphs(chartres).index("V")].awards[-1].average == Fraction(
        15_921, 10
    )
    assert only_above_one(chartres) == {
        "Chartres": 24,
        "Lucé": 10,
        "Mainvilliers": 6,
        "Luisant": 4,
        "Lèves": 3,
        "Champhol": 2,
        "Le Coudray": 2,
        "Maintenon": 2,
    }
    assert chartres.total == 111
    # Amilly holds its seat of right: its average counts it (1,855 / 2), see docs/SEATS.md.
    assert by_name(chartres)["Amilly"] == 1


def test_angers_loire_metropole():
    angers = compute_distribution(
        nature="CU", communes=load("angers_loire_metropole"), siren="244900015"
    )
    # III: 312,612 → 72. IV 1°: quotient 4,341.83; 58 whole seats, 14 at the highest average,
    # the 72nd to Sainte-Gemmes-sur-Loire at 3,685 (Angers 159,022 / 43 = 3,698.2 keeps its
    # 43rd; Briollay 3,225 none).
    assert angers.steps[2].awards[-1].name == "Sainte-Gemmes-sur-Loire"
    assert by_name(angers, angers.first_round)["Angers"] == 43
    # IV 2°: 13 seats of right → 85.
    assert len(angers.seats_of_right) == 13
    # IV 3°: Angers 43 > 85 / 2: it keeps 42; the seat goes at the highest average counting
    # the seats held to Loire-Authion (16,765 / 5 = 3,353 > Bouchemaine 3,290, Ponts-de-Cé
    # 3,287.25, Trélazé 3,266.6).
    half = angers.steps[paragraphs(angers).index("IV 3°")]
    assert [(a.name, a.average) for a in half.awards] == [("Loire-Authion", Fraction(16_765, 5))]
    assert only_above_one(angers) == {
        "Angers": 42,
        "Loire-Authion": 5,
        "Trélazé": 4,
        "Avrillé": 4,
        "Les Ponts-de-Cé": 3,
        "Saint-Barthélemy-d'Anjou": 2,
        "Verrières-en-Anjou": 2,
        "Montreuil-Juigné": 2,
    }
    assert angers.total == 85
    # A CU: no V; VI may add at most 10 % of 85 → 8.
    assert (angers.v_seats, angers.vi_max) == (0, 8)


# --- Each paragraph on a small synthetic case ------------------------------------------------


def communes(*populations, councillors=None):
    councillors = councillors or {}
    return [
        CommuneInput(f"0100{i}", chr(ord("A") + i), pop, councillors.get(i))
        for i, pop in enumerate(populations)
    ]


def test_half_cap_with_a_tie_for_the_last_seat():
    # 10,000 inhabitants → 26 seats (10,000–19,999). IV 1°: A 9,000 →
    # 23.4 → 23, B and C 500 → 1.3 → 1; the 26th seat: A 9,000 / 24 = 375 > 250 → A 24.
    # IV 3°: 24 > 13 → A keeps 13; 11 seats to B and C, tied at each round (500 / (n + 1)):
    # ten go in pairs, the last one is tied → IV 5° gives one to each: B 7, C 7, total 27.
    d = compute_distribution(nature="CC", communes=communes(9_000, 500, 500))
    assert d.first_round == {"01000": 24, "01001": 1, "01002": 1}
    assert d.seats == {"01000": 13, "01001": 7, "01002": 7}
    assert paragraphs(d)[4:6] == ["IV 3°", "IV 5°"]
    assert d.total == 27


def test_tie_for_the_last_seat_of_iv_1():
    # 1,000 inhabitants → 16. Whole parts: 350 → 5.6 → 5, 350 → 5, 300 → 4.8 → 4: 14.
    # 15th: C 300 / 5 = 60 > 350 / 6 = 58.33 → C 5. 16th: A and B tie at 58.33 → each gets
    # one (IV 5°): 6 + 6 + 5 = 17.
    d = compute_distribution(nature="CU", communes=communes(350, 350, 300))
    assert d.seats == {"01000": 6, "01001": 6, "01002": 5}
    ties = d.steps[paragraphs(d).index("IV 5°")]
    assert [(a.name, a.average, a.tie) for a in ties.awards] == [
        ("A", Fraction(350, 6), True),
        ("B", Fraction(350, 6), True),
    ]


def test_councillors_cap_reduces_the_table():
    # 500 inhabitants → 16. A 480 (11 councillors), B 20 (7 councillors).
    # 16: A 15 + 1 = 16, B seat of right → 17; half: A 8, B 1 + 8 = 9 > 7 → 15.
    # 15: A 15, B right → 16; A 8, B 8 > 7 → 14.
    # 14: A 14, B right → 15; A 7, B 8 > 7 → 13.
    # 13: A 13, B right → 14; A 7, B 7 ≤ 7: done.
    d = compute_distribution(nature="CC", communes=communes(480, 20))
    reductions = [s for s in d.steps if s.paragraph == "IV 4°"]
    assert len(reductions) == 4  # three reductions and the final check
    assert d.applied_table_seats == 13
    assert d.seats == {"01000": 7, "01001": 7}
    assert "réduit à 15" in reductions[0].text
    # VI: 10 % of 14 → 1.
    assert d.vi_max == 1


def test_councillors_cap_uses_a_smaller_complete_council():
    # L2121-2-1: B's council is complete with 5 members; the cap follows.
    d = compute_distribution(nature="CC", communes=communes(480, 20, councillors={1: 5}))
    assert d.seats == {"01000": 5, "01001": 5}


def test_v_adds_ten_percent_when_seats_of_right_exceed_thirty_percent():
    # 5,800 → 22. Whole parts: A 3,000 → 11.38 → 11, B 2,000 → 7.59 → 7: 18; 4 at the
    # highest average: A and B tie at 250 (A 12, B 8), A 230.8 (13), B 222.2 (9).
    # IV 2°: 8 seats of right → 30; 8 > 30 % of 22 (6.6) → V: 10 % of 30 = 3 seats:
    # A 3,000 / 14 = 214.3 → 14, then A and B tie at 200 with two seats left → 15 and 10.
    d = compute_distribution(nature="CC", communes=communes(3_000, 2_000, *[100] * 8))
    assert (d.first_round["01000"], d.first_round["01001"]) == (13, 9)
    assert d.total_iii_iv == 30
    assert d.v_seats == 3
    assert (d.seats["01000"], d.seats["01001"]) == (15, 10)
    assert d.total == 33
    assert d.vi_max is None


def test_v_is_for_cc_and_ca_only():
    d = compute_distribution(nature="METRO", communes=communes(3_000, 2_000, *[100] * 8))
    assert d.v_seats == 0
    assert d.vi_max == 3  # 10 % of 30


def test_lyon_and_grand_paris_are_refused():
    with pytest.raises(SeatsError, match="Lyon"):
        compute_distribution(nature="MET69", communes=communes(1, 2))
    with pytest.raises(SeatsError, match="L5219-9"):
        compute_distribution(nature="METRO", communes=communes(1, 2), siren="200054781")


# --- Local agreement (I 2°) and optional seats (VI) ----------------------------------------


@pytest.fixture
def small_ca():
    # Droit commun of III and IV: A 13, B 9, eight communes with one seat: 30 seats.
    return compute_distribution(nature="CA", communes=communes(3_000, 2_000, *[100] * 8))


def proposal(a, b, *small):
    small = small or (1,) * 8
    return {"01000": a, "01001": b, **{f"0100{i + 2}": s for i, s in enumerate(small)}}


def test_the_droit_commun_is_a_lawful_agreement(small_ca):
    assert check_local_agreement(small_ca, small_ca.seats_iii_iv) == []


def test_agreement_above_twenty_five_percent(small_ca):
    # At most 30 × 1.25 = 37.5 → 37; 20 + 14 + 8 = 42.
    violations = check_local_agreement(small_ca, proposal(20, 14))
    assert [(v.paragraph, v.message) for v in violations] == [
        (
            "I 2° a)",
            "42 sièges : le total dépasse de plus de 25 % les 30 sièges des III et IV "
            "(au plus 37).",
        )
    ]


def test_agreement_against_population_order_and_band(small_ca):
    # B (2,000) would have more than A (3,000); A's share 9 / 27 is 35.5 % below its
    # population share 3,000 / 5,800, beyond 20 %, where the droit commun was within 20 %.
    violations = check_local_agreement(small_ca, proposal(9, 10))
    assert [v.paragraph for v in violations] == ["I 2° b)", "I 2° e)"]
    assert violations[1].message == (
        "A aurait 9 sièges sur 27 : sa part de sièges est inférieure de 35,6 % à sa part de "
        "population (écart de 20 % au plus)."
    )


def test_agreement_without_a_seat_or_with_more_than_half(small_ca):
    no_seat = check_local_agreement(small_ca, proposal(13, 9, 0, 1, 1, 1, 1, 1, 1, 1))
    assert ("I 2° c)", "C doit avoir au moins un siège.") in [
        (v.paragraph, v.message) for v in no_seat
    ]
    half = check_local_agreement(small_ca, proposal(16, 5))
    assert ("I 2° d)", "A aurait 16 sièges sur 29, plus de la moitié.") in [
        (v.paragraph, v.message) for v in half
    ]


def test_agreement_in_a_cu_is_refused():
    cu = compute_distribution(nature="CU", communes=communes(3_000, 2_000, *[100] * 8))
    assert [v.paragraph for v in check_local_agreement(cu, cu.seats)] == ["I 2°"]


def test_second_seat_exception_and_its_reservation():
    # 10,000 → 26. IV 1°: A 15, B 7, C 400 → 1, D 380 and E 220 → 0; 3 at the highest
    # average: A and B tie at 375 (16, 8), then D 380 → 1. E seat of right → 27. IV 3°: A
    # keeps 13, three seats to B (333.3, 300, 272.7) → B 11.
    d = compute_distribution(nature="CC", communes=communes(6_000, 3_000, 400, 380, 220))
    assert d.seats == {"01000": 13, "01001": 11, "01002": 1, "01003": 1, "01004": 1}
    assert (d.first_round["01002"], d.first_round["01003"]) == (1, 1)
    # With A at 14 of 29 (−19.5 %) and B at 11 of 29 (+26.4 %, but the droit commun's
    # +35.8 % was worse), C, one seat under IV 1°, may get a second seat (+72 %).
    assert check_local_agreement(d, {**d.seats, "01000": 14, "01002": 2}) == []
    # D may too, but not while C, more populous and also one seat under IV 1°, keeps one
    # (which b) also refuses: C would have fewer seats than a less populous commune).
    violations = check_local_agreement(d, {**d.seats, "01000": 14, "01003": 2})
    assert [(v.paragraph, v.code) for v in violations] == [
        ("I 2° b)", "01002"),
        ("I 2° e)", "01002"),
    ]
    assert "2015-711 DC" in violations[1].message


def test_qualified_majority(small_ca):
    codes = [c.code for c in small_ca.communes]
    # Two thirds of the councils (7 of 10) with A: 3,000 + 2,000 + 500 > half. Lawful.
    assert qualified_majority(small_ca, codes[:7]) == []
    # The eight small communes: 8 of 10 councils but 800 inhabitants, and not A (51.7 %).
    violations = qualified_majority(small_ca, codes[2:])
    assert [v.paragraph for v in violations] == ["I 2°", "I 2°"]
    assert "A, commune la plus peuplée" in violations[1].message
    # Through check_local_agreement.
    assert check_local_agreement(small_ca, small_ca.seats_iii_iv, approving=codes[:7]) == []


def test_optional_seats():
    d = compute_distribution(nature="CU", communes=communes(3_000, 2_000, *[100] * 8))
    # Droit commun 13, 9, 1 × 8 = 30; VI allows 3 more.
    assert check_optional_seats(d, proposal(15, 10)) == []
    too_many = check_optional_seats(d, proposal(16, 10))
    assert [v.paragraph for v in too_many] == ["VI"]
    assert too_many[0].message.startswith("4 sièges créés : au plus 3")
    lost = check_optional_seats(d, proposal(12, 12))
    assert "A perdrait des sièges du droit commun (13 → 12)." in [v.message for v in lost]


def test_optional_seats_closed_for_amp_and_after_v(small_ca):
    amp = compute_distribution(nature="METRO", communes=load_amp(), siren="200054807")
    assert [v.message for v in check_optional_seats(amp, amp.seats)] == [
        "Le VI exclut la métropole d'Aix-Marseille-Provence."
    ]
    assert [v.message for v in check_optional_seats(small_ca, small_ca.seats)] == [
        "Le V ayant été appliqué, le VI ne peut l'être."
    ]
