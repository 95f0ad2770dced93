"""Attendance, quorum per item, votes with proxies, second convocation (L2121-17, L2121-20)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conferences.models import AgendaDocument, AgendaItem, Ballot, Reply, Session, Vote
from conferences.sitting.selectors import sitting
from conferences.sitting.services import (
    BallotInput,
    close_session,
    create_second_convocation,
    mark_session_held,
    record_arrival,
    record_departure,
    record_opinion,
    record_recusal,
    record_vote,
)
from governance import legal_calendar
from governance.models import AuditEvent, Membership
from tests.conferences.factories import AgendaDocumentFactory, ReplyFactory
from tests.conferences.sitting_setup import body_with_members, convened, held, substitute_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(epci):
    """A council of 5 (quorum 3) and a session being held with 3 deliberations."""
    body, members = body_with_members(epci, 5)
    session, items = held(body)
    return session, items, [m.person for m in members]


def arrive(actor, session, people, item):
    for person in people:
        record_arrival(actor=actor, session=session, person=person, from_item=item)


class TestAttendance:
    def test_quorum_follows_arrivals_departures_and_recusals(self, council, secretariat):
        session, items, people = council
        arrive(secretariat, session, people[:3], items[0])
        record_departure(actor=secretariat, session=session, person=people[2], from_item=items[2])
        record_recusal(actor=secretariat, item=items[1], person=people[1])
        state = sitting(session)
        assert [(q.present, q.required, q.reached) for q in state.quorums] == [
            (3, 3, True),
            (2, 3, False),
            (2, 3, False),
        ]
        assert AuditEvent.objects.filter(action="attendance.recorded").count() == 4

    def test_proxies_do_not_count_for_quorum(self, council, secretariat):
        session, items, people = council
        for giver, holder in ((people[3], people[0]), (people[4], people[1])):
            ReplyFactory(
                session=session, person=giver, answer=Reply.Answer.PROXY, proxy_holder=holder
            )
        arrive(secretariat, session, people[:2], items[0])
        state = sitting(session)
        assert state.quorums[0].present == 2 and not state.quorums[0].reached
        assert len(state.voters_at(items[0])) == 4

    def test_substitute_of_an_absent_titular_counts(self, council, secretariat):
        session, items, people = council
        suppleant = substitute_for(Membership.objects.get(person=people[4]))
        ReplyFactory(session=session, person=people[4], answer=Reply.Answer.ABSENT)
        arrive(secretariat, session, [people[0], people[1], suppleant.person], items[0])
        assert sitting(session).quorums[0].reached

    def test_substitute_does_not_count_when_the_titular_did_not_say_absent(
        self, council, secretariat
    ):
        session, items, people = council
        suppleant = substitute_for(Membership.objects.get(person=people[4]))
        arrive(secretariat, session, [people[0], people[1], suppleant.person], items[0])
        assert not sitting(session).quorums[0].reached

    def test_only_members_and_substitutes_are_recorded(self, council, secretariat, elected):
        session, items, _ = council
        with pytest.raises(ValidationError):
            record_arrival(
                actor=secretariat, session=session, person=elected.person, from_item=items[0]
            )

    def test_recusal_is_for_members_and_before_the_vote(self, council, secretariat, elected):
        session, items, people = council
        with pytest.raises(ValidationError, match="membre"):
            record_recusal(actor=secretariat, item=items[0], person=elected.person)
        arrive(secretariat, session, people[:3], items[0])
        record_vote(actor=secretariat, item=items[0], method="hands", votes_for=3)
        with pytest.raises(ValidationError, match="déjà"):
            record_recusal(actor=secretariat, item=items[0], person=people[0])
        record_recusal(actor=secretariat, item=items[1], person=people[0])
        record_recusal(actor=secretariat, item=items[1], person=people[0])  # harmless twice
        assert AuditEvent.objects.filter(action="recusal.recorded").count() == 1

    def test_only_the_secretariat_records(self, council, elected, outsider):
        session, items, people = council
        for actor in (elected, outsider):
            with pytest.raises(PermissionDenied):
                record_arrival(actor=actor, session=session, person=people[0], from_item=items[0])

    def test_item_of_another_session_is_refused(self, council, secretariat):
        session, _, people = council
        other_session, other_items = held(session.body)
        with pytest.raises(ValidationError):
            record_arrival(
                actor=secretariat, session=session, person=people[0], from_item=other_items[0]
            )

    def test_status_transitions(self, epci, secretariat):
        body, _ = body_with_members(epci, 2)
        session = convened(body, days=0)
        assert mark_session_held(actor=secretariat, session=session).status == "held"
        assert mark_session_held(actor=secretariat, session=session).status == "held"
        assert close_session(actor=secretariat, session=session).status == "closed"
        with pytest.raises(ValidationError):
            mark_session_held(actor=secretariat, session=session)
        with pytest.raises(ValidationError):
            record_arrival(
                actor=secretariat,
                session=session,
                person=body.memberships.first().person,
                from_item=AgendaItem.objects.create(session=session, position=1, title="x"),
            )


class TestVotes:
    def test_vote_counts_proxies_and_records_quorum(self, council, secretariat):
        session, items, people = council
        ReplyFactory(
            session=session, person=people[4], answer=Reply.Answer.PROXY, proxy_holder=people[0]
        )
        arrive(secretariat, session, people[:3], items[0])
        vote = record_vote(
            actor=secretariat,
            item=items[0],
            method=Vote.Method.SHOW_OF_HANDS,
            votes_for=3,
            votes_against=1,
        )
        assert vote.result == Vote.Result.ADOPTED
        assert (vote.quorum_present, vote.quorum_required) == (3, 3)
        assert AuditEvent.objects.filter(action="vote.recorded").count() == 1
        with pytest.raises(ValidationError, match="déjà"):
            record_vote(actor=secretariat, item=items[0], method="hands", votes_for=1)

    def test_more_votes_than_voters_is_refused(self, council, secretariat):
        session, items, people = council
        arrive(secretariat, session, people[:3], items[0])
        with pytest.raises(ValidationError, match="votants possibles"):
            record_vote(actor=secretariat, item=items[0], method="hands", votes_for=4)

    def test_no_vote_without_quorum(self, council, secretariat):
        session, items, people = council
        arrive(secretariat, session, people[:2], items[0])
        with pytest.raises(ValidationError, match="quorum n'est pas atteint"):
            record_vote(actor=secretariat, item=items[0], method="hands", votes_for=2)
        assert not Vote.objects.exists()

    def test_recusal_can_break_the_quorum_of_one_item(self, council, secretariat):
        session, items, people = council
        arrive(secretariat, session, people[:3], items[0])
        record_recusal(actor=secretariat, item=items[1], person=people[2])
        record_vote(actor=secretariat, item=items[0], method="hands", votes_for=3)
        with pytest.raises(ValidationError, match="point 2"):
            record_vote(actor=secretariat, item=items[1], method="hands", votes_for=2)

    def test_casting_vote_of_the_chair_on_a_tie(self, council, secretariat):
        session, items, people = council
        arrive(secretariat, session, people[:4], items[0])
        vote = record_vote(
            actor=secretariat,
            item=items[0],
            method="hands",
            votes_for=2,
            votes_against=2,
            chair_choice="for",
        )
        assert vote.result == "adopted" and vote.casting_vote_used

    def test_no_casting_vote_in_a_secret_ballot(self, council, secretariat):
        session, items, people = council
        arrive(secretariat, session, people[:4], items[0])
        vote = record_vote(
            actor=secretariat,
            item=items[0],
            method="secret",
            votes_for=2,
            votes_against=2,
            chair_choice="for",
        )
        assert vote.result == "rejected" and not vote.casting_vote_used

    def test_roll_call_names_each_vote_including_proxies(self, council, secretariat):
        session, items, people = council
        chair, a, b, c, giver = people
        ReplyFactory(session=session, person=giver, answer=Reply.Answer.PROXY, proxy_holder=a)
        arrive(secretariat, session, [chair, a, b, c], items[0])
        ballots = [
            BallotInput(chair, "for"),
            BallotInput(a, "for"),
            BallotInput(giver, "against", cast_by=a),
            BallotInput(b, "against"),
            BallotInput(c, "abstain"),
        ]
        vote = record_vote(actor=secretariat, item=items[0], method="roll_call", ballots=ballots)
        # 2 for, 2 against: the chair voted for, their casting vote decides.
        assert (vote.votes_for, vote.votes_against, vote.abstentions) == (2, 2, 1)
        assert vote.result == "adopted" and vote.casting_vote_used
        named = {
            (bl.person_id, bl.choice, bl.cast_by_id) for bl in Ballot.objects.filter(vote=vote)
        }
        assert (giver.pk, "against", a.pk) in named and (b.pk, "against", None) in named

    def test_roll_call_refuses_a_proxy_ballot_not_cast_by_the_holder(self, council, secretariat):
        session, items, people = council
        chair, a, b, c, giver = people
        ReplyFactory(session=session, person=giver, answer=Reply.Answer.PROXY, proxy_holder=a)
        arrive(secretariat, session, [chair, a, b], items[0])
        with pytest.raises(ValidationError, match="mandataire"):
            record_vote(
                actor=secretariat,
                item=items[0],
                method="roll_call",
                ballots=[BallotInput(giver, "for", cast_by=b)],
            )
        with pytest.raises(ValidationError, match="ni présent"):
            record_vote(
                actor=secretariat,
                item=items[0],
                method="roll_call",
                ballots=[BallotInput(c, "for")],
            )

    def test_a_proxy_lapses_when_the_giver_is_in_the_room(self, council, secretariat):
        session, items, people = council
        ReplyFactory(
            session=session, person=people[4], answer=Reply.Answer.PROXY, proxy_holder=people[0]
        )
        arrive(secretariat, session, [people[0], people[1], people[4]], items[0])
        assert len(sitting(session).voters_at(items[0])) == 3

    def test_opinion_item(self, council, secretariat):
        session, items, people = council
        item = AgendaItem.objects.create(
            session=session, position=9, title="Avis", kind=AgendaItem.Kind.OPINION
        )
        record_opinion(actor=secretariat, item=item, opinion="Avis favorable.")
        item.refresh_from_db()
        assert item.opinion == "Avis favorable."
        with pytest.raises(ValidationError):
            record_opinion(actor=secretariat, item=items[0], opinion="Avis")
        with pytest.raises(ValidationError):
            record_vote(actor=secretariat, item=item, method="hands", votes_for=1)


class TestSecondConvocation:
    def _later(self, session, days):
        return session.starts_at + datetime.timedelta(days=days)

    def test_creates_a_draft_with_the_same_agenda(self, council, secretariat):
        session, items, people = council
        AgendaDocumentFactory(item=items[1])
        arrive(secretariat, session, people[:2], items[0])
        earliest = legal_calendar.second_convocation_earliest(
            legal_calendar.legal_day_of(session.starts_at)
        )
        starts_at = timezone.make_aware(datetime.datetime.combine(earliest, datetime.time(18)))
        second = create_second_convocation(actor=secretariat, session=session, starts_at=starts_at)
        assert second.origin == Session.Origin.SECOND_CONVOCATION
        assert second.status == Session.Status.DRAFT and second.first_session == session
        assert (second.body, second.place_commune) == (session.body, session.place_commune)
        copied = list(second.items.order_by("position"))
        assert [(i.title, i.kind) for i in copied] == [(i.title, i.kind) for i in items]
        document = AgendaDocument.objects.get(item__session=second)
        assert document.file.name == items[1].documents.get().file.name
        assert AuditEvent.objects.filter(action="second_convocation.created").count() == 1
        # Twice: the same one.
        again = create_second_convocation(actor=secretariat, session=session, starts_at=starts_at)
        assert again == second

    def test_at_least_three_clear_days_later(self, council, secretariat):
        session, items, _ = council
        with pytest.raises(ValidationError, match="au plus tôt"):
            create_second_convocation(
                actor=secretariat, session=session, starts_at=self._later(session, 3)
            )
        assert not Session.objects.filter(first_session=session).exists()
        assert create_second_convocation(
            actor=secretariat, session=session, starts_at=self._later(session, 4)
        )

    def test_only_when_the_quorum_failed(self, council, secretariat):
        session, items, people = council
        arrive(secretariat, session, people[:3], items[0])
        with pytest.raises(ValidationError, match="quorum est atteint"):
            create_second_convocation(
                actor=secretariat, session=session, starts_at=self._later(session, 10)
            )

    def test_second_convocation_votes_without_quorum(self, council, secretariat):
        session, items, people = council
        second = create_second_convocation(
            actor=secretariat, session=session, starts_at=self._later(session, 10)
        )
        second.status = Session.Status.HELD
        second.save()
        item = second.items.first()
        record_arrival(actor=secretariat, session=second, person=people[0], from_item=item)
        vote = record_vote(actor=secretariat, item=item, method="hands", votes_for=1)
        assert vote.result == "adopted" and vote.quorum_required == 0
        with pytest.raises(ValidationError, match="déjà une seconde"):
            create_second_convocation(
                actor=secretariat, session=second, starts_at=self._later(second, 10)
            )

    def test_items_already_voted_are_not_copied(self, council, secretariat):
        session, items, people = council
        arrive(secretariat, session, people[:3], items[0])
        record_vote(actor=secretariat, item=items[0], method="hands", votes_for=3)
        record_departure(actor=secretariat, session=session, person=people[2], from_item=items[1])
        second = create_second_convocation(
            actor=secretariat, session=session, starts_at=self._later(session, 10)
        )
        assert [i.title for i in second.items.order_by("position")] == ["Point 2", "Point 3"]
