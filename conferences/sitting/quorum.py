"""Quorum, item by item (L2121-17, applied to EPCIs by L5211-1). Pure functions on plain data:
the selectors read the rows, these functions decide.

- The quorum counts the members **in office** (the seats: chair, vice-chairs and titular members,
  Membership.VOTING_ROLES) and the members **present**; proxies are not counted.
- A suppléant (single-seat commune, L5211-6) fills the seat of a titular member who is absent and
  has said so: a present suppléant counts for that seat, never in addition to the titular.
- Presence is checked at each agenda item, from the arrivals and departures the secretariat
  records ("from item n on"); a member who withdraws from an item (déport, conflict of interest)
  is not counted present for it. The number in office does not change: the law's denominator is
  the "membres en exercice".
- A second convocation after a first meeting without quorum deliberates without quorum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from governance.rules import QuorumRule

ARRIVAL = "arrival"
DEPARTURE = "departure"


@dataclass(frozen=True)
class Seat:
    """One seat in office: its titular member, and the suppléant who may sit in their place
    (set only when the titular is absent and has said so, L5211-6)."""

    member_id: int
    substitute_id: int | None = None


@dataclass(frozen=True)
class Movement:
    """An arrival or a departure, counted from the item at `item_index` (0-based) on. `order`
    breaks ties between two movements at the same item: the later recorded wins."""

    person_id: int
    kind: str
    item_index: int
    order: int


@dataclass(frozen=True)
class ItemQuorum:
    item_id: int
    in_office: int
    present: int
    required: int
    # The people counted present for the item, one per seat (titular or suppléant).
    sitting: frozenset[int]

    @property
    def reached(self) -> bool:
        return self.present >= self.required

    @property
    def missing(self) -> int:
        return max(self.required - self.present, 0)


def quorum_required(rule: str, in_office: int, *, second_convocation: bool = False) -> int:
    """How many members must be present.

    MAJORITY_IN_OFFICE (L2121-17): "la majorité de ses membres en exercice", i.e. more than half:
    floor(n / 2) + 1 (8 of 14, 8 of 15). THIRD_IN_OFFICE: at least one third, rounded up.
    NONE: no quorum. A second convocation deliberates "valablement sans condition de quorum"
    (L2121-17, second paragraph).
    """
    if second_convocation or rule == QuorumRule.NONE or in_office <= 0:
        return 0
    if rule == QuorumRule.MAJORITY_IN_OFFICE:
        return in_office // 2 + 1
    if rule == QuorumRule.THIRD_IN_OFFICE:
        return -(-in_office // 3)
    raise ValueError(f"Règle de quorum inconnue : {rule!r}")


def presence_by_item(item_count: int, movements: Iterable[Movement]) -> list[frozenset[int]]:
    """Who is in the room at each item (index 0..item_count-1).

    A person is present at item i when the latest of their movements at or before i (by item,
    then by recording order) is an arrival: "arrived at item 2, left at item 5" means present at
    items 2, 3 and 4. Movements recorded late or out of order are placed by their item, so the
    secretariat can correct a forgotten arrival afterwards.
    """
    by_person: dict[int, list[Movement]] = {}
    for movement in movements:
        by_person.setdefault(movement.person_id, []).append(movement)
    present: list[set[int]] = [set() for _ in range(item_count)]
    for person_id, moves in by_person.items():
        moves.sort(key=lambda m: (m.item_index, m.order))
        state, cursor = False, 0
        for index in range(item_count):
            while cursor < len(moves) and moves[cursor].item_index <= index:
                state = moves[cursor].kind == ARRIVAL
                cursor += 1
            if state:
                present[index].add(person_id)
    return [frozenset(p) for p in present]


def sitting_members(
    seats: Sequence[Seat], present: frozenset[int], recused: frozenset[int] = frozenset()
) -> frozenset[int]:
    """One person per filled seat: the titular if present, else the suppléant entitled to sit
    if present; anyone who withdrew from the item (déport) does not count."""
    sitting = set()
    for seat in seats:
        if seat.member_id in present:
            if seat.member_id not in recused:
                sitting.add(seat.member_id)
        elif (
            seat.substitute_id is not None
            and seat.substitute_id in present
            and seat.substitute_id not in recused
        ):
            sitting.add(seat.substitute_id)
    return frozenset(sitting)


def item_quorums(
    *,
    rule: str,
    seats: Sequence[Seat],
    item_ids: Sequence[int],
    movements: Iterable[Movement],
    recusals: dict[int, frozenset[int]] | None = None,
    second_convocation: bool = False,
) -> list[ItemQuorum]:
    """The quorum at every item of a session, in agenda order."""
    recusals = recusals or {}
    in_office = len(seats)
    required = quorum_required(rule, in_office, second_convocation=second_convocation)
    presence = presence_by_item(len(item_ids), movements)
    result = []
    for item_id, present in zip(item_ids, presence, strict=True):
        sitting = sitting_members(seats, present, recusals.get(item_id, frozenset()))
        result.append(
            ItemQuorum(
                item_id=item_id,
                in_office=in_office,
                present=len(sitting),
                required=required,
                sitting=sitting,
            )
        )
    return result
