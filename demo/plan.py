"""The fictional content of the demo, computed in memory and deterministically: who holds
which mandate in which commune and who sits on which body. `demo.loader` writes it.

Only the territory is real (demo/data/, see its README). The people are invented, and
obviously so: fixed lists of made-up names, emails on the reserved domain demo.interco.test.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from governance.models import Mandate, Membership, Person
from governance.rules import BodyKind
from governance.text import normalise

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNES_CSV = DATA_DIR / "m2a_mulhouse_alsace_agglomeration_communes.csv"
DEMO_EMAIL_DOMAIN = "demo.interco.test"
ELECTION_DATE = datetime.date(2026, 3, 22)  # municipal (and community) elections of 2026
INSTALLATION_DATE = datetime.date(2026, 4, 15)  # installation of the community council

MULHOUSE = "68224"
ELECTED_COMMUNE = "68278"  # Rixheim: the elected demo account is its (fictional) mayor
DGS_COMMUNE = "68154"  # Illzach: the DGS demo account acts for it

SECTORS = ("Centre", "Nord", "Sud")
# ILLUSTRATIVE ONLY: the real assignment of communes to the m2A sectors is not in the data.
# Mulhouse and some of its immediate neighbours form "Centre"; the other communes, in INSEE
# code order, are split in two halves, the first "Nord" and the second "Sud". This claims
# nothing about geography or about m2A's actual sectors.
CENTRE_COMMUNES = frozenset(
    {MULHOUSE, "68154", "68166", "68256", "68195", "68271", "68056", "68218"}
)

# Obviously invented names. Each person gets a distinct (first name, last name) pair.
DEMO_FIRST_NAMES = (
    ("Alix", "F"), ("Bastien", "M"), ("Capucine", "F"), ("Dorian", "M"), ("Élise", "F"),
    ("Fabrice", "M"), ("Gaëlle", "F"), ("Hugo", "M"), ("Inès", "F"), ("Jules", "M"),
    ("Katell", "F"), ("Lucien", "M"), ("Maëlys", "F"), ("Nathan", "M"), ("Océane", "F"),
    ("Pierrick", "M"), ("Quitterie", "F"), ("Romain", "M"), ("Solène", "F"), ("Théo", "M"),
    ("Ursule", "F"), ("Victor", "M"), ("Wendy", "F"), ("Yannick", "M"), ("Zoé", "F"),
    ("Aurèle", "M"), ("Bérénice", "F"), ("Clovis", "M"), ("Daphné", "F"), ("Émile", "M"),
)  # fmt: skip
DEMO_LAST_NAMES = (
    "Exemplaire", "Fictif", "Démo-Martin", "Testard", "Imaginaire", "Factice",
    "Inventé", "Maquette", "Prototype", "Échantillon", "Simulacre", "Postiche",
)  # fmt: skip

# Vice-presidents, in rank order: the commune whose mayor holds the office, the delegation.
VICE_PRESIDENTS = (
    ("68154", "Mobilités et transports"),
    ("68343", "Transition écologique et climat"),
    ("68376", "Finances et mutualisation"),
    ("68118", "Habitat et politique de la ville"),
)
EPCI_STAFF = {  # key: (label in the masculine, in the feminine)
    "management": ("Directeur général des services", "Directrice générale des services"),
    "secretariat": ("Responsable du secrétariat général",) * 2,
    "mobility": ("Chargé de mission mobilités", "Chargée de mission mobilités"),
    "ecology": ("Chargé de mission transition écologique",
                "Chargée de mission transition écologique"),
    "housing": ("Chargé de mission habitat", "Chargée de mission habitat"),
    "finance": ("Responsable des finances",) * 2,
}  # fmt: skip

COUNCIL = "Conseil communautaire"
BUREAU = "Bureau"
MAYORS_CONFERENCE = "Conférence des maires"
MOBILITY_GROUP = "Groupe de travail Mobilités"
ECOLOGY_GROUP = "Groupe de travail Transition écologique"
DGS_BOARD = "Collégiale des DGS"
CLECT = "CLECT"
HOUSING_COMMITTEE = "Comité de pilotage Habitat"


def territorial_conference(sector: str) -> str:
    return f"Conférence territoriale des maires — {sector}"


# (name, kind, description, sector) of every body: at least one of each BodyKind.
BODIES = (
    (COUNCIL, BodyKind.COUNCIL, "Organe délibérant de la communauté d'agglomération.", None),
    (BUREAU, BodyKind.BUREAU, "Le président et les vice-présidents.", None),
    (MAYORS_CONFERENCE, BodyKind.MAYORS_CONFERENCE, "Les maires des communes membres.", None),
    *((territorial_conference(sector), BodyKind.TERRITORIAL_CONFERENCE,
       f"Les maires du secteur {sector}.", sector) for sector in SECTORS),
    (MOBILITY_GROUP, BodyKind.WORKING_GROUP, "Élus désignés par leur maire.", None),
    (ECOLOGY_GROUP, BodyKind.WORKING_GROUP, "Élus désignés par leur maire.", None),
    (DGS_BOARD, BodyKind.DGS_BOARD, "Les DGS des communes et la direction générale.", None),
    (CLECT, BodyKind.CLECT, "Commission locale d'évaluation des charges transférées.", None),
    (HOUSING_COMMITTEE, BodyKind.OTHER, "Programme local de l'habitat.", None),
)  # fmt: skip


def council_seats(population: int) -> int:
    """Illustrative, not the L5211-6-1 apportionment: one seat plus one per 3,500 inhabitants
    (Mulhouse 30, 23 single-seat communes, 100 seats in all)."""
    return 1 + population // 3500


def deputy_mayors(population: int) -> int:
    return 2 if population >= 10_000 else 1 if population >= 5_000 else 0


@dataclass(frozen=True)
class Town:
    insee: str
    name: str
    population: int
    sector: str


@dataclass(frozen=True)
class PlannedPerson:
    first_name: str
    last_name: str
    civility: str
    email: str

    def word(self, masculine: str, feminine: str) -> str:
        return feminine if self.civility == Person.Civility.MME else masculine


@dataclass(frozen=True)
class PlannedMandate:
    person: PlannedPerson
    commune: str | None  # INSEE code
    on_epci: bool
    extra: dict  # the other Mandate fields


@dataclass(frozen=True)
class PlannedSeat:
    body: str
    person: PlannedPerson
    commune: str | None
    substitute_for: PlannedPerson | None
    extra: dict  # the other Membership fields


@dataclass
class _TownPeople:
    mayor: PlannedPerson
    deputies: list[PlannedPerson]
    councillors: list[PlannedPerson]  # community council seats, mayor first
    substitute: PlannedPerson | None  # suppléant of a single-seat commune (L5211-6)
    delegate: PlannedPerson  # municipal councillor on the CLECT and perhaps a working group
    dgs: PlannedPerson


@dataclass
class Plan:
    people: list[PlannedPerson] = field(default_factory=list)
    mandates: list[PlannedMandate] = field(default_factory=list)
    seats: list[PlannedSeat] = field(default_factory=list)
    account_people: dict[str, PlannedPerson] = field(default_factory=dict)

    def person(self) -> PlannedPerson:
        """The next invented name: first names cycle, the last name shifts at each cycle."""
        cycle, index = divmod(len(self.people), len(DEMO_FIRST_NAMES))
        if cycle >= len(DEMO_LAST_NAMES):
            raise RuntimeError("Plus assez de noms fictifs pour la démonstration.")
        first_name, civility = DEMO_FIRST_NAMES[index]
        last_name = DEMO_LAST_NAMES[(index + cycle) % len(DEMO_LAST_NAMES)]
        slug = "-".join(normalise(f"{first_name}.{last_name}").split())
        person = PlannedPerson(first_name, last_name, civility, f"{slug}@{DEMO_EMAIL_DOMAIN}")
        self.people.append(person)
        return person

    def mandate(self, person, kind, label, commune=None, *, on_epci=False, **extra) -> None:
        extra.setdefault("start_date", ELECTION_DATE)
        self.mandates.append(
            PlannedMandate(person, commune, on_epci, {"kind": kind, "label": label, **extra})
        )

    def seat(
        self,
        body,
        person,
        role=Membership.Role.MEMBER,
        commune=None,
        *,
        by=Membership.DesignatedBy.EX_OFFICIO,
        substitute_for=None,
    ) -> None:
        extra = {"role": role, "designated_by": by}
        self.seats.append(PlannedSeat(body, person, commune, substitute_for, extra))


def _ordinal(rank: int, person: PlannedPerson) -> str:
    return person.word("1er", "1re") if rank == 1 else f"{rank}e"


def _plan_town(plan: Plan, town: Town) -> _TownPeople:
    K = Mandate.Kind
    mayor = plan.person()
    deputies = [plan.person() for _ in range(deputy_mayors(town.population))]
    seats = council_seats(town.population)
    councillors = [mayor, *deputies][:seats]
    councillors += [plan.person() for _ in range(seats - len(councillors))]
    substitute = plan.person() if seats == 1 else None
    t = _TownPeople(
        mayor, deputies, councillors, substitute, delegate=plan.person(), dgs=plan.person()
    )

    plan.mandate(mayor, K.MAYOR, "Maire", town.insee)
    for rank, p in enumerate(deputies, start=1):
        label = f"{_ordinal(rank, p)} {p.word('adjoint', 'adjointe')} au maire"
        plan.mandate(p, K.DEPUTY_MAYOR, label, town.insee, rank=rank)
    for p in councillors:
        label = p.word("Conseiller communautaire", "Conseillère communautaire")
        plan.mandate(p, K.COMMUNITY_COUNCILLOR, label, town.insee, on_epci=True)
    if p := substitute:
        label = p.word("Conseiller communautaire suppléant", "Conseillère communautaire suppléante")
        plan.mandate(p, K.COMMUNITY_SUBSTITUTE, label, town.insee, on_epci=True)
    label = t.delegate.word("Conseiller municipal", "Conseillère municipale")
    plan.mandate(t.delegate, K.MUNICIPAL_COUNCILLOR, label, town.insee)
    if town.population < 2000:  # small communes have a secrétaire de mairie
        plan.mandate(t.dgs, K.TOWN_CLERK, "Secrétaire de mairie", town.insee, start_date=None)
    else:
        label = t.dgs.word(*EPCI_STAFF["management"])
        plan.mandate(t.dgs, K.DGS, label, town.insee, start_date=None)
    return t


def plan_demo(towns: list[Town]) -> Plan:
    K = Mandate.Kind
    plan = Plan()
    staff = {key: plan.person() for key in EPCI_STAFF}
    for key, p in staff.items():
        plan.mandate(p, K.EPCI_STAFF, p.word(*EPCI_STAFF[key]), on_epci=True, start_date=None)
    people = {town.insee: _plan_town(plan, town) for town in towns}

    mulhouse = people[MULHOUSE]
    president = mulhouse.councillors[1 + len(mulhouse.deputies)]  # a plain councillor
    label = president.word("Président", "Présidente")
    plan.mandate(president, K.PRESIDENT, label, on_epci=True, start_date=INSTALLATION_DATE)
    vice_presidents = []
    for rank, (insee, delegation) in enumerate(VICE_PRESIDENTS, start=1):
        vp = people[insee].mayor
        vice_presidents.append(vp)
        label = f"{_ordinal(rank, vp)} {vp.word('vice-président', 'vice-présidente')}"
        plan.mandate(
            vp,
            K.VICE_PRESIDENT,
            label,
            on_epci=True,
            rank=rank,
            delegation=delegation,
            start_date=INSTALLATION_DATE,
        )

    _plan_seats(plan, towns, people, staff, president, vice_presidents)
    plan.account_people = {
        "secretariat": staff["secretariat"],
        "agent": staff["mobility"],
        "elected": people[ELECTED_COMMUNE].mayor,
        "dgs": people[DGS_COMMUNE].dgs,
    }
    return plan


def _plan_seats(plan, towns, people, staff, president, vice_presidents) -> None:
    Role, By = Membership.Role, Membership.DesignatedBy
    vp_mobility, vp_ecology, _, vp_housing = vice_presidents
    seat = plan.seat
    for town in towns:
        t = people[town.insee]
        for p in t.councillors:
            role = Role.VICE_CHAIR if p in vice_presidents else Role.MEMBER
            seat(COUNCIL, p, Role.CHAIR if p == president else role, town.insee)
        if t.substitute:
            seat(COUNCIL, t.substitute, Role.SUBSTITUTE, town.insee, substitute_for=t.mayor)
        seat(MAYORS_CONFERENCE, t.mayor, commune=town.insee)
        seat(territorial_conference(town.sector), t.mayor, commune=town.insee)
        seat(DGS_BOARD, t.dgs, commune=town.insee)
        seat(CLECT, t.delegate, commune=town.insee, by=By.MUNICIPAL_COUNCIL)
        if town.population >= 10_000:
            seat(HOUSING_COMMITTEE, t.mayor, commune=town.insee, by=By.PRESIDENT)
    for body in (MAYORS_CONFERENCE, *map(territorial_conference, SECTORS)):
        seat(body, president, Role.CHAIR)
    seat(BUREAU, president, Role.CHAIR, by=By.COUNCIL)
    for vp in vice_presidents:
        seat(BUREAU, vp, Role.VICE_CHAIR, by=By.COUNCIL)
    seat(DGS_BOARD, staff["management"], Role.CHAIR)
    seat(CLECT, staff["finance"], Role.STAFF)
    seat(HOUSING_COMMITTEE, vp_housing, Role.CHAIR, by=By.PRESIDENT)
    seat(HOUSING_COMMITTEE, staff["housing"], Role.STAFF, by=By.PRESIDENT)
    groups = [(MOBILITY_GROUP, vp_mobility, "mobility"), (ECOLOGY_GROUP, vp_ecology, "ecology")]
    for index, (body, vp, agent) in enumerate(groups):
        seat(body, vp, Role.CHAIR, by=By.PRESIDENT)
        seat(body, staff[agent], Role.STAFF, by=By.PRESIDENT)
        for town in towns[index::3]:  # a third of the communes each
            seat(body, people[town.insee].delegate, commune=town.insee, by=By.MAYOR)
    elected = people[ELECTED_COMMUNE].mayor
    seat(MOBILITY_GROUP, elected, commune=ELECTED_COMMUNE, by=By.MAYOR)


def read_towns() -> list[Town]:
    """The communes of the CSV, in INSEE code order, each with its (illustrative) sector."""
    with COMMUNES_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: row["code_insee"])
    others = [row["code_insee"] for row in rows if row["code_insee"] not in CENTRE_COMMUNES]
    half = (len(others) + 1) // 2
    sector_of = {code: "Nord" if i < half else "Sud" for i, code in enumerate(others)}
    return [
        Town(
            row["code_insee"],
            row["name"],
            int(row["population"]),
            sector_of.get(row["code_insee"], "Centre"),
        )
        for row in rows
    ]
