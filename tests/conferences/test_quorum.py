"""Quorum item by item (L2121-17): pure rules."""

import pytest

from conferences.sitting.quorum import (
    ARRIVAL,
    DEPARTURE,
    Movement,
    Seat,
    item_quorums,
    presence_by_item,
    quorum_required,
    sitting_members,
)
from governance.rules import QuorumRule


class TestQuorumRequired:
    @pytest.mark.parametrize(
        "in_office,required", [(1, 1), (2, 2), (3, 2), (14, 8), (15, 8), (40, 21), (41, 21)]
    )
    def test_more_than_half_of_the_members_in_office(self, in_office, required):
        assert quorum_required(QuorumRule.MAJORITY_IN_OFFICE, in_office) == required

    @pytest.mark.parametrize("in_office,required", [(3, 1), (9, 3), (10, 4), (20, 7)])
    def test_one_third_rounded_up(self, in_office, required):
        assert quorum_required(QuorumRule.THIRD_IN_OFFICE, in_office) == required

    def test_no_quorum_rule_and_second_convocation_need_nobody(self):
        assert quorum_required(QuorumRule.NONE, 30) == 0
        assert quorum_required(QuorumRule.MAJORITY_IN_OFFICE, 30, second_convocation=True) == 0

    def test_unknown_rule_is_refused(self):
        with pytest.raises(ValueError):
            quorum_required("weird", 10)


def _m(person, kind, index, order):
    return Movement(person_id=person, kind=kind, item_index=index, order=order)


class TestPresence:
    def test_arrival_and_departure_bound_presence(self):
        presence = presence_by_item(
            5, [_m(1, ARRIVAL, 0, 0), _m(2, ARRIVAL, 1, 1), _m(1, DEPARTURE, 3, 2)]
        )
        assert presence == [
            frozenset({1}),
            frozenset({1, 2}),
            frozenset({1, 2}),
            frozenset({2}),
            frozenset({2}),
        ]

    def test_a_late_correction_is_placed_by_its_item(self):
        # Departure at item 2 recorded first, the forgotten arrival at item 0 afterwards.
        presence = presence_by_item(3, [_m(7, DEPARTURE, 2, 0), _m(7, ARRIVAL, 0, 1)])
        assert presence == [frozenset({7}), frozenset({7}), frozenset()]

    def test_same_item_the_later_record_wins(self):
        presence = presence_by_item(2, [_m(7, ARRIVAL, 1, 0), _m(7, DEPARTURE, 1, 1)])
        assert presence == [frozenset(), frozenset()]

    def test_back_after_leaving(self):
        presence = presence_by_item(
            4, [_m(3, ARRIVAL, 0, 0), _m(3, DEPARTURE, 1, 1), _m(3, ARRIVAL, 3, 2)]
        )
        assert [3 in p for p in presence] == [True, False, False, True]


class TestSittingMembers:
    def test_substitute_counts_only_for_an_absent_titular_who_said_so(self):
        seats = [Seat(1, substitute_id=11), Seat(2), Seat(3, substitute_id=None)]
        # 11 replaces 1, who is absent; 13 is a substitute not entitled to sit (titular gave a
        # proxy): not counted.
        assert sitting_members(seats, frozenset({11, 2, 13})) == {11, 2}

    def test_titular_present_takes_the_seat_even_with_the_substitute_there(self):
        assert sitting_members([Seat(1, substitute_id=11)], frozenset({1, 11})) == {1}

    def test_recused_member_is_not_counted(self):
        seats = [Seat(1), Seat(2)]
        assert sitting_members(seats, frozenset({1, 2}), frozenset({2})) == {1}


class TestItemQuorums:
    def test_quorum_checked_item_by_item_with_recusals(self):
        seats = [Seat(n) for n in range(1, 6)]  # 5 in office: 3 required
        moves = [_m(n, ARRIVAL, 0, n) for n in (1, 2, 3)] + [_m(3, DEPARTURE, 2, 10)]
        result = item_quorums(
            rule=QuorumRule.MAJORITY_IN_OFFICE,
            seats=seats,
            item_ids=[100, 200, 300],
            movements=moves,
            recusals={200: frozenset({2})},
        )
        assert [(q.item_id, q.present, q.required, q.reached) for q in result] == [
            (100, 3, 3, True),
            (200, 2, 3, False),  # 2 withdrew from item 200
            (300, 2, 3, False),  # 3 left before item 300
        ]
        assert result[1].missing == 1
        assert all(q.in_office == 5 for q in result)

    def test_second_convocation_has_no_quorum(self):
        result = item_quorums(
            rule=QuorumRule.MAJORITY_IN_OFFICE,
            seats=[Seat(1), Seat(2), Seat(3)],
            item_ids=[1],
            movements=[],
            second_convocation=True,
        )
        assert result[0].reached and result[0].present == 0
