"""The legal tables the seat computation reads, as data with their article.

A jurist changes a number here, nowhere else (docs/DOMAIN.md: product choices in one place).
"""

# L5211-6-1 III: seats of the council by the EPCI's municipal population. Each row is
# (lowest population of the band, seats); the last band ("plus de 1 000 000") starts at
# 1,000,001 because the band before it reads "de 700 000 à 1 000 000".
COUNCIL_SEATS_TABLE: tuple[tuple[int, int], ...] = (
    (0, 16),
    (3_500, 18),
    (5_000, 22),
    (10_000, 26),
    (20_000, 30),
    (30_000, 34),
    (40_000, 38),
    (50_000, 40),
    (75_000, 42),
    (100_000, 48),
    (150_000, 56),
    (200_000, 64),
    (250_000, 72),
    (350_000, 80),
    (500_000, 90),
    (700_000, 100),
    (1_000_001, 130),
)

# L2121-2: members of the municipal council by the commune's population (the cap of
# L5211-6-1 IV 4°). (lowest population of the band, councillors).
MUNICIPAL_COUNCIL_TABLE: tuple[tuple[int, int], ...] = (
    (0, 7),
    (100, 11),
    (500, 15),
    (1_500, 19),
    (2_500, 23),
    (3_500, 27),
    (5_000, 29),
    (10_000, 33),
    (20_000, 35),
    (30_000, 39),
    (40_000, 43),
    (50_000, 45),
    (60_000, 49),
    (80_000, 53),
    (100_000, 55),
    (150_000, 59),
    (200_000, 61),
    (250_000, 65),
    (300_000, 69),
)

# Paris, Marseille and Lyon do not follow the L2121-2 table: the Conseil de Paris has 163
# members (L2512-3 CGCT), Marseille's council 101 and Lyon's 73 (code électoral, L261 and
# its tableau n° 2).
SPECIAL_MUNICIPAL_COUNCILS: dict[str, tuple[int, str]] = {
    "75056": (163, "L2512-3"),
    "13055": (101, "code électoral L261, tableau n° 2"),
    "69123": (73, "code électoral L261, tableau n° 2"),
}

# L5211-6-1 IV 4° bis names one EPCI, the Métropole d'Aix-Marseille-Provence; it is recognised
# by its SIREN, never by its name (docs/DOMAIN.md §1).
AIX_MARSEILLE_PROVENCE_SIREN = "200054807"
# The Métropole du Grand Paris follows L5219-9, the Métropole de Lyon its own code (L3631-1 s.).
GRAND_PARIS_SIREN = "200054781"

# Natures whose council the article governs, and those that may adopt a local agreement (I 2°)
# and receive the seats of V.
NATURES = ("CC", "CA", "CU", "METRO")
AGREEMENT_NATURES = ("CC", "CA")


def _band(table: tuple[tuple[int, int], ...], population: int) -> int:
    value = table[0][1]
    for lowest, number in table:
        if population >= lowest:
            value = number
    return value


def council_seats(population: int) -> int:
    """Seats of the council by the EPCI's municipal population (L5211-6-1 III)."""
    return _band(COUNCIL_SEATS_TABLE, population)


def municipal_councillors(code: str, population: int) -> tuple[int, str]:
    """Members of a commune's municipal council, with the article that fixes them (L2121-2)."""
    if code in SPECIAL_MUNICIPAL_COUNCILS:
        return SPECIAL_MUNICIPAL_COUNCILS[code]
    return _band(MUNICIPAL_COUNCIL_TABLE, population), "L2121-2"
