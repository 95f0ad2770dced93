"""The France-scale territory: the 92 real communes of Aix-Marseille-Provence, fictional people,
their mandates, every kind of body and its memberships.

Only the communes and their populations are real (demo/data/, Licence Ouverte 2.0). The
sectors are the names of AMP's six conseils de territoire, but which commune is in which is
ILLUSTRATIVE ONLY (see `assign_sectors`). People are invented and obviously so: hyphenated pairs
of words such as "Fictif-Maquette", on the reserved domain amp.interco.test.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass, field

from demo.plan import DATA_DIR
from governance.models import EPCI, Body, Commune, Mandate, Membership, Person, Sector
from governance.rules import BodyKind, defaults_for
from governance.text import normalise, person_match_key

COMMUNES_CSV = DATA_DIR / "aix_marseille_provence_metropole_communes.csv"
EPCI_SIREN = "200054807"
EPCI_NAME = "Métropole d'Aix-Marseille-Provence"
POPULATION_VINTAGE = 2023
EMAIL_DOMAIN = "amp.interco.test"
MARSEILLE = "13055"
# One fictional generation of officials serves the whole ten years of history (no elections in
# between): a simplification that keeps every past convocation pointing at a current member.
MANDATE_START = datetime.date(2016, 1, 4)
COMMUNITY_SEATS = 240  # conseil de la Métropole AMP
VICE_PRESIDENTS = 20

# The six conseils de territoire of AMP (names are real; the assignment below is not).
SECTORS = (
    "Marseille Provence",
    "Pays d'Aix",
    "Pays Salonais",
    "Pays d'Aubagne et de l'Étoile",
    "Istres-Ouest Provence",
    "Pays de Martigues",
)

FIRST_NAMES = (
    ("Alix", "F"), ("Bastien", "M"), ("Capucine", "F"), ("Dorian", "M"), ("Élise", "F"),
    ("Fabrice", "M"), ("Gaëlle", "F"), ("Hugo", "M"), ("Inès", "F"), ("Jules", "M"),
    ("Katell", "F"), ("Lucien", "M"), ("Maëlys", "F"), ("Nathan", "M"), ("Océane", "F"),
    ("Pierrick", "M"), ("Quitterie", "F"), ("Romain", "M"), ("Solène", "F"), ("Théo", "M"),
    ("Ursule", "F"), ("Victor", "M"), ("Wendy", "F"), ("Yannick", "M"), ("Zoé", "F"),
    ("Aurèle", "M"), ("Bérénice", "F"), ("Clovis", "M"), ("Daphné", "F"), ("Émile", "M"),
    ("Faustine", "F"), ("Gaspard", "M"), ("Hortense", "F"), ("Isidore", "M"), ("Joséphine", "F"),
    ("Lazare", "M"), ("Mélisande", "F"), ("Norbert", "M"), ("Ombeline", "F"), ("Philémon", "M"),
)  # fmt: skip
# Every last name is two of these words joined by a hyphen: nobody is called that.
FICTIONAL_WORDS = (
    "Fictif", "Exemplaire", "Factice", "Imaginaire", "Maquette", "Prototype", "Échantillon",
    "Simulacre", "Postiche", "Inventé", "Testard", "Démo", "Fantaisie", "Chimère", "Leurre",
    "Mirage",
)  # fmt: skip

COUNCIL = "Conseil de la Métropole"
BUREAU = "Bureau de la Métropole"
MAYORS_CONFERENCE = "Conférence métropolitaine des maires"
DGS_BOARD = "Collégiale des DGS"
CLECT = "CLECT"
TENDER_BOARD = "Commission d'appel d'offres"
COMMISSIONS = (
    "Commission Mobilité et transports",
    "Commission Transition écologique",
    "Commission Finances et mutualisation",
    "Commission Habitat et politique de la ville",
)
EPCI_STAFF = (
    "Directeur général des services",
    "Responsable du secrétariat général",
    "Chargé de mission mobilité",
    "Chargé de mission transition écologique",
    "Responsable des finances",
    "Chargé de mission habitat",
    "Juriste",
    "Chargé de mission mutualisation",
)
DRIVERS = 8


def territorial_conference(sector: str) -> str:
    return f"Conférence territoriale des maires — {sector}"


def municipal_council_size(population: int, insee: str) -> int:
    """Seats of the municipal council by population (CGCT L2121-2; Marseille has 101)."""
    if insee == MARSEILLE:
        return 101
    scale = (
        (100, 7), (500, 11), (1500, 15), (2500, 19), (3500, 23), (5000, 27), (10000, 29),
        (20000, 33), (30000, 35), (40000, 39), (50000, 43), (60000, 45), (80000, 49),
        (100000, 53), (150000, 55), (200000, 59), (250000, 61), (300000, 65),
    )  # fmt: skip
    return next((seats for limit, seats in scale if population < limit), 69)


def community_seats(populations: dict[str, int], total: int = COMMUNITY_SEATS) -> dict[str, int]:
    """Illustrative apportionment (not L5211-6-1's tableau): one seat per commune, the rest in
    proportion to population by the largest remainder."""
    seats = dict.fromkeys(populations, 1)
    rest = total - len(populations)
    whole = sum(populations.values())
    quotas = {code: rest * pop / whole for code, pop in populations.items()}
    for code, quota in quotas.items():
        seats[code] += int(quota)
    left = total - sum(seats.values())
    by_remainder = sorted(quotas, key=lambda c: (-(quotas[c] - int(quotas[c])), c))
    for code in by_remainder[:left]:
        seats[code] += 1
    return seats


@dataclass(frozen=True)
class Town:
    insee: str
    name: str
    population: int
    sector: str

    @property
    def departement(self) -> str:
        return self.insee[:2]


def read_towns() -> list[Town]:
    with COMMUNES_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: row["code_insee"])
    sectors = assign_sectors({row["code_insee"]: int(row["population"]) for row in rows})
    return [
        Town(row["code_insee"], row["name"], int(row["population"]), sectors[row["code_insee"]])
        for row in rows
    ]


def assign_sectors(populations: dict[str, int]) -> dict[str, str]:
    """ILLUSTRATIVE ONLY: communes by decreasing population are dealt to the six sectors in
    turn, which balances their sizes and says nothing about geography or AMP's real map."""
    ranked = sorted(populations, key=lambda code: (-populations[code], code))
    return {code: SECTORS[i % len(SECTORS)] for i, code in enumerate(ranked)}


class NameSource:
    """Distinct invented (first name, last name) pairs in a seeded order."""

    def __init__(self, rng: random.Random):
        last_names = [f"{a}-{b}" for a in FICTIONAL_WORDS for b in FICTIONAL_WORDS if a != b]
        self.pairs = [(first, last) for first in FIRST_NAMES for last in last_names]
        rng.shuffle(self.pairs)
        self.used = 0

    def next(self) -> tuple[str, str, str]:
        (first_name, civility), last_name = self.pairs[self.used]
        self.used += 1
        return first_name, last_name, civility


@dataclass
class TownPeople:
    mayor: Person
    deputies: list[Person]
    councillors: list[Person]  # every municipal councillor, mayor and deputies first
    community: list[Person]  # community council seats, mayor first
    substitute: Person | None
    delegate: Person  # CLECT
    dgs: Person


@dataclass
class Territory:
    epci: EPCI
    towns: list[Town]
    communes: dict[str, Commune]
    people: dict[str, TownPeople]
    staff: list[Person]
    drivers: list[Person]
    president: Person
    vice_presidents: list[Person]
    bodies: dict[str, Body]
    members: dict[int, list[Membership]] = field(default_factory=dict)  # body pk → memberships
    municipal_councillors: list[Person] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class _People:
    """Person rows built in memory, then written with one bulk_create."""

    def __init__(self, epci: EPCI, names: NameSource):
        self.epci, self.names, self.rows = epci, names, []

    def new(self) -> Person:
        first_name, last_name, civility = self.names.next()
        slug = "-".join(normalise(f"{first_name}.{last_name}").split())
        person = Person(
            epci=self.epci,
            first_name=first_name,
            last_name=last_name,
            civility=civility,
            email=f"{slug}@{EMAIL_DOMAIN}",
            # bulk_create skips Person.save(), which computes match_key: set it here.
            match_key=person_match_key(last_name, first_name),
        )
        self.rows.append(person)
        return person


def build_territory(rng: random.Random, *, batch_size: int) -> Territory:
    towns = read_towns()
    epci = EPCI.objects.create(siren=EPCI_SIREN, name=EPCI_NAME, nature=EPCI.Nature.METRO)
    sectors = {name: Sector.objects.create(epci=epci, name=name) for name in SECTORS}
    Commune.objects.bulk_create(
        Commune(
            insee_code=t.insee,
            name=t.name,
            departement=t.departement,
            population=t.population,
            population_vintage=POPULATION_VINTAGE,
            epci=epci,
            sector=sectors[t.sector],
        )
        for t in towns
    )
    communes = {c.insee_code: c for c in Commune.objects.filter(epci=epci)}
    people = _People(epci, NameSource(rng))
    staff = [people.new() for _ in EPCI_STAFF]
    drivers = [people.new() for _ in range(DRIVERS)]
    seats = community_seats({t.insee: t.population for t in towns})
    by_town = {}
    for town in towns:
        size = municipal_council_size(town.population, town.insee)
        councillors = [people.new() for _ in range(size)]
        deputies = councillors[1 : 1 + int(size * 0.3)]  # at most 30 % (L2122-2)
        community = councillors[: seats[town.insee]]
        by_town[town.insee] = TownPeople(
            mayor=councillors[0],
            deputies=deputies,
            councillors=councillors,
            community=community,
            substitute=councillors[1] if len(community) == 1 else None,
            delegate=councillors[-1],
            dgs=people.new(),
        )
    Person.objects.bulk_create(people.rows, batch_size=batch_size)

    marseille = by_town[MARSEILLE]
    president = marseille.community[len(marseille.deputies) + 1]  # a plain councillor
    largest = sorted(towns, key=lambda t: (-t.population, t.insee))
    vice_presidents = [by_town[t.insee].mayor for t in largest[:VICE_PRESIDENTS]]
    territory = Territory(
        epci=epci,
        towns=towns,
        communes=communes,
        people=by_town,
        staff=staff,
        drivers=drivers,
        president=president,
        vice_presidents=vice_presidents,
        bodies={},
        municipal_councillors=[p for t in by_town.values() for p in t.councillors],
    )
    territory.counts["people"] = len(people.rows)
    territory.counts["mandates"] = _create_mandates(territory, batch_size=batch_size)
    _create_bodies(territory, sectors)
    territory.counts["memberships"] = _create_memberships(territory, rng, batch_size=batch_size)
    return territory


def _word(person: Person, masculine: str, feminine: str) -> str:
    return feminine if person.civility == Person.Civility.MME else masculine


def _create_mandates(t: Territory, *, batch_size: int) -> int:
    K = Mandate.Kind
    rows = []

    def add(person, kind, label, commune=None, *, on_epci=False, **extra):
        extra.setdefault("start_date", MANDATE_START)
        rows.append(
            Mandate(
                person=person,
                kind=kind,
                label=label,
                commune=commune,
                epci=t.epci if on_epci else None,
                source="scale",
                **extra,
            )
        )

    for label, person in zip(EPCI_STAFF, t.staff, strict=True):
        add(person, K.EPCI_STAFF, label, on_epci=True, start_date=None)
    for town in t.towns:
        commune, p = t.communes[town.insee], t.people[town.insee]
        add(p.mayor, K.MAYOR, _word(p.mayor, "Maire", "Maire"), commune)
        for rank, deputy in enumerate(p.deputies, start=1):
            add(deputy, K.DEPUTY_MAYOR, f"{rank}e adjoint(e) au maire", commune, rank=rank)
        for person in p.councillors[1 + len(p.deputies) :]:
            label = _word(person, "Conseiller municipal", "Conseillère municipale")
            add(person, K.MUNICIPAL_COUNCILLOR, label, commune)
        for person in p.community:
            label = _word(person, "Conseiller métropolitain", "Conseillère métropolitaine")
            add(person, K.COMMUNITY_COUNCILLOR, label, commune, on_epci=True)
        if p.substitute:
            add(p.substitute, K.COMMUNITY_SUBSTITUTE, "Suppléant(e)", commune, on_epci=True)
        kind = K.TOWN_CLERK if town.population < 2000 else K.DGS
        add(p.dgs, kind, "Secrétaire de mairie" if kind == K.TOWN_CLERK else "DGS", commune)
    add(t.president, K.PRESIDENT, _word(t.president, "Président", "Présidente"), on_epci=True)
    for rank, vp in enumerate(t.vice_presidents, start=1):
        add(vp, K.VICE_PRESIDENT, f"{rank}e vice-président(e)", on_epci=True, rank=rank)
    Mandate.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def _create_bodies(t: Territory, sectors: dict[str, Sector]) -> None:
    specs = [
        (COUNCIL, BodyKind.COUNCIL, None),
        (BUREAU, BodyKind.BUREAU, None),
        (MAYORS_CONFERENCE, BodyKind.MAYORS_CONFERENCE, None),
        *((territorial_conference(s), BodyKind.TERRITORIAL_CONFERENCE, s) for s in SECTORS),
        *((name, BodyKind.WORKING_GROUP, None) for name in COMMISSIONS),
        (DGS_BOARD, BodyKind.DGS_BOARD, None),
        (CLECT, BodyKind.CLECT, None),
        (TENDER_BOARD, BodyKind.OTHER, None),
    ]
    rows = []
    for name, kind, sector in specs:
        rules = {k: v for k, v in defaults_for(kind).__dict__.items() if k != "source"}
        rows.append(
            Body(
                epci=t.epci,
                name=name,
                kind=kind,
                sector=sectors.get(sector),
                description="Instance générée (données de charge).",
                **rules,
            )
        )
    Body.objects.bulk_create(rows)
    t.bodies = {b.name: b for b in Body.objects.filter(epci=t.epci)}


def _create_memberships(t: Territory, rng: random.Random, *, batch_size: int) -> int:
    Role, By = Membership.Role, Membership.DesignatedBy
    seats: list[tuple[str, Person, str, Town | None, str]] = []
    substitutes: list[tuple[Person, Person, Town]] = []  # (substitute, titular, town)
    vps = set(map(id, t.vice_presidents))

    def seat(body, person, role=Role.MEMBER, town=None, by=By.EX_OFFICIO):
        seats.append((body, person, role, town, by))

    for town in t.towns:
        p = t.people[town.insee]
        for person in p.community:
            role = (
                Role.CHAIR
                if person is t.president
                else Role.VICE_CHAIR
                if id(person) in vps
                else Role.MEMBER
            )
            seat(COUNCIL, person, role, town, By.MUNICIPAL_COUNCIL)
        if p.substitute:
            substitutes.append((p.substitute, p.mayor, town))
        seat(MAYORS_CONFERENCE, p.mayor, town=town)
        seat(territorial_conference(town.sector), p.mayor, town=town)
        seat(DGS_BOARD, p.dgs, town=town)
        seat(CLECT, p.delegate, town=town, by=By.MUNICIPAL_COUNCIL)
    seat(BUREAU, t.president, Role.CHAIR, by=By.COUNCIL)
    for vp in t.vice_presidents:
        seat(BUREAU, vp, Role.VICE_CHAIR, by=By.COUNCIL)
    for body in (MAYORS_CONFERENCE, *map(territorial_conference, SECTORS)):
        seat(body, t.president, Role.CHAIR)
    seat(DGS_BOARD, t.staff[0], Role.CHAIR)
    seat(CLECT, t.staff[4], Role.STAFF)
    council_members = [
        (person, town)
        for town in t.towns
        for person in t.people[town.insee].community
        if person is not t.president and id(person) not in vps
    ]
    for index, name in enumerate(COMMISSIONS):
        seat(name, t.vice_presidents[index], Role.CHAIR, by=By.PRESIDENT)
        seat(name, t.staff[2 + index], Role.STAFF, by=By.PRESIDENT)
        for person, town in rng.sample(council_members, 30):
            seat(name, person, town=town, by=By.COUNCIL)
    for index, (person, town) in enumerate(rng.sample(council_members, 10)):
        seat(TENDER_BOARD, person, Role.MEMBER if index < 5 else Role.SUBSTITUTE, town, By.COUNCIL)

    def row(body, person, role, town, by, substitute_for=None):
        return Membership(
            body=t.bodies[body],
            person=person,
            role=role,
            commune=t.communes[town.insee] if town else None,
            designated_by=by,
            start_date=MANDATE_START,
            substitute_for=substitute_for,
        )

    rows = [row(*s) for s in seats]
    Membership.objects.bulk_create(rows, batch_size=batch_size)
    titular = {(m.body_id, m.person_id): m for m in rows}
    council = t.bodies[COUNCIL]
    extra = [
        row(COUNCIL, sub, Role.SUBSTITUTE, town, By.MUNICIPAL_COUNCIL, titular[council.pk, tit.pk])
        for sub, tit, town in substitutes
    ]
    Membership.objects.bulk_create(extra, batch_size=batch_size)
    for membership in [*rows, *extra]:
        t.members.setdefault(membership.body_id, []).append(membership)
    return len(rows) + len(extra)
