"""Qualified majorities of the municipal councils (docs/DOMAIN.md §6). Pure: no database, no Django.

- CLECT report, CGI art. 1609 nonies C IV, which refers to the first paragraph of CGCT L5211-5 II
  only: approved when **at least two thirds** of the councils representing **more than half** of
  the population approve it, or **at least half** of the councils representing **at least two
  thirds** of the population ("deux tiers au moins des conseils municipaux ... représentant plus de
  la moitié de la population totale de celles-ci, ou ... la moitié au moins des conseils
  municipaux ... représentant les deux tiers de la population"). No veto of the largest commune.
- Creation or change of perimeter, CGCT L5211-5 II (and L5211-17, L5211-20 which refer to it):
  the same two-way majority **plus** the council of the commune whose population is the largest,
  when it holds **more than a quarter** of the total population.

Populations are the municipal populations in force on the day the question is asked (the caller
passes the figures snapshotted when the consultation was opened). A favourable opinion with
reservations is an approval; an unfavourable opinion, "no opinion", a silence deemed not to
approve and a missing answer are not. Comparisons use integers only (no float rounding): "at
least two thirds of n" is 3·a ≥ 2·n.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CLECT = "clect"
PERIMETER = "perimeter"


@dataclass(frozen=True)
class Council:
    """One consulted commune's council: its population and whether it approved."""

    key: object  # any identifier of the commune (id, INSEE code)
    name: str
    population: int
    approved: bool
    pending: bool = False  # not answered yet and still within its deadline


@dataclass(frozen=True)
class Path:
    """One of the two ways to reach the majority, and how far the approvals are from it."""

    label: str
    councils_needed: int
    population_needed: int
    councils_missing: int
    population_missing: int

    @property
    def reached(self) -> bool:
        return self.councils_missing == 0 and self.population_missing == 0


@dataclass(frozen=True)
class Outcome:
    rule: str
    councils: int
    population: int
    approving_councils: int
    approving_population: int
    paths: tuple[Path, ...]
    largest: Council | None  # the largest commune, when its approval is required
    reached: bool
    still_possible: bool  # whether the pending councils could still make it reached

    @property
    def largest_missing(self) -> bool:
        return self.largest is not None and not self.largest.approved


def _ceil_fraction(total: int, num: int, den: int) -> int:
    """The smallest integer x with den·x ≥ num·total."""
    return -(-num * total // den)


def _paths(councils: int, population: int, yes: int, yes_pop: int) -> tuple[Path, ...]:
    two_thirds_councils = _ceil_fraction(councils, 2, 3)
    more_than_half_pop = population // 2 + 1
    half_councils = _ceil_fraction(councils, 1, 2)
    two_thirds_pop = _ceil_fraction(population, 2, 3)
    return (
        Path(
            "deux tiers des conseils représentant plus de la moitié de la population",
            two_thirds_councils,
            more_than_half_pop,
            max(0, two_thirds_councils - yes),
            max(0, more_than_half_pop - yes_pop),
        ),
        Path(
            "la moitié des conseils représentant les deux tiers de la population",
            half_councils,
            two_thirds_pop,
            max(0, half_councils - yes),
            max(0, two_thirds_pop - yes_pop),
        ),
    )


def _largest_required(councils: list[Council], population: int) -> Council | None:
    """L5211-5 II: the largest commune, if it holds more than a quarter of the population.
    Ties (never seen in practice) go to the first given, which callers order by INSEE code."""
    if not councils:
        return None
    largest = max(councils, key=lambda c: c.population)
    return largest if 4 * largest.population > population else None


def compute(rule: str, councils: Iterable[Council]) -> Outcome:
    """The outcome of `rule` (CLECT or PERIMETER) for the consulted councils."""
    if rule not in (CLECT, PERIMETER):
        raise ValueError(f"Unknown majority rule: {rule!r}")
    councils = list(councils)
    population = sum(c.population for c in councils)
    yes = [c for c in councils if c.approved]
    yes_pop = sum(c.population for c in yes)
    paths = _paths(len(councils), population, len(yes), yes_pop)
    largest = _largest_required(councils, population) if rule == PERIMETER else None
    reached = bool(councils) and any(p.reached for p in paths)
    if largest is not None:
        reached = reached and largest.approved

    could = [c for c in councils if c.approved or c.pending]
    could_pop = sum(c.population for c in could)
    still_possible = bool(councils) and any(
        p.reached for p in _paths(len(councils), population, len(could), could_pop)
    )
    if largest is not None:
        still_possible = still_possible and (largest.approved or largest.pending)
    return Outcome(
        rule=rule,
        councils=len(councils),
        population=population,
        approving_councils=len(yes),
        approving_population=yes_pop,
        paths=paths,
        largest=largest,
        reached=reached,
        still_possible=still_possible,
    )
