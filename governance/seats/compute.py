"""The droit-commun distribution of the council's seats, L5211-6-1 II to VI CGCT.

A pure computation: no database, no Django. Every step is recorded with the article's own
paragraph number so that a secretariat can check the prefect's order line by line
(docs/DOMAIN.md §9, docs/SEATS.md). Averages and shares are exact fractions: a float would
decide a tie of IV 5° by rounding noise.

The order is the article's: III, then IV 1° to 3° (run again with a smaller table while IV 4°
finds a commune with more seats than municipal councillors), IV 4° bis, V, VI; IV 5° applies
to every award at the highest average.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from governance.seats.tables import (
    AGREEMENT_NATURES,
    AIX_MARSEILLE_PROVENCE_SIREN,
    GRAND_PARIS_SIREN,
    NATURES,
    council_seats,
    municipal_councillors,
)

# V: "10 %" of the seats after III and IV, only when the seats of right exceed "30 %" of the
# table's number; VI: "10 %" at most; IV 4° bis: "20 %" (L5211-6-1 IV, V, VI).
V_THRESHOLD = Fraction(30, 100)
V_RATE = Fraction(10, 100)
VI_RATE = Fraction(10, 100)
AMP_RATE = Fraction(20, 100)


class SeatsError(ValueError):
    """The article cannot be applied to this input; the message is French, for the user."""


@dataclass(frozen=True)
class CommuneInput:
    code: str
    name: str
    population: int
    # L2121-2-1: a small commune's council may be complete with fewer members than L2121-2;
    # its actual number then counts for IV 4°. None: the table's number.
    councillors: int | None = None


@dataclass(frozen=True)
class Award:
    """One seat given at the highest average: population ÷ (seats held + 1)."""

    order: int
    code: str
    name: str
    average: Fraction
    seats: int  # the commune's seats after this award
    tie: bool = False  # IV 5°: given because several communes tied for the last seat


@dataclass(frozen=True)
class WholePart:
    """IV 1°: a commune's population ÷ the quotient, and its whole part."""

    code: str
    name: str
    exact: Fraction
    seats: int


@dataclass(frozen=True)
class Step:
    paragraph: str
    text: str
    seats: tuple[tuple[str, int], ...]  # every commune's seats after the step
    awards: tuple[Award, ...] = ()
    whole_parts: tuple[WholePart, ...] = ()
    communes: tuple[str, ...] = ()  # the communes the step concerns (seats of right, caps)


@dataclass(frozen=True)
class Distribution:
    nature: str
    siren: str
    population: int
    communes: tuple[CommuneInput, ...]
    councillors: Mapping[str, int]
    table_seats: int  # III
    applied_table_seats: int  # the table's number after the reductions of IV 4°
    first_round: Mapping[str, int]  # seats under IV 1°
    seats_of_right: frozenset[str]  # IV 2°
    seats_iii_iv: Mapping[str, int]  # after III and IV: the basis of V, VI and I 2°
    seats: Mapping[str, int]  # the droit-commun distribution (after V)
    v_seats: int  # 0 when V does not apply
    vi_max: int | None  # None when VI is closed
    steps: tuple[Step, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(self.seats.values())

    @property
    def total_iii_iv(self) -> int:
        return sum(self.seats_iii_iv.values())

    def name(self, code: str) -> str:
        return next(c.name for c in self.communes if c.code == code)


def decimal(value: Fraction, places: int = 2) -> Decimal:
    """An exact fraction shown with `places` decimals (display only; rules use the fraction)."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_EVEN
    )


def _n(value: int) -> str:
    """French digit grouping (1 939 077), with a no-break space."""
    return f"{value:,}".replace(",", "\u00a0")


def _avg(value: Fraction) -> str:
    return str(decimal(value)).replace(".", ",")


def _seats_word(count: int) -> str:
    return "siège" if count in (0, 1) else "sièges"


def _remaining(count: int) -> str:
    if count == 0:
        return "aucun ne reste à répartir"
    if count == 1:
        return "1 reste à répartir"
    return f"{count} restent à répartir"


class _Run:
    """Mutable state of one pass; `steps` collects what a secretariat will read."""

    def __init__(self, communes: tuple[CommuneInput, ...]):
        self.communes = communes
        self.pops = {c.code: c.population for c in communes}
        self.names = {c.code: c.name for c in communes}
        self.seats = {c.code: 0 for c in communes}
        self.steps: list[Step] = []

    def snapshot(self) -> tuple[tuple[str, int], ...]:
        return tuple((c.code, self.seats[c.code]) for c in self.communes)

    def step(self, paragraph: str, text: str, **extra) -> None:
        self.steps.append(Step(paragraph, text, self.snapshot(), **extra))

    def highest_average(self, count: int, eligible: Iterable[str]) -> tuple[Award, ...]:
        """Give `count` seats one at a time to the highest population ÷ (seats held + 1).

        IV 5°: when more communes tie for the highest average than seats remain, the last
        seat goes to each of them, so the total may exceed `count`.
        """
        eligible = [code for code in self.seats if code in set(eligible)]
        awards: list[Award] = []
        remaining = count
        while remaining > 0 and eligible:
            averages = {c: Fraction(self.pops[c], self.seats[c] + 1) for c in eligible}
            best = max(averages.values())
            tied = [c for c in eligible if averages[c] == best]
            last_seat_tie = len(tied) > remaining
            # Tied communes below the last seat each get a seat in turn: the one served
            # first drops below the others, who still hold the highest average.
            for code in tied:
                self.seats[code] += 1
                awards.append(
                    Award(
                        len(awards) + 1,
                        code,
                        self.names[code],
                        best,
                        self.seats[code],
                        last_seat_tie,
                    )
                )
            remaining -= len(tied)
        return tuple(awards)

    def record_ties(self, awards: tuple[Award, ...], where: str) -> None:
        tied = [a for a in awards if a.tie]
        if tied:
            names = ", ".join(a.name for a in tied)
            self.step(
                "IV 5°",
                f"Égalité de la plus forte moyenne ({_avg(tied[0].average)}) pour le dernier "
                f"siège ({where}) : chacune de ces communes reçoit un siège : {names}.",
                awards=tuple(tied),
                communes=tuple(a.code for a in tied),
            )


def _validate(nature: str, siren: str, communes: tuple[CommuneInput, ...]) -> None:
    if nature == "MET69":
        raise SeatsError(
            "La Métropole de Lyon n'est pas un EPCI : son conseil suit des règles propres."
        )
    if siren == GRAND_PARIS_SIREN:
        raise SeatsError("La Métropole du Grand Paris suit l'article L5219-9, pas L5211-6-1.")
    if nature not in NATURES:
        raise SeatsError(f"Nature juridique inconnue : {nature!r}.")
    if len(communes) < 2:
        raise SeatsError("Un EPCI regroupe au moins deux communes.")
    codes = [c.code for c in communes]
    if len(set(codes)) != len(codes):
        raise SeatsError("Une commune figure deux fois.")
    for commune in communes:
        if commune.population < 0:
            raise SeatsError(f"Population négative pour {commune.name}.")
        if commune.councillors is not None and commune.councillors < 1:
            raise SeatsError(f"Nombre de conseillers municipaux invalide pour {commune.name}.")
    if sum(c.population for c in communes) == 0:
        raise SeatsError("La population municipale de l'EPCI est nulle.")


def _iv_1_to_3(communes: tuple[CommuneInput, ...], table: int, population: int) -> _Run:
    run = _Run(communes)
    # IV 1°: quotient = the EPCI's population ÷ the seats of the table; each commune first
    # gets the whole part of its population ÷ the quotient.
    quotient = Fraction(population, table)
    whole_parts = []
    for commune in communes:
        exact = Fraction(commune.population * table, population)
        run.seats[commune.code] = commune.population * table // population
        whole_parts.append(WholePart(commune.code, commune.name, exact, run.seats[commune.code]))
    given = sum(run.seats.values())
    run.step(
        "IV 1°",
        f"Quotient : {_n(population)} ÷ {table} = {_avg(quotient)} habitants par siège. "
        f"Les parts entières de population ÷ quotient donnent {given} "
        f"{_seats_word(given)} ; {_remaining(table - given)} à la plus forte moyenne.",
        whole_parts=tuple(whole_parts),
    )
    awards = run.highest_average(table - given, run.seats)
    run.step(
        "IV 1°",
        f"Plus forte moyenne, siège par siège (population ÷ (sièges détenus + 1)) : "
        f"{len(awards)} {_seats_word(len(awards))} "
        f"{'attribué' if len(awards) < 2 else 'attribués'}.",
        awards=awards,
    )
    run.record_ties(awards, "IV 1°")
    run.first_round = dict(run.seats)

    # IV 2°: a commune left without a seat gets one, on top of the table.
    right = tuple(code for code, seats in run.seats.items() if seats == 0)
    for code in right:
        run.seats[code] = 1
    run.right = frozenset(right)
    total = sum(run.seats.values())
    if right:
        text = (
            f"{len(right)} {'commune' if len(right) == 1 else 'communes'} sans siège au 1° "
            f"{'reçoit' if len(right) == 1 else 'reçoivent chacune'} un siège de droit, "
            f"au-delà de l'effectif du tableau : {table} + {len(right)} = {total} sièges."
        )
    else:
        text = "Toutes les communes ont obtenu un siège au 1° : aucun siège de droit."
    run.step("IV 2°", text, communes=right)

    # IV 3°: no commune keeps more than half of the seats; what it loses goes to the others
    # at the highest average, counting the seats they already hold.
    capped = [code for code, seats in run.seats.items() if 2 * seats > total]
    if capped:
        code = capped[0]
        half = total // 2
        lost = run.seats[code] - half
        run.seats[code] = half
        others = [c for c in run.seats if c != code]
        awards = run.highest_average(lost, others)
        run.step(
            "IV 3°",
            f"{run.names[code]} aurait {half + lost} sièges sur {total}, plus de la moitié : "
            f"elle garde la moitié arrondie à l'entier inférieur ({half}) ; "
            + ("le siège retiré va" if lost == 1 else f"les {lost} sièges retirés vont")
            + " aux autres communes à la plus forte moyenne.",
            awards=awards,
            communes=(code,),
        )
        run.record_ties(awards, "IV 3°")
    else:
        run.step(
            "IV 3°",
            f"Aucune commune n'a plus de la moitié des {total} sièges.",
        )
    return run


def compute_distribution(
    *, nature: str, communes: Iterable[CommuneInput], siren: str = ""
) -> Distribution:
    """The droit-commun number and distribution of the seats (L5211-6-1 II to VI).

    `communes` carry the municipal populations authenticated the year before the renewal
    (R5211-1-1); the caller chooses the vintage. Raises SeatsError with a French message when
    the article does not apply.
    """
    communes = tuple(communes)
    _validate(nature, siren, communes)
    population = sum(c.population for c in communes)
    councillors = {}
    councillor_sources = {}
    for commune in communes:
        number, source = municipal_councillors(commune.code, commune.population)
        if commune.councillors is not None:
            number, source = commune.councillors, "L2121-2-1"
        councillors[commune.code] = number
        councillor_sources[commune.code] = source

    table = council_seats(population)
    steps = [
        Step(
            "III",
            f"Population municipale de l'EPCI : {_n(population)} habitants ; le tableau du III "
            f"donne {table} sièges.",
            tuple((c.code, 0) for c in communes),
        )
    ]

    # IV 4°: while a commune gets more seats than it has municipal councillors, the table's
    # number is reduced by the seats needed and IV 1° to 3° are applied again.
    applied = table
    reductions: list[Step] = []
    while True:
        run = _iv_1_to_3(communes, applied, population)
        over = [c for c in communes if run.seats[c.code] > councillors[c.code]]
        if not over:
            break
        names = ", ".join(
            f"{c.name} ({run.seats[c.code]} sièges pour {councillors[c.code]} conseillers "
            f"municipaux, {councillor_sources[c.code]})"
            for c in over
        )
        if applied == 1:
            raise SeatsError("Le plafond du IV 4° ne peut être respecté.")
        reductions.append(
            Step(
                "IV 4°",
                f"Avec {applied} sièges au tableau : {names}. L'effectif est réduit à "
                f"{applied - 1} et les 1° à 3° sont appliqués de nouveau.",
                run.snapshot(),
                communes=tuple(c.code for c in over),
            )
        )
        applied -= 1
    steps.extend(reductions)
    if reductions:
        text = (
            f"Avec {applied} sièges au tableau au lieu de {table}, aucune commune n'a plus de "
            f"sièges que de conseillers municipaux."
        )
    else:
        text = "Aucune commune n'a plus de sièges que de conseillers municipaux."
    run.step("IV 4°", text)

    # IV 4° bis: in Aix-Marseille-Provence, 20 % of the seats of 1° and 2° go to the communes
    # that had seats under 1°, at the highest average counting the seats they hold. The
    # fraction is rounded down, as the Conseil d'État reads the rates of V and VI
    # (CE 15 Nov 2017 n° 410338): a rate of the article is a maximum.
    if siren == AIX_MARSEILLE_PROVENCE_SIREN:
        base = sum(run.seats.values())
        bonus = int(base * AMP_RATE)
        eligible = [code for code, seats in run.first_round.items() if seats > 0]
        awards = run.highest_average(bonus, eligible)
        run.step(
            "IV 4° bis",
            f"Métropole d'Aix-Marseille-Provence : 20 % des {base} sièges répartis aux 1° et "
            f"2° = {_avg(base * AMP_RATE)}, soit {bonus} sièges (entier inférieur), répartis "
            f"à la plus forte moyenne entre les {len(eligible)} communes pourvues au 1°.",
            awards=awards,
        )
        run.record_ties(awards, "IV 4° bis")
    seats_iii_iv = dict(run.seats)
    total_iii_iv = sum(seats_iii_iv.values())

    # V: in CC and CA, seats of right above 30 % of the table's number bring 10 % more seats
    # (rounded down, CE 15 Nov 2017 n° 410338), at the highest average counting the seats
    # already held (docs/DOMAIN.md §9); VI is then closed.
    v_seats = 0
    v_applies = nature in AGREEMENT_NATURES and len(run.right) > V_THRESHOLD * table
    if nature not in AGREEMENT_NATURES:
        run.step("V", "Le V ne concerne que les communautés de communes et d'agglomération.")
    elif v_applies:
        v_seats = int(total_iii_iv * V_RATE)
        awards = run.highest_average(v_seats, run.seats)
        run.step(
            "V",
            f"Sièges de droit : {len(run.right)}, plus de 30 % des {table} sièges du "
            f"tableau ({_avg(V_THRESHOLD * table)}) : 10 % des {total_iii_iv} sièges des III "
            f"et IV = {_avg(total_iii_iv * V_RATE)}, soit {v_seats} sièges de plus "
            f"(entier inférieur), répartis à la plus forte moyenne.",
            awards=awards,
        )
        run.record_ties(awards, "V")
    else:
        run.step(
            "V",
            f"Sièges de droit : {len(run.right)}, pas plus de 30 % des {table} sièges "
            f"du tableau ({_avg(V_THRESHOLD * table)}) : pas de sièges supplémentaires.",
        )

    # VI: optional seats, up to 10 % of the seats of III and IV, rounded down.
    vi_max: int | None = None
    if siren == AIX_MARSEILLE_PROVENCE_SIREN:
        run.step("VI", "Le VI exclut la métropole d'Aix-Marseille-Provence.")
    elif v_applies:
        run.step("VI", "Le V ayant été appliqué, le VI ne peut l'être.")
    else:
        vi_max = int(total_iii_iv * VI_RATE)
        run.step(
            "VI",
            f"Les communes peuvent créer et répartir au plus {vi_max} sièges (10 % des "
            f"{total_iii_iv} sièges des III et IV, entier inférieur), à la majorité qualifiée "
            f"des conseils municipaux ; la part de sièges de chaque commune ne s'écarte pas de "
            f"plus de 20 % de sa part de population.",
        )

    return Distribution(
        nature=nature,
        siren=siren,
        population=population,
        communes=communes,
        councillors=councillors,
        table_seats=table,
        applied_table_seats=applied,
        first_round=run.first_round,
        seats_of_right=run.right,
        seats_iii_iv=seats_iii_iv,
        seats=dict(run.seats),
        v_seats=v_seats,
        vi_max=vi_max,
        steps=tuple(steps) + tuple(run.steps),
    )
