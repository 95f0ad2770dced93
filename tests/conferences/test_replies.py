"""Answers to convocations and proxies (L2121-20, L5211-6)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from conferences.models import Proxy, Reply, Session
from conferences.replies import services as replies
from conferences.replies.services import record_reply, reply_to_convocation
from conferences.sitting.selectors import proxies_in_force, who_sits
from governance.models import AuditEvent, Membership
from tests.conferences.factories import ReplyFactory
from tests.conferences.sitting_setup import account, body_with_members, convened, substitute_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, PROXY, VIDEO = (
    Reply.Answer.PRESENT,
    Reply.Answer.ABSENT,
    Reply.Answer.PROXY,
    Reply.Answer.VIDEO,
)


@pytest.fixture
def council(epci):
    body, members = body_with_members(epci, 6)
    return body, [m.person for m in members]


def answer(person, session, value, holder=None, count=1):
    return reply_to_convocation(
        user=account(person),
        session=session,
        answer=value,
        proxy_holder=holder,
        session_count=count,
    )


class TestAnswers:
    def test_member_answers_and_changes_with_history(self, council):
        body, people = council
        session = convened(body)
        user = account(people[1])
        first = reply_to_convocation(user=user, session=session, answer=PRESENT)
        second = reply_to_convocation(user=user, session=session, answer=VIDEO)
        history = list(Reply.objects.filter(session=session, person=people[1]).order_by("pk"))
        assert [(r.answer, r.is_current) for r in history] == [(PRESENT, False), (VIDEO, True)]
        assert (first.pk, second.pk) == (history[0].pk, history[1].pk)
        assert AuditEvent.objects.filter(action="reply.filed").count() == 2

    def test_same_answer_twice_is_recorded_once(self, council):
        body, people = council
        session = convened(body)
        user = account(people[1])
        reply_to_convocation(user=user, session=session, answer=ABSENT)
        reply_to_convocation(user=user, session=session, answer=ABSENT)
        assert Reply.objects.filter(session=session).count() == 1

    def test_no_change_after_the_session_started(self, council):
        body, people = council
        session = convened(body, days=-1)
        with pytest.raises(ValidationError, match="closes"):
            answer(people[1], session, PRESENT)

    def test_no_answer_before_convening(self, council):
        body, people = council
        session = convened(body, status=Session.Status.DRAFT)
        with pytest.raises(ValidationError):
            answer(people[1], session, PRESENT)

    def test_only_members_in_office_answer(self, council, elected):
        body, _ = council
        session = convened(body)
        MembershipFactory(body=body, person=elected.person, role=Membership.Role.STAFF)
        with pytest.raises(ValidationError, match="membres en exercice"):
            reply_to_convocation(user=elected, session=session, answer=PRESENT)

    def test_former_member_cannot_answer(self, council):
        body, _ = council
        gone = MembershipFactory(body=body, end_date=datetime.date(2021, 1, 1))
        with pytest.raises(ValidationError):
            answer(gone.person, convened(body), PRESENT)

    def test_secretariat_records_on_behalf(self, council, secretariat):
        body, people = council
        session = convened(body)
        reply = record_reply(actor=secretariat, session=session, person=people[2], answer=ABSENT)
        assert reply.answered_by == secretariat and reply.person == people[2]
        event = AuditEvent.objects.get(action="reply.filed")
        assert event.data["on_behalf"] is True

    def test_only_secretariat_records_on_behalf(self, council, outsider):
        body, people = council
        session = convened(body)
        with pytest.raises(PermissionDenied):
            record_reply(actor=account(people[0]), session=session, person=people[2], answer=ABSENT)
        with pytest.raises(PermissionDenied):
            record_reply(actor=outsider, session=session, person=people[2], answer=ABSENT)


class TestProxies:
    def test_proxy_to_a_colleague(self, council):
        body, people = council
        session = convened(body)
        reply = answer(people[1], session, PROXY, holder=people[2])
        assert reply.proxy.holder == people[2] and reply.proxy_holder == people[2]
        assert reply.proxy.first_session == session and reply.proxy.session_count == 1
        assert proxies_in_force(session) == {people[1].pk: people[2].pk}
        assert AuditEvent.objects.filter(action="proxy.given").count() == 1

    def test_no_proxy_where_the_body_does_not_allow_them(self, epci):
        body, members = body_with_members(epci, 3, kind="working_group")
        assert not body.proxies_allowed
        with pytest.raises(ValidationError, match="n'admet pas les pouvoirs"):
            answer(members[0].person, convened(body), PROXY, holder=members[1].person)

    def test_not_to_oneself_nor_outside_the_body(self, council, elected):
        body, people = council
        session = convened(body)
        with pytest.raises(ValidationError, match="vous donner pouvoir"):
            answer(people[1], session, PROXY, holder=people[1])
        with pytest.raises(ValidationError, match="membre en exercice"):
            answer(people[1], session, PROXY, holder=elected.person)
        with pytest.raises(ValidationError, match="collègue"):
            answer(people[1], session, PROXY, holder=None)

    def test_a_member_holds_one_proxy_only(self, council):
        body, people = council
        session = convened(body)
        answer(people[1], session, PROXY, holder=people[3])
        with pytest.raises(ValidationError, match="un seul"):
            answer(people[2], session, PROXY, holder=people[3])
        assert Reply.objects.filter(session=session, person=people[2]).count() == 0
        # Once the first giver withdraws the proxy, the holder is free again.
        answer(people[1], session, PRESENT)
        answer(people[2], session, PROXY, holder=people[3])
        assert proxies_in_force(session) == {people[2].pk: people[3].pk}

    def test_a_holder_cannot_give_their_own_proxy_away(self, council):
        body, people = council
        session = convened(body)
        answer(people[1], session, PROXY, holder=people[3])
        with pytest.raises(ValidationError, match="Vous détenez le pouvoir d'un collègue"):
            answer(people[3], session, PROXY, holder=people[2])
        assert proxies_in_force(session) == {people[1].pk: people[3].pk}
        # Once the colleague takes their proxy back, the former holder may give theirs.
        answer(people[1], session, PRESENT)
        answer(people[3], session, PROXY, holder=people[2])
        assert proxies_in_force(session) == {people[3].pk: people[2].pk}

    def test_database_constraint_catches_the_race(self, council, monkeypatch):
        """Two answers naming the same holder pass the check at the same instant: the unique
        constraint refuses the second one with the same French message."""
        body, people = council
        session = convened(body)
        answer(people[1], session, PROXY, holder=people[3])
        monkeypatch.setattr(replies, "proxies_in_force", lambda session, replies: {})
        with pytest.raises(ValidationError, match="un seul"):
            answer(people[2], session, PROXY, holder=people[3])
        assert not Reply.objects.filter(session=session, person=people[2]).exists()

    def test_the_holder_cannot_be_absent(self, council):
        body, people = council
        session = convened(body)
        answer(people[3], session, ABSENT)
        with pytest.raises(ValidationError, match="absence"):
            answer(people[1], session, PROXY, holder=people[3])

    def test_changing_the_answer_revokes_an_unused_proxy(self, council):
        body, people = council
        session = convened(body)
        first = answer(people[1], session, PROXY, holder=people[2], count=3)
        answer(people[1], session, PROXY, holder=people[4])
        first.proxy.refresh_from_db()
        assert first.proxy.revoked_at is not None
        assert proxies_in_force(session) == {people[1].pk: people[4].pk}
        assert Proxy.objects.filter(giver=people[1]).count() == 2

    def test_proxy_valid_for_three_consecutive_sessions_at_most(self, council):
        body, people = council
        s1, s2, s3, s4 = (convened(body, days=d) for d in (10, 20, 30, 40))
        convened(body, days=25, status=Session.Status.CANCELLED)  # does not count
        convened(body, days=26, status=Session.Status.DRAFT)  # not convened: does not count
        reply = answer(people[1], s1, PROXY, holder=people[2], count=3)
        assert all(proxies_in_force(s) == {people[1].pk: people[2].pk} for s in (s1, s2, s3))
        assert proxies_in_force(s4) == {}
        # Answering for a later session reuses the proxy, it is not given again.
        later = answer(people[1], s2, PROXY, holder=people[2])
        assert later.proxy == reply.proxy
        assert Proxy.objects.count() == 1

    def test_session_count_beyond_three_is_refused(self, council):
        body, people = council
        with pytest.raises(ValidationError, match="trois séances"):
            answer(people[1], convened(body), PROXY, holder=people[2], count=4)

    def test_a_standing_proxy_counts_for_the_one_proxy_rule(self, council):
        body, people = council
        s1, s2 = convened(body, days=10), convened(body, days=20)
        answer(people[1], s1, PROXY, holder=people[2], count=2)
        with pytest.raises(ValidationError, match="un seul"):
            answer(people[3], s2, PROXY, holder=people[2])

    def test_another_answer_overrides_a_standing_proxy_for_that_session_only(self, council):
        body, people = council
        s1, s2, s3 = (convened(body, days=d) for d in (10, 20, 30))
        answer(people[1], s1, PROXY, holder=people[2], count=3)
        answer(people[1], s2, PRESENT)
        assert proxies_in_force(s2) == {}
        assert proxies_in_force(s3) == {people[1].pk: people[2].pk}


class TestSubstitute:
    def test_substitute_sits_when_the_titular_says_absent(self, council):
        body, people = council
        titular = Membership.objects.get(body=body, person=people[4])
        suppleant = substitute_for(titular)
        session = convened(body)
        row = next(r for r in who_sits(session) if r.person == people[4])
        assert row.sitter == people[4] and not row.substitute_sits
        answer(people[4], session, ABSENT)
        row = next(r for r in who_sits(session) if r.person == people[4])
        assert row.substitute_sits and row.sitter == suppleant.person

    def test_a_proxy_keeps_the_seat_with_the_titular(self, council):
        body, people = council
        titular = Membership.objects.get(body=body, person=people[4])
        substitute_for(titular)
        session = convened(body)
        answer(people[4], session, PROXY, holder=people[1])
        row = next(r for r in who_sits(session) if r.person == people[4])
        assert not row.substitute_sits and row.sitter == people[4]

    def test_substitute_answers_but_gives_no_proxy(self, council):
        body, people = council
        suppleant = substitute_for(Membership.objects.get(body=body, person=people[4]))
        session = convened(body)
        assert answer(suppleant.person, session, PRESENT).answer == PRESENT
        with pytest.raises(ValidationError, match="suppléant"):
            answer(suppleant.person, session, PROXY, holder=people[1])

    def test_substitute_cannot_hold_a_proxy(self, council):
        body, people = council
        suppleant = substitute_for(Membership.objects.get(body=body, person=people[4]))
        with pytest.raises(ValidationError, match="membre en exercice"):
            answer(people[1], convened(body), PROXY, holder=suppleant.person)

    def test_seats_count_titulars_only(self, council):
        body, people = council
        substitute_for(Membership.objects.get(body=body, person=people[4]))
        assert len(who_sits(convened(body))) == 6


class TestRaces:
    def test_the_database_refuses_two_current_proxies_to_one_holder(self, council):
        body, people = council
        session = convened(body)
        ReplyFactory(session=session, person=people[1], answer=PROXY, proxy_holder=people[3])
        with pytest.raises(IntegrityError), transaction.atomic():
            ReplyFactory(session=session, person=people[2], answer=PROXY, proxy_holder=people[3])

    @pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite sérialise les écritures : la course réelle tourne en CI sur PostgreSQL.",
    )
    @pytest.mark.django_db(transaction=True)
    def test_two_simultaneous_proxies_to_one_holder_exactly_one_wins(self, council):
        body, people = council
        session = convened(body)
        users = [account(people[1]), account(people[2])]
        barrier = threading.Barrier(2)
        outcomes = []

        def run(i):
            close_old_connections()
            try:
                barrier.wait()
                reply_to_convocation(
                    user=users[i], session=session, answer=PROXY, proxy_holder=people[3]
                )
                outcomes.append("ok")
            except ValidationError as exc:
                outcomes.append(exc.messages[0])
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes)[1] == "ok" and "un seul" in sorted(outcomes)[0]
        assert Reply.objects.filter(session=session, proxy_holder=people[3]).count() == 1
