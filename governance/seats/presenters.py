"""What the council's seats page shows: the steps with their paragraph, and per commune the
computed seats beside the council's actual members."""

from __future__ import annotations

from dataclasses import dataclass

from governance.models import Body, Commune
from governance.seats.compute import (
    CommuneInput,
    Distribution,
    SeatsError,
    compute_distribution,
    decimal,
)


@dataclass(frozen=True)
class CommuneRow:
    commune: Commune
    councillors: int
    first_round: int
    seat_of_right: bool
    seats_iii_iv: int
    seats: int
    members: int

    @property
    def differs(self) -> bool:
        return self.members != self.seats


@dataclass(frozen=True)
class StepView:
    paragraph: str
    text: str
    awards: tuple[tuple[int, str, str, int, bool], ...]  # order, commune, average, seats, tie
    whole_parts: tuple[tuple[str, str, int], ...]  # commune, population ÷ quotient, whole part


@dataclass(frozen=True)
class SeatsPage:
    body: Body
    distribution: Distribution | None
    error: str
    rows: tuple[CommuneRow, ...]
    steps: tuple[StepView, ...]
    vintages: tuple[int, ...]
    members_without_commune: int

    @property
    def differences(self) -> tuple[CommuneRow, ...]:
        return tuple(row for row in self.rows if row.differs)

    @property
    def members_total(self) -> int:
        return sum(row.members for row in self.rows) + self.members_without_commune


def average(value) -> str:
    return str(decimal(value)).replace(".", ",")


def seats_page(body: Body, communes: list[Commune], members: dict[int | None, int]) -> SeatsPage:
    vintages = tuple(sorted({c.population_vintage for c in communes if c.population_vintage}))
    missing = [c.name for c in communes if c.population is None]
    distribution, error = None, ""
    if missing:
        error = "Population municipale manquante pour : " + ", ".join(missing) + "."
    else:
        try:
            distribution = compute_distribution(
                nature=body.epci.nature,
                siren=body.epci.siren,
                communes=[CommuneInput(c.insee_code, c.name, c.population) for c in communes],
            )
        except SeatsError as exc:
            error = str(exc)
    rows = ()
    if distribution is not None:
        rows = tuple(
            CommuneRow(
                commune=c,
                councillors=distribution.councillors[c.insee_code],
                first_round=distribution.first_round[c.insee_code],
                seat_of_right=c.insee_code in distribution.seats_of_right,
                seats_iii_iv=distribution.seats_iii_iv[c.insee_code],
                seats=distribution.seats[c.insee_code],
                members=members.get(c.pk, 0),
            )
            for c in communes
        )
    steps = ()
    if distribution is not None:
        steps = tuple(
            StepView(
                step.paragraph,
                step.text,
                tuple((a.order, a.name, average(a.average), a.seats, a.tie) for a in step.awards),
                tuple(
                    (w.name, str(decimal(w.exact, 3)).replace(".", ","), w.seats)
                    for w in step.whole_parts
                ),
            )
            for step in distribution.steps
        )
    return SeatsPage(
        body=body,
        distribution=distribution,
        error=error,
        rows=rows,
        steps=steps,
        vintages=vintages,
        members_without_commune=members.get(None, 0),
    )
