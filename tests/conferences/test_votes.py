"""Vote results (L2121-20): pure rules."""

import pytest

from conferences.sitting.votes import ADOPTED, AGAINST, FOR, REJECTED, decide


@pytest.mark.parametrize(
    "votes_for,votes_against,result",
    [(10, 9, ADOPTED), (9, 10, REJECTED), (1, 0, ADOPTED), (0, 0, REJECTED), (0, 3, REJECTED)],
)
def test_absolute_majority_of_votes_cast(votes_for, votes_against, result):
    outcome = decide(votes_for=votes_for, votes_against=votes_against, secret=False)
    assert outcome.result == result
    assert not outcome.casting_vote_used
    assert outcome.votes_cast == votes_for + votes_against


def test_abstentions_are_not_votes_cast():
    # 5 for, 4 against, 10 abstentions (not passed): adopted, majority of 9 cast is 5.
    outcome = decide(votes_for=5, votes_against=4, secret=False)
    assert outcome.adopted and outcome.majority == 5


@pytest.mark.parametrize("chair,result", [(FOR, ADOPTED), (AGAINST, REJECTED)])
def test_tie_chair_casting_vote_decides(chair, result):
    outcome = decide(votes_for=6, votes_against=6, secret=False, chair_choice=chair)
    assert outcome.result == result
    assert outcome.casting_vote_used


def test_tie_in_secret_ballot_rejects_without_casting_vote():
    outcome = decide(votes_for=6, votes_against=6, secret=True, chair_choice=FOR)
    assert outcome.result == REJECTED
    assert not outcome.casting_vote_used


@pytest.mark.parametrize("chair", [None, "abstain", "not_voting"])
def test_tie_without_a_chair_vote_for_or_against_rejects(chair):
    outcome = decide(votes_for=3, votes_against=3, secret=False, chair_choice=chair)
    assert outcome.result == REJECTED and not outcome.casting_vote_used


def test_no_casting_vote_when_nobody_voted():
    outcome = decide(votes_for=0, votes_against=0, secret=False, chair_choice=FOR)
    assert outcome.result == REJECTED and not outcome.casting_vote_used


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        decide(votes_for=-1, votes_against=0, secret=False)
