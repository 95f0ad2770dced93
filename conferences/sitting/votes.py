"""The result of a vote (L2121-20, applied to EPCIs by L5211-1). Pure functions.

- "Les délibérations sont prises à la majorité absolue des suffrages exprimés": only the votes for
  and against are cast (suffrages exprimés). Abstentions, blank votes and members who do not take
  part in the vote are not cast and do not count in the majority.
- A proposal is adopted with more votes for than half of the votes cast, i.e. more for than
  against.
- "Lorsqu'il y a partage égal des voix et sauf cas de scrutin secret, la voix du président est
  prépondérante": on a tie the side the chair voted for wins; in a secret ballot a tie rejects the
  proposal. A chair who abstained or did not vote has no casting vote to give: the tie rejects.
"""

from __future__ import annotations

from dataclasses import dataclass

FOR = "for"
AGAINST = "against"
ADOPTED = "adopted"
REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    result: str
    casting_vote_used: bool
    votes_cast: int
    # The smallest number of votes for that adopts the proposal without a casting vote.
    majority: int

    @property
    def adopted(self) -> bool:
        return self.result == ADOPTED


def decide(
    *, votes_for: int, votes_against: int, secret: bool, chair_choice: str | None = None
) -> Outcome:
    """Adopted or rejected, and whether the chair's casting vote decided (L2121-20)."""
    if votes_for < 0 or votes_against < 0:
        raise ValueError("Les nombres de voix ne peuvent pas être négatifs.")
    cast = votes_for + votes_against
    majority = cast // 2 + 1
    if votes_for != votes_against:
        result = ADOPTED if votes_for > votes_against else REJECTED
        return Outcome(result=result, casting_vote_used=False, votes_cast=cast, majority=majority)
    # A tie (including no vote cast at all).
    if cast and not secret and chair_choice in (FOR, AGAINST):
        result = ADOPTED if chair_choice == FOR else REJECTED
        return Outcome(result=result, casting_vote_used=True, votes_cast=cast, majority=majority)
    return Outcome(result=REJECTED, casting_vote_used=False, votes_cast=cast, majority=majority)
