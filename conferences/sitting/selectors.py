"""Reads for replies, proxies, attendance, quorum and votes. Each function runs a fixed number of
queries whatever the number of members or items; the rules themselves are in
conferences.sitting.quorum and conferences.sitting.votes (pure).

A sitting is read either as model instances (sitting(), for the pages) or as plain rows
(sitting_rows(), for the PDF sources, which read it on every download): both go through the same
rules below, which only read attributes the rows share with the models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q
from django.shortcuts import get_object_or_404

from conferences import perms
from conferences.models import AgendaItem, AttendanceEvent, Ballot, Proxy, Recusal, Reply, Session
from conferences.sitting import quorum
from governance import legal_calendar
from governance.models import Membership, Person

# Sessions that do not count among the "consecutive sessions" a proxy covers: a draft has not
# been convened (it may never be), a cancelled one never took place.
NOT_A_SITTING = (Session.Status.DRAFT, Session.Status.CANCELLED)


def session_day(session: Session):
    return legal_calendar.legal_day_of(session.starts_at)


# --- Seats and who sits ---------------------------------------------------------------------------


@dataclass
class SeatRow:
    """One seat in office with its titular member, the suppléant if any, and their answers."""

    membership: Membership
    substitute: Membership | None = None
    reply: Reply | None = None
    substitute_reply: Reply | None = None

    @property
    def person(self) -> Person:
        return self.membership.person

    @property
    def substitute_sits(self) -> bool:
        """L5211-6: the suppléant sits when the titular is absent *and has said so*. An answer
        "absent with proxy" keeps the seat with the titular (represented by the proxy)."""
        return (
            self.substitute is not None
            and self.reply is not None
            and self.reply.answer == Reply.Answer.ABSENT
        )

    @property
    def sitter(self) -> Person:
        return self.substitute.person if self.substitute_sits else self.membership.person

    def as_seat(self) -> quorum.Seat:
        return quorum.Seat(
            member_id=self.membership.person_id,
            substitute_id=self.substitute.person_id if self.substitute_sits else None,
        )


def _seat_memberships(session: Session):
    return (
        Membership.objects.current(session_day(session))
        .filter(body_id=session.body_id)
        .filter(Q(role__in=Membership.VOTING_ROLES) | Q(role=Membership.Role.SUBSTITUTE))
        .order_by("person__last_name", "person__first_name", "pk")
    )


def seat_memberships(session: Session) -> list[Membership]:
    """Current titular and substitute memberships of the session's body on the session's day
    (1 query), ordered by name."""
    return list(_seat_memberships(session).select_related("person", "commune"))


def current_replies(session: Session) -> dict[int, Reply]:
    """The current answer of everyone, by person id (1 query)."""
    replies = (
        Reply.objects.filter(session=session, is_current=True)
        .select_related("proxy_holder")
        .order_by()  # keyed by person: the default ordering would only join two tables
    )
    return {r.person_id: r for r in replies}


def who_sits(session: Session, *, replies: dict[int, Reply] | None = None) -> list[SeatRow]:
    """Every seat of the body at this session, and who sits in it (2 queries): the titular
    member, or their suppléant when the titular answered "absent" (L5211-6)."""
    memberships = seat_memberships(session)
    if replies is None:
        replies = current_replies(session)
    return seat_rows(memberships, replies)


def seat_rows(memberships: Iterable[Membership], replies: dict[int, Reply]) -> list[SeatRow]:
    """The seats from the memberships (seat_memberships or membership_rows) and the answers."""
    rows: dict[int, SeatRow] = {}
    for m in memberships:
        if m.role != Membership.Role.SUBSTITUTE:
            rows[m.pk] = SeatRow(membership=m, reply=replies.get(m.person_id))
    for m in memberships:
        if m.role == Membership.Role.SUBSTITUTE and m.substitute_for_id in rows:
            row = rows[m.substitute_for_id]
            if row.substitute is None:
                row.substitute = m
                row.substitute_reply = replies.get(m.person_id)
    return list(rows.values())


def answering_membership(session: Session, person_id: int) -> Membership | None:
    """The membership by which a person may answer this session's convocation: a seat in office
    or the suppléant of one (1 query). Staff and guests do not answer."""
    return (
        Membership.objects.current(session_day(session))
        .filter(body_id=session.body_id, person_id=person_id)
        .filter(
            Q(role__in=Membership.VOTING_ROLES)
            | Q(role=Membership.Role.SUBSTITUTE, substitute_for__isnull=False)
        )
        .order_by("role", "pk")
        .first()
    )


def can_reply(user, session: Session) -> bool:
    return bool(
        user.is_authenticated
        and user.person_id
        and answering_membership(session, user.person_id) is not None
    )


# --- Proxies in force -----------------------------------------------------------------------------


def covered_session_ids(session: Session) -> list[int]:
    """The session and the sittings of the same body just before it, most recent first: a proxy
    given at the n-th of them (0 = this one) covers this session when its session_count > n
    (L2121-20: valid for at most three consecutive sessions). 1 query."""
    return [session.pk, *_earlier_sittings(session)]


def _earlier_sittings(session: Session):
    """The ids of the sittings a proxy given before this session may still cover (a query)."""
    return (
        Session.objects.filter(body_id=session.body_id)
        .exclude(status__in=NOT_A_SITTING)
        .exclude(pk=session.pk)
        .filter(
            Q(starts_at__lt=session.starts_at) | Q(starts_at=session.starts_at, pk__lt=session.pk)
        )
        .order_by("-starts_at", "-pk")
        .values_list("pk", flat=True)[: Proxy.MAX_SESSIONS - 1]
    )


def standing_proxies(session: Session) -> list[Proxy]:
    """Proxies given at this session or at one of the two sittings before it that still cover it,
    most recent first (2 queries)."""
    ids = covered_session_ids(session)
    return _still_covering(ids, _proxies_given_at(session, ids))


def _proxies_given_at(session: Session, ids: list[int]):
    return Proxy.objects.filter(
        body_id=session.body_id, first_session_id__in=ids, revoked_at__isnull=True
    ).order_by("-created_at", "-pk")


def _still_covering(ids: list[int], proxies: Iterable[Proxy]) -> list[Proxy]:
    return [p for p in proxies if ids.index(p.first_session_id) < p.session_count]


def proxies_in_force(
    session: Session,
    *,
    replies: dict[int, Reply] | None = None,
    standing: list[Proxy] | None = None,
) -> dict[int, int]:
    """giver id -> holder id for this session (2 or 3 queries).

    A current "proxy" answer decides; a member who has not answered is still represented by a
    proxy given at one of the two previous sittings for several sessions; any other current
    answer (present, absent) overrides a standing proxy for this session only.
    """
    if replies is None:
        replies = current_replies(session)
    in_force = {
        r.person_id: r.proxy_holder_id
        for r in replies.values()
        if r.answer == Reply.Answer.PROXY and r.proxy_holder_id
    }
    if standing is None:
        standing = standing_proxies(session)
    for proxy in standing:
        if proxy.giver_id not in replies and proxy.giver_id not in in_force:
            in_force[proxy.giver_id] = proxy.holder_id
    return in_force


# --- Attendance and quorum ------------------------------------------------------------------------


def session_items(session: Session) -> list[AgendaItem]:
    """Agenda items in order, with their recusals and vote (2 queries)."""
    return list(
        AgendaItem.objects.filter(session=session)
        .select_related("vote")
        .prefetch_related("recusals")
        .order_by("position", "pk")
    )


def movements(session: Session) -> list[AttendanceEvent]:
    """Arrivals and departures in the order they were recorded (1 query)."""
    return list(
        AttendanceEvent.objects.filter(session=session)
        .select_related("person", "from_item")
        .order_by("recorded_at", "pk")
    )


def to_movements(items: list[AgendaItem], events: list[AttendanceEvent]) -> list[quorum.Movement]:
    index = {item.pk: i for i, item in enumerate(items)}
    return [
        quorum.Movement(
            person_id=e.person_id, kind=e.kind, item_index=index[e.from_item_id], order=n
        )
        for n, e in enumerate(events)
        if e.from_item_id in index
    ]


@dataclass
class Sitting:
    """Everything known about a session in progress: seats, answers, proxies in force,
    arrivals and departures, who is in the room and the quorum at each item."""

    session: Session
    items: list[AgendaItem]
    seats: list[SeatRow]
    replies: dict[int, Reply]
    proxies: dict[int, int]
    events: list[AttendanceEvent]
    presence: list[frozenset[int]]
    quorums: list[quorum.ItemQuorum]
    people: dict[int, Person] = field(default_factory=dict)

    def _position(self, item: AgendaItem) -> int:
        return next(i for i, it in enumerate(self.items) if it.pk == item.pk)

    def quorum_at(self, item: AgendaItem) -> quorum.ItemQuorum:
        return self.quorums[self._position(item)]

    def presence_at(self, item: AgendaItem) -> frozenset[int]:
        return self.presence[self._position(item)]

    def voters_at(self, item: AgendaItem) -> list[tuple[Person, Person | None]]:
        """Who may vote at the item, as (voter, proxy holder) pairs. Each member sitting votes
        for themself (holder None); a holder sitting at the item also votes for the member who
        gave them a proxy, unless that member is in the room or withdrew from the item
        (L2121-20)."""
        sitting = self.quorum_at(item).sitting
        present = self.presence_at(item)
        recused = {r.person_id for r in item.recusals.all()}
        voters: list[tuple[Person, Person | None]] = [
            (self.people[pid], None) for pid in sorted(sitting, key=self._sort_key)
        ]
        for giver_id in sorted(self.proxies, key=self._sort_key):
            holder_id = self.proxies[giver_id]
            if (
                holder_id in sitting
                and giver_id in self.people
                and giver_id not in present
                and giver_id not in recused
            ):
                voters.append((self.people[giver_id], self.people[holder_id]))
        return voters

    def _sort_key(self, person_id: int):
        person = self.people.get(person_id)
        return (person.last_name, person.first_name, person_id) if person else ("", "", person_id)

    def movements_of(self, person_id: int) -> list[AttendanceEvent]:
        return [e for e in self.events if e.person_id == person_id]

    @property
    def quorum_failed(self) -> bool:
        return any(not q.reached for q in self.quorums)


def sitting(session: Session) -> Sitting:
    """Seats, answers, proxies, arrivals and departures, and the quorum at every item of a
    session (8 queries, whatever the number of members and items). `session.body` must be
    loaded."""
    replies = current_replies(session)
    seats = who_sits(session, replies=replies)
    items = session_items(session)
    events = movements(session)
    recusals = {item.pk: frozenset(r.person_id for r in item.recusals.all()) for item in items}
    return _sitting(
        session,
        items=items,
        seats=seats,
        replies=replies,
        events=events,
        recusals=recusals,
        proxies=proxies_in_force(session, replies=replies),
    )


def _sitting(session, *, items, seats, replies, events, recusals, proxies) -> Sitting:
    """The presence and quorum at every item, from what sitting() or sitting_rows() read."""
    moves = to_movements(items, events)
    quorums = quorum.item_quorums(
        rule=session.body.quorum_rule,
        seats=[row.as_seat() for row in seats],
        item_ids=[item.pk for item in items],
        movements=moves,
        recusals=recusals,
        second_convocation=session.origin == Session.Origin.SECOND_CONVOCATION,
    )
    people: dict[int, Person] = {}
    for row in seats:
        people[row.membership.person_id] = row.membership.person
        if row.substitute is not None:
            people[row.substitute.person_id] = row.substitute.person
    return Sitting(
        session=session,
        items=items,
        seats=seats,
        replies=replies,
        proxies=proxies,
        events=events,
        presence=quorum.presence_by_item(len(items), moves),
        quorums=quorums,
        people=people,
    )


# --- The same, as plain rows ----------------------------------------------------------------------
# The PDF sources (conferences.pdf.sources) read the whole sitting on every download to check that
# the stored document is still current: they read it as rows (values_list) carrying the attribute
# names the rules above read, not as a thousand model instances. Only what the attendance needs.


class PersonRow(NamedTuple):
    pk: int
    first_name: str
    last_name: str

    # The model's own definition, so that the rows print names exactly as the models do.
    full_name = property(Person.full_name.fget)


class CommuneRow(NamedTuple):
    name: str


class MembershipRow(NamedTuple):
    pk: int
    role: str
    person_id: int
    substitute_for_id: int | None
    commune_id: int | None
    person: PersonRow
    commune: CommuneRow | None


class ReplyRow(NamedTuple):
    person_id: int
    answer: str
    proxy_holder_id: int | None


class ProxyRow(NamedTuple):
    giver_id: int
    holder_id: int
    first_session_id: int
    session_count: int


class EventRow(NamedTuple):
    person_id: int
    kind: str
    from_item_id: int
    by_video: bool


class ItemKey(NamedTuple):
    pk: int
    position: int


def membership_rows(session: Session) -> list[MembershipRow]:
    """seat_memberships() as rows (1 query)."""
    rows = _seat_memberships(session).values_list(
        "pk",
        "role",
        "person_id",
        "substitute_for_id",
        "commune_id",
        "person__first_name",
        "person__last_name",
        "commune__name",
    )
    return [
        MembershipRow(
            pk,
            role,
            person_id,
            substitute_for_id,
            commune_id,
            PersonRow(person_id, first_name, last_name),
            CommuneRow(commune) if commune_id is not None else None,
        )
        for (
            pk,
            role,
            person_id,
            substitute_for_id,
            commune_id,
            first_name,
            last_name,
            commune,
        ) in rows
    ]


def sitting_rows(session: Session, *, items: list | None = None) -> Sitting:
    """sitting() read as rows: the same seats, answers, proxies in force, presence and quorums,
    for a reader that only prints them (6 queries, 5 given the agenda items in order as any
    objects with `pk` and `position`; +1 when proxies were given, see standing_proxy_rows). Its
    rows are not model instances: no reverse relations (Sitting.voters_at needs sitting()), and
    replies, proxies and events carry only the ids, answer, kind and by_video. `session.body`
    must be loaded."""
    replies = {
        r.person_id: r
        for r in map(
            ReplyRow._make,
            Reply.objects.filter(session=session, is_current=True)
            .order_by()
            .values_list("person_id", "answer", "proxy_holder_id"),
        )
    }
    seats = seat_rows(membership_rows(session), replies)
    if items is None:
        items = list(
            map(
                ItemKey._make,
                AgendaItem.objects.filter(session=session)
                .order_by("position", "pk")
                .values_list("pk", "position"),
            )
        )
    recused: dict[int, set[int]] = {}
    for item_id, person_id in Recusal.objects.filter(item__session=session).values_list(
        "item_id", "person_id"
    ):
        recused.setdefault(item_id, set()).add(person_id)
    events = list(
        map(
            EventRow._make,
            AttendanceEvent.objects.filter(session=session)
            .order_by("recorded_at", "pk")
            .values_list("person_id", "kind", "from_item_id", "by_video"),
        )
    )
    return _sitting(
        session,
        items=items,
        seats=seats,
        replies=replies,
        events=events,
        recusals={item_id: frozenset(people) for item_id, people in recused.items()},
        proxies=proxies_in_force(session, replies=replies, standing=standing_proxy_rows(session)),
    )


def standing_proxy_rows(session: Session) -> list[ProxyRow]:
    """standing_proxies() as rows: 1 query when no proxy was given at this session or at one of
    the two sittings before it (the usual case), 2 otherwise."""
    given = list(
        map(
            ProxyRow._make,
            Proxy.objects.filter(body_id=session.body_id, revoked_at__isnull=True)
            .filter(
                Q(first_session_id=session.pk) | Q(first_session_id__in=_earlier_sittings(session))
            )
            .order_by("-created_at", "-pk")
            .values_list("giver_id", "holder_id", "first_session_id", "session_count"),
        )
    )
    if not given:
        return []
    ids = covered_session_ids(session)
    # The same sittings as the subquery's unless one was added in between: drop, never fail.
    return _still_covering(ids, [p for p in given if p.first_session_id in ids])


# --- Pages ----------------------------------------------------------------------------------------


def session_for_sitting(user, pk: int) -> Session:
    """A session within the user's scope (404 outside it), with its body (1 query)."""
    return get_object_or_404(
        perms.sessions_for(user).select_related("body__epci", "place_commune", "chair"), pk=pk
    )


def item_for_vote(user, pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.filter(session__in=perms.sessions_for(user)).select_related(
            "session__body__epci", "session__chair", "vote"
        ),
        pk=pk,
    )


def ballots_of(item: AgendaItem) -> list[Ballot]:
    if not hasattr(item, "vote"):
        return []
    return list(
        Ballot.objects.filter(vote=item.vote)
        .select_related("person", "cast_by")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def second_convocation_of(session: Session) -> Session | None:
    return (
        Session.objects.filter(first_session=session)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("pk")
        .first()
    )


# --- Attendance board -----------------------------------------------------------------------------


@dataclass
class BoardRow:
    """One line of the attendance board: a titular member, or the suppléant of one."""

    person: Person
    seat: SeatRow
    is_substitute: bool
    reply: Reply | None
    holder: Person | None
    presence: str
    movements: list[AttendanceEvent]

    @property
    def sits(self) -> bool:
        return self.seat.substitute_sits if self.is_substitute else True


def _ranges(positions: list[int]) -> str:
    """[1, 2, 3, 5] -> "1 à 3, 5"."""
    parts, start, previous = [], None, None
    for p in [*positions, None]:
        if start is None:
            start = previous = p
        elif p is not None and p == previous + 1:
            previous = p
        else:
            parts.append(str(start) if start == previous else f"{start} à {previous}")
            start = previous = p
    return ", ".join(parts)


def board_rows(state: Sitting) -> list[BoardRow]:
    positions: dict[int, list[int]] = {}
    for item, present in zip(state.items, state.presence, strict=True):
        for pid in present:
            positions.setdefault(pid, []).append(item.position)
    moves: dict[int, list[AttendanceEvent]] = {}
    for event in state.events:
        moves.setdefault(event.person_id, []).append(event)

    def row(membership: Membership, seat: SeatRow, is_substitute: bool) -> BoardRow:
        pid = membership.person_id
        holder_id = state.proxies.get(pid)
        return BoardRow(
            person=membership.person,
            seat=seat,
            is_substitute=is_substitute,
            reply=state.replies.get(pid),
            holder=state.people.get(holder_id) if holder_id else None,
            presence=_ranges(positions.get(pid, [])),
            movements=moves.get(pid, []),
        )

    rows = []
    for seat in state.seats:
        rows.append(row(seat.membership, seat, False))
        if seat.substitute is not None:
            rows.append(row(seat.substitute, seat, True))
    return rows
