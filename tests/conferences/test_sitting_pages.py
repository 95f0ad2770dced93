"""Reply, attendance, vote and second convocation pages: personas and pinned query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.models import AgendaItem, AttendanceEvent, Reply, Session, Vote
from governance.models import Membership
from tests.conferences.factories import ReplyFactory
from tests.conferences.sitting_setup import (
    account,
    body_with_members,
    convened,
    held,
    substitute_for,
    with_items,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(epci):
    body, members = body_with_members(epci, 5)
    return body, [m.person for m in members]


def _url(name, pk):
    return reverse(name, kwargs={"pk": pk})


class TestReplyPage:
    def test_member_sees_form_and_answers_with_a_proxy(self, client, council):
        body, people = council
        session = convened(body)
        client.force_login(account(people[1]))
        page = client.get(_url("conferences:session_reply", session.pk))
        assert page.status_code == 200
        assert "<legend>Ma réponse</legend>" in page.content.decode()
        response = client.post(
            _url("conferences:session_reply", session.pk),
            {"answer": "proxy", "proxy_holder": people[2].pk, "session_count": 2},
        )
        assert response.status_code == 302
        reply = Reply.objects.get(session=session, person=people[1], is_current=True)
        assert reply.proxy_holder == people[2] and reply.proxy.session_count == 2
        page = client.get(_url("conferences:session_reply", session.pk)).content.decode()
        assert "Historique de mes réponses" in page and "actuelle" in page

    def test_rule_errors_are_shown_in_french(self, client, council):
        body, people = council
        session = convened(body)
        ReplyFactory(session=session, person=people[3], answer="proxy", proxy_holder=people[2])
        client.force_login(account(people[1]))
        response = client.post(
            _url("conferences:session_reply", session.pk),
            {"answer": "proxy", "proxy_holder": people[2].pk, "session_count": 1},
        )
        assert response.status_code == 200
        assert "ne peut en détenir qu&#x27;un" in response.content.decode()

    def test_no_proxy_choice_where_not_allowed(self, client, epci):
        body, members = body_with_members(epci, 3, kind="working_group")
        client.force_login(account(members[1].person))
        page = client.get(_url("conferences:session_reply", convened(body).pk)).content.decode()
        assert 'value="proxy"' not in page and "proxy_holder" not in page

    def test_closed_after_start(self, client, council):
        body, people = council
        session, _ = held(body)
        client.force_login(account(people[1]))
        page = client.get(_url("conferences:session_reply", session.pk)).content.decode()
        assert "Les réponses sont closes" in page and "Enregistrer ma réponse" not in page

    def test_personas(self, client, council, elected, secretariat, outsider, private_body):
        body, people = council  # the council is public: everyone of the EPCI sees it
        session = convened(body)
        url = _url("conferences:session_reply", session.pk)
        client.force_login(elected)  # sees the session, does not sit on the body
        assert client.get(url).status_code == 403
        client.force_login(secretariat)
        assert client.get(url).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        private = convened(private_body)
        client.force_login(account(people[1]))  # not on the private working group
        assert client.get(_url("conferences:session_reply", private.pk)).status_code == 404
        client.force_login(elected)
        assert client.get(_url("conferences:session_reply", private.pk)).status_code == 200

    def test_substitute_may_answer(self, client, council):
        body, people = council
        suppleant = substitute_for(Membership.objects.get(body=body, person=people[4]))
        client.force_login(account(suppleant.person))
        page = client.get(_url("conferences:session_reply", convened(body).pk))
        assert page.status_code == 200 and 'value="proxy"' not in page.content.decode()

    @pytest.mark.parametrize("size", [5, 40])
    def test_query_count(self, client, epci, size, django_assert_num_queries):
        body, members = body_with_members(epci, size)
        session = convened(body)
        people = [m.person for m in members]
        for n, person in enumerate(people[2:], start=2):
            if n % 3 == 0:
                ReplyFactory(session=session, person=person, answer="present")
        for _ in range(3):
            ReplyFactory(session=session, person=people[1], answer="absent", is_current=False)
        ReplyFactory(session=session, person=people[1], answer="proxy", proxy_holder=people[0])
        user = account(people[1])
        client.force_login(user)
        with django_assert_num_queries(10):
            assert client.get(_url("conferences:session_reply", session.pk)).status_code == 200


class TestAttendancePage:
    def test_secretariat_records_arrivals_with_htmx_and_sees_the_quorum(
        self, client, council, secretariat
    ):
        body, people = council
        session, items = held(body)
        client.force_login(secretariat)
        url = _url("conferences:session_attendance", session.pk)
        page = client.get(url).content.decode()
        assert "Quorum point par point" in page and "Non atteint" in page
        for person in people[:3]:
            response = client.post(
                url,
                {
                    "action": "movement",
                    "person": person.pk,
                    "from_item": items[0].pk,
                    "kind": "arrival",
                },
                HTTP_HX_REQUEST="true",
            )
            assert response.status_code == 200
        fragment = response.content.decode()
        assert fragment.startswith('<div id="tableau-seance"') and "<html" not in fragment
        assert fragment.count("Atteint") == 3
        assert AttendanceEvent.objects.filter(session=session).count() == 3

    def test_plain_post_fallback_redirects_with_message(self, client, council, secretariat):
        body, people = council
        session, items = held(body)
        client.force_login(secretariat)
        url = _url("conferences:session_attendance", session.pk)
        response = client.post(
            url,
            {
                "action": "movement",
                "person": people[0].pk,
                "from_item": items[1].pk,
                "kind": "departure",
            },
        )
        assert response.status_code == 302 and response["Location"] == url
        response = client.post(
            url, {"action": "recusal", "person": people[0].pk, "item": items[2].pk}, follow=True
        )
        assert items[2].recusals.filter(person=people[0]).exists()
        assert "Enregistré." in response.content.decode()

    def test_errors_are_shown(self, client, council, secretariat):
        body, people = council
        session, items = held(body)
        session.status = Session.Status.CLOSED
        session.save()
        client.force_login(secretariat)
        response = client.post(
            _url("conferences:session_attendance", session.pk),
            {
                "action": "movement",
                "person": people[0].pk,
                "from_item": items[0].pk,
                "kind": "arrival",
            },
            HTTP_HX_REQUEST="true",
        )
        assert "rien ne peut plus y être enregistré" in response.content.decode()

    def test_secretariat_records_an_answer_on_behalf(self, client, council, secretariat):
        body, people = council
        session = convened(body)
        with_items(session, 2)
        client.force_login(secretariat)
        url = _url("conferences:session_attendance", session.pk)
        assert "Enregistrer une réponse reçue" in client.get(url).content.decode()
        data = {
            "action": "reply",
            "person": people[1].pk,
            "answer": "proxy",
            "proxy_holder": people[2].pk,
            "session_count": 1,
        }
        client.post(url, data)
        reply = Reply.objects.get(session=session, person=people[1], is_current=True)
        assert reply.proxy_holder == people[2] and reply.answered_by == secretariat
        data["person"] = people[3].pk
        response = client.post(url, data, follow=True)
        assert "un seul" in response.content.decode()

    def test_open_and_close(self, client, council, secretariat):
        body, _ = council
        session = convened(body, days=0)
        with_items(session, 1)
        client.force_login(secretariat)
        client.post(_url("conferences:session_attendance", session.pk), {"action": "held"})
        session.refresh_from_db()
        assert session.status == Session.Status.HELD
        client.post(_url("conferences:session_attendance", session.pk), {"action": "close"})
        session.refresh_from_db()
        assert session.status == Session.Status.CLOSED

    @pytest.mark.parametrize(
        "name", ["conferences:session_attendance", "conferences:session_second_convocation"]
    )
    def test_personas(self, client, council, secretariat, outsider, epci, name):
        body, people = council
        session, _ = held(body)
        url = _url(name, session.pk)
        client.force_login(secretariat)
        assert client.get(url).status_code == 200
        client.force_login(account(people[0]))  # the chair: sits, but is not the secretariat
        assert client.get(url).status_code == 403
        client.force_login(UserFactory(epci=epci, agent=True))
        assert client.get(url).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("members,items", [(5, 3), (40, 20)])
    def test_query_count(
        self, client, epci, secretariat, members, items, django_assert_num_queries
    ):
        body, memberships = body_with_members(epci, members)
        session, agenda = held(body, items=items)
        people = [m.person for m in memberships]
        for m in memberships[::4]:
            substitute_for(m)
        for person in people[: members // 2]:
            AttendanceEvent.objects.create(
                session=session, person=person, kind="arrival", from_item=agenda[0]
            )
        AttendanceEvent.objects.create(
            session=session, person=people[0], kind="departure", from_item=agenda[-1]
        )
        ReplyFactory(session=session, person=people[-1], answer="proxy", proxy_holder=people[1])
        ReplyFactory(session=session, person=people[-2], answer="absent")
        client.force_login(secretariat)
        with django_assert_num_queries(12):
            assert client.get(_url("conferences:session_attendance", session.pk)).status_code == 200


class TestVotePage:
    def test_show_of_hands(self, client, council, secretariat):
        body, people = council
        session, items = held(body)
        for person in people[:3]:
            AttendanceEvent.objects.create(
                session=session, person=person, kind="arrival", from_item=items[0]
            )
        client.force_login(secretariat)
        url = _url("conferences:item_vote", items[0].pk)
        assert "Saisir le vote" in client.get(url).content.decode()
        response = client.post(url, {"method": "hands", "votes_for": 2, "votes_against": 1})
        assert response.status_code == 302
        assert Vote.objects.get(item=items[0]).result == "adopted"
        assert "Résultat : Adopté" in client.get(url).content.decode()

    def test_refused_without_quorum(self, client, council, secretariat):
        body, _ = council
        session, items = held(body)
        client.force_login(secretariat)
        response = client.post(
            _url("conferences:item_vote", items[0].pk), {"method": "hands", "votes_for": 0}
        )
        assert response.status_code == 200
        assert "quorum n&#x27;est pas atteint" in response.content.decode()
        assert not Vote.objects.exists()

    def test_roll_call_with_a_proxy(self, client, council, secretariat):
        body, people = council
        session, items = held(body)
        chair, a, b, c, giver = people
        ReplyFactory(session=session, person=giver, answer="proxy", proxy_holder=a)
        for person in (chair, a, b):
            AttendanceEvent.objects.create(
                session=session, person=person, kind="arrival", from_item=items[0]
            )
        client.force_login(secretariat)
        url = _url("conferences:item_vote", items[0].pk)
        response = client.post(
            url,
            {
                "method": "roll_call",
                f"ballot_{chair.pk}": "for",
                f"ballot_{a.pk}": "against",
                f"ballot_{b.pk}": "for",
                f"ballot_{giver.pk}": "against",
            },
        )
        assert response.status_code == 302
        vote = Vote.objects.get(item=items[0])
        assert (vote.votes_for, vote.votes_against, vote.casting_vote_used) == (2, 2, True)
        page = client.get(url).content.decode()
        assert "Vote nominatif" in page and f"{a.last_name} {a.first_name}</td>" in page

    def test_opinion(self, client, council, secretariat):
        body, _ = council
        session, _ = held(body, items=0)
        item = with_items(session, 1, kind=AgendaItem.Kind.OPINION)[0]
        client.force_login(secretariat)
        response = client.post(
            _url("conferences:item_vote", item.pk), {"opinion": "Avis favorable"}
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.opinion == "Avis favorable"

    def test_personas(self, client, council, secretariat, outsider):
        body, people = council
        _, items = held(body)
        url = _url("conferences:item_vote", items[0].pk)
        client.force_login(account(people[0]))
        assert client.get(url).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("members", [5, 40])
    def test_query_count(self, client, epci, secretariat, members, django_assert_num_queries):
        body, memberships = body_with_members(epci, members)
        session, items = held(body, items=3)
        for m in memberships:
            AttendanceEvent.objects.create(
                session=session, person=m.person, kind="arrival", from_item=items[0]
            )
        client.force_login(secretariat)
        with django_assert_num_queries(12):
            assert client.get(_url("conferences:item_vote", items[0].pk)).status_code == 200


class TestSecondConvocationPage:
    def test_creates_and_redirects_to_the_new_session(self, client, council, secretariat):
        body, _ = council
        session, _ = held(body)
        client.force_login(secretariat)
        url = _url("conferences:session_second_convocation", session.pk)
        too_soon = timezone.localtime(session.starts_at + datetime.timedelta(days=2))
        response = client.post(url, {"starts_at": too_soon.strftime("%Y-%m-%dT%H:%M")})
        assert response.status_code == 200 and "au plus tôt" in response.content.decode()
        later = timezone.localtime(session.starts_at + datetime.timedelta(days=7))
        response = client.post(url, {"starts_at": later.strftime("%Y-%m-%dT%H:%M")})
        second = Session.objects.get(first_session=session)
        assert response["Location"] == reverse(
            "conferences:session_detail", kwargs={"pk": second.pk}
        )
        assert "existe déjà" in client.get(url).content.decode()
