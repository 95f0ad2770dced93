"""Reads of the reply page: the member's answer, its history and the proxies around it."""

from __future__ import annotations

from dataclasses import dataclass

from conferences.models import Proxy, Reply, Session
from conferences.sitting.selectors import proxies_in_force, session_day, standing_proxies
from governance.models import Membership, Person


@dataclass
class ReplyPage:
    membership: Membership
    current: Reply | None
    history: list[Reply]
    colleagues: list[Person]
    standing: Proxy | None
    standing_holder: Person | None
    held_for: list[Person]


def reply_page(session: Session, person_id: int, membership: Membership) -> ReplyPage:
    """The member's answer and its history, the colleagues they may give a proxy to, a proxy
    still covering this session, and the proxies they hold (5 or 6 queries)."""
    history = list(
        Reply.objects.filter(session=session, person_id=person_id)
        .select_related("proxy_holder", "answered_by")
        .order_by("-answered_at", "-pk")
    )
    current = next((r for r in history if r.is_current), None)
    colleagues = list(
        Person.objects.filter(
            memberships__in=Membership.objects.current(session_day(session)).filter(
                body_id=session.body_id, role__in=Membership.VOTING_ROLES
            )
        )
        .exclude(pk=person_id)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    all_standing = standing_proxies(session)
    standing = next((p for p in all_standing if p.giver_id == person_id), None)
    in_force = proxies_in_force(session, standing=all_standing)
    givers = [giver for giver, holder in in_force.items() if holder == person_id]
    held_for = (
        list(Person.objects.filter(pk__in=givers).order_by("last_name", "first_name", "pk"))
        if givers
        else []
    )
    standing_holder = None
    if standing is not None:
        standing_holder = next((c for c in colleagues if c.pk == standing.holder_id), None)
    return ReplyPage(
        membership=membership,
        current=current,
        history=history,
        colleagues=colleagues,
        standing=standing,
        standing_holder=standing_holder,
        held_for=held_for,
    )
