"""Browsing pages: "my sessions", the calendar (month and list views) and the public calendar.
Right persona 200, wrong persona (same EPCI, not a member of a non-public body) and outsider see
nothing of what they may not; query counts pinned at two data sizes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from conferences.models import Reply, Session
from conferences.sessions import selectors
from tests.conferences.factories import (
    AgendaDocumentFactory,
    AgendaItemFactory,
    ProxyFactory,
    ReplyFactory,
    SessionFactory,
)
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONTH = "2031-03"


def _in_march(day, hour=18):
    return datetime.datetime(2031, 3, day, hour, 0, tzinfo=PARIS)


@pytest.fixture
def other_elected(epci):
    """An elected official of the same EPCI who does not sit on the private body."""
    person = PersonFactory(epci=epci)
    return UserFactory(epci=epci, person=person, email=person.email)


@pytest.fixture
def sessions(council, private_body, commune):
    return {
        "public": SessionFactory(
            body=council, title="Budget", starts_at=_in_march(12), place_commune=commune
        ),
        "private": SessionFactory(
            body=private_body, title="Mobilités douces", starts_at=_in_march(19)
        ),
        "draft": SessionFactory(
            body=council, title="Brouillon", starts_at=_in_march(26), draft=True
        ),
    }


def _calendar(client, **params):
    return client.get(reverse("conferences:session_calendar"), {"mois": MONTH, **params})


class TestAnonymous:
    @pytest.mark.parametrize(
        "name",
        ["conferences:my_sessions", "conferences:session_calendar", "conferences:feed_settings"],
    )
    def test_private_pages_send_to_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_public_calendar_shows_only_public_sessions(self, client, sessions, other_epci):
        foreign_private = SessionFactory(
            body=BodyFactory(epci=other_epci, kind="bureau"),
            title="Bureau lointain",
            starts_at=_in_march(5),
        )
        response = client.get(reverse("conferences:public_calendar"), {"mois": MONTH})
        assert response.status_code == 200
        page = response.content.decode()
        assert reverse("conferences:session_detail", args=[sessions["public"].pk]) in page
        for hidden in (sessions["private"], sessions["draft"], foreign_private):
            assert reverse("conferences:session_detail", args=[hidden.pk]) not in page

    def test_public_list_view_shows_agenda(self, client, sessions):
        AgendaItemFactory(session=sessions["public"], title="Vote des taux")
        response = client.get(
            reverse("conferences:public_calendar"), {"vue": "liste", "du": "2031-03-01"}
        )
        page = response.content.decode()
        assert "Vote des taux" in page
        assert "Mobilités douces" not in page


class TestCalendarAccess:
    def test_member_sees_public_and_own_private_sessions(self, client, elected, sessions):
        client.force_login(elected)
        response = _calendar(client)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Séances de mars 2031" in page
        assert reverse("conferences:session_detail", args=[sessions["public"].pk]) in page
        assert reverse("conferences:session_detail", args=[sessions["private"].pk]) in page
        assert reverse("conferences:session_detail", args=[sessions["draft"].pk]) not in page

    def test_wrong_persona_does_not_see_the_private_body(self, client, other_elected, sessions):
        client.force_login(other_elected)
        page = _calendar(client).content.decode()
        assert reverse("conferences:session_detail", args=[sessions["public"].pk]) in page
        assert reverse("conferences:session_detail", args=[sessions["private"].pk]) not in page
        list_page = _calendar(client, vue="liste").content.decode()
        assert "Mobilités douces" not in list_page
        assert (
            client.get(
                reverse("conferences:session_detail", args=[sessions["private"].pk])
            ).status_code
            == 404
        )
        with pytest.raises(Http404):
            selectors.session_detail(other_elected, sessions["private"].pk)

    def test_outsider_sees_nothing_of_ours(self, client, outsider, sessions):
        client.force_login(outsider)
        response = _calendar(client)
        assert response.status_code == 200
        page = response.content.decode()
        for session in sessions.values():
            assert reverse("conferences:session_detail", args=[session.pk]) not in page
        assert (
            client.get(
                reverse("conferences:session_detail", args=[sessions["public"].pk])
            ).status_code
            == 404
        )

    def test_secretariat_sees_drafts(self, client, secretariat, sessions):
        client.force_login(secretariat)
        page = _calendar(client).content.decode()
        assert reverse("conferences:session_detail", args=[sessions["draft"].pk]) in page
        assert reverse("conferences:session_detail", args=[sessions["private"].pk]) in page


class TestCalendarViews:
    def test_month_grid_is_an_accessible_table(self, client, elected, sessions):
        client.force_login(elected)
        page = _calendar(client).content.decode()
        assert "<caption>Séances de mars 2031 : 2 séances</caption>" in page
        assert '<th scope="col"><abbr title="lundi">Lun.</abbr></th>' in page
        assert 'mois=2031-02" rel="prev"' in page
        assert 'mois=2031-04" rel="next"' in page
        assert "style=" not in page and "<script>" not in page

    def test_month_grid_cells(self, client, secretariat, sessions, council, private_body):
        postponed = SessionFactory(
            body=council, starts_at=_in_march(12, 9), status=Session.Status.POSTPONED
        )
        client.force_login(secretariat)
        page = _calendar(client).content.decode()
        # March 2031 starts on a Saturday: the grid opens on Monday 24 February, week 9, and
        # closes on Sunday 6 April; the days of other months show their month.
        assert '<tr>\n      <th scope="row">9</th>' in page
        assert '<td class="muted">\n        <span><time datetime="2031-02-24">24 Fév</time>' in page
        assert '<time datetime="2031-04-06">6 Avr</time>' in page
        assert '<span><time datetime="2031-03-12">12</time></span>' in page
        # A convened session has no badge; the others show their status.
        public_url = reverse("conferences:session_detail", args=[sessions["public"].pk])
        assert f'<li><a href="{public_url}">18:00 {council.name}</a></li>' in page
        postponed_url = reverse("conferences:session_detail", args=[postponed.pk])
        assert (
            f'<li><a href="{postponed_url}">09:00 {council.name}</a> '
            '<span class="badge">Reportée</span></li>'
        ) in page
        draft_url = reverse("conferences:session_detail", args=[sessions["draft"].pk])
        assert f'{council.name}</a> <span class="badge">Brouillon</span></li>' in page
        assert page.index(postponed_url) < page.index(public_url) < page.index(draft_url)

    def test_list_view_rows(self, client, elected, sessions, council, commune):
        client.force_login(elected)
        page = _calendar(client, vue="liste", du="2031-03-01").content.decode()
        url = reverse("conferences:session_detail", args=[sessions["public"].pk])
        assert (
            '<td><time datetime="2031-03-12T18:00:00+01:00">mercredi 12 mars 2031 à 18:00'
            f'</time></td>\n      <td>{council.name}</td>\n      <td><a href="{url}">Budget</a>'
        ) in page

    def test_month_navigation_keeps_filters(self, client, elected, sessions, council):
        client.force_login(elected)
        page = _calendar(client, instance=council.pk).content.decode()
        assert f"instance={council.pk}&amp;mois=2031-04" in page

    def test_bad_month_falls_back_to_the_current_one(self, client, elected):
        client.force_login(elected)
        response = client.get(reverse("conferences:session_calendar"), {"mois": "2031-13"})
        assert response.status_code == 200
        assert f"{timezone.localdate():%Y-%m}" in response.content.decode()

    def test_list_view_defaults_to_upcoming(self, client, elected, council):
        SessionFactory(body=council, title="Séance ancienne", past=True)
        SessionFactory(body=council, title="Séance prochaine")
        client.force_login(elected)
        page = client.get(
            reverse("conferences:session_calendar"), {"vue": "liste"}
        ).content.decode()
        assert "Séance prochaine" in page
        assert "Séance ancienne" not in page

    @pytest.mark.parametrize(
        "params,expected",
        [
            ({"instance": "BODY"}, {"Budget"}),
            ({"type": "working_group"}, {"Mobilités douces"}),
            ({"commune": "COMMUNE"}, {"Budget"}),
            ({"theme": "vélo"}, {"Mobilités douces"}),
            ({"theme": "budget"}, {"Budget"}),
            ({"du": "2031-03-15"}, {"Mobilités douces"}),
            ({"au": "2031-03-15"}, {"Budget"}),
            ({"statut": "held"}, set()),
        ],
    )
    def test_filters(self, client, elected, sessions, council, commune, params, expected):
        AgendaItemFactory(session=sessions["private"], title="Pistes pour le vélo")
        params = {
            k: {"BODY": council.pk, "COMMUNE": commune.pk}.get(v, v) for k, v in params.items()
        }
        client.force_login(elected)
        response = client.get(
            reverse("conferences:session_calendar"), {"vue": "liste", "du": "2031-03-01", **params}
        )
        shown = {s.title for s in response.context["cal"].page}
        assert shown == expected


def _populate_calendar(council, private_body, commune, n):
    for i in range(n):
        body = council if i % 2 else private_body
        session = SessionFactory(body=body, starts_at=_in_march(1 + i % 28), place_commune=commune)
        AgendaItemFactory.create_batch(3, session=session)


@pytest.mark.parametrize("n", [3, 30])
class TestCalendarQueryCounts:
    # session, user, the user's EPCI (page header), the sessions, then the filter choices
    # (bodies, communes).
    def test_month_view(
        self, client, elected, council, private_body, commune, n, django_assert_num_queries
    ):
        _populate_calendar(council, private_body, commune, n)
        client.force_login(elected)
        with django_assert_num_queries(6):
            response = _calendar(client)
        assert response.context["cal"].grid.session_count == n

    def test_list_view(
        self, client, elected, council, private_body, commune, n, django_assert_num_queries
    ):
        _populate_calendar(council, private_body, commune, n)
        client.force_login(elected)
        # + the paginator's count.
        with django_assert_num_queries(7):
            response = _calendar(client, vue="liste", du="2031-03-01")
        assert len(response.context["cal"].page) == n

    def test_public_calendar(
        self, client, council, private_body, commune, n, django_assert_num_queries
    ):
        _populate_calendar(council, private_body, commune, n)
        # count, sessions, items, bodies and communes (filter choices), bodies again (feed
        # links); no session, user nor EPCI for an anonymous visitor.
        with django_assert_num_queries(6):
            response = client.get(
                reverse("conferences:public_calendar"), {"vue": "liste", "du": "2031-03-01"}
            )
        assert len(response.context["cal"].page) == n // 2


class TestMySessions:
    def test_lists_my_bodies_sessions_with_documents_answer_and_proxy(
        self, client, elected, private_body, council
    ):
        colleague = MembershipFactory(body=private_body).person
        upcoming = SessionFactory(body=private_body, title="Prochaine réunion")
        item = AgendaItemFactory(session=upcoming, title="Plan vélo")
        document = AgendaDocumentFactory(item=item, name="Plan-velo.pdf")
        proxy = ProxyFactory(first_session=upcoming, giver=elected.person, holder=colleague)
        ReplyFactory(
            session=upcoming,
            person=elected.person,
            answer=Reply.Answer.PROXY,
            proxy=proxy,
            proxy_holder=colleague,
        )
        past = SessionFactory(body=private_body, title="Réunion passée", past=True)
        ReplyFactory(
            session=past, person=colleague, answer=Reply.Answer.PROXY, proxy_holder=elected.person
        )
        SessionFactory(body=council, title="Conseil où je ne siège pas")
        SessionFactory(body=private_body, title="Brouillon", draft=True)

        client.force_login(elected)
        response = client.get(reverse("conferences:my_sessions"))

        assert response.status_code == 200
        assert [s.title for s in response.context["upcoming"]] == ["Prochaine réunion"]
        assert [s.title for s in response.context["past"]] == ["Réunion passée"]
        page = response.content.decode()
        assert reverse("conferences:document_download", args=[document.pk]) in page
        assert f"Absent(e), donne pouvoir à {colleague.full_name}" in page
        assert f"de {colleague.full_name}" in page  # the proxy I hold at the past session
        assert "Conseil où je ne siège pas" not in page

    def test_card_shows_date_place_status_answer_and_documents(self, client, elected, private_body):
        session = SessionFactory(
            body=private_body,
            title="",
            starts_at=_in_march(12),
            place_commune=None,
            address="Salle <B> & C",
            mode=Session.Mode.VIDEO,
            emergency=True,
            emergency_reason="Crue",
        )
        item = AgendaItemFactory(session=session, position=2, title="Plan & vélo")
        document = AgendaDocumentFactory(item=item, name="plan.pdf", size=2048)
        ReplyFactory(
            session=session,
            person=elected.person,
            answer=Reply.Answer.VIDEO,
            answered_at=datetime.datetime(2031, 3, 1, 9, 5, tzinfo=PARIS),
        )
        client.force_login(elected)
        page = client.get(reverse("conferences:my_sessions")).content.decode()
        url = reverse("conferences:session_detail", args=[session.pk])
        assert (
            f'<article class="card" aria-labelledby="seance-{session.pk}">\n'
            f'  <h3 id="seance-{session.pk}"><a href="{url}">Groupe de travail Mobilités — '
            "Séance du 12/03/2031</a></h3>"
        ) in page
        assert (
            '<dt>Date</dt><dd><time datetime="2031-03-12T18:00:00+01:00">'
            "mercredi 12 mars 2031 à 18:00</time></dd>"
        ) in page
        assert "<dt>Lieu</dt><dd>Salle &lt;B&gt; &amp; C (En visioconférence)</dd>" in page
        assert "<dt>Statut</dt><dd>Convoquée — convoquée en urgence</dd>" in page
        assert (
            "<dt>Ma réponse</dt><dd>Présent(e) en visioconférence "
            '<span class="muted">(le 1 mars 2031 à 09:05)</span></dd>'
        ) in page
        assert "Pouvoir reçu" not in page
        document_url = reverse("conferences:document_download", args=[document.pk])
        assert (
            f'<li>2. Plan &amp; vélo : <a href="{document_url}">plan.pdf</a> '
            '<span class="muted">(2,0\xa0Kio)</span></li>'
        ) in page

    def test_outsider_and_account_without_person_see_nothing(
        self, client, outsider, secretariat, private_body
    ):
        SessionFactory(body=private_body)
        for user in (outsider, secretariat):
            client.force_login(user)
            response = client.get(reverse("conferences:my_sessions"))
            assert response.status_code == 200
            assert response.context["upcoming"] == []

    @pytest.mark.parametrize("n", [3, 30])
    def test_query_count_is_constant(
        self, client, elected, private_body, n, django_assert_num_queries
    ):
        colleague = MembershipFactory(body=private_body).person
        for i in range(n):
            session = SessionFactory(
                body=private_body,
                starts_at=timezone.now() + datetime.timedelta(days=i + 1 if i % 3 else -i - 1),
            )
            for item in AgendaItemFactory.create_batch(3, session=session):
                AgendaDocumentFactory(item=item)
            ReplyFactory(session=session, person=elected.person)
            ReplyFactory(
                session=session,
                person=colleague,
                answer=Reply.Answer.PROXY,
                proxy_holder=elected.person,
            )
        client.force_login(elected)
        # session, user, EPCI (header), sessions, documents with their items, my replies and
        # the proxies held (one query).
        with django_assert_num_queries(6):
            response = client.get(reverse("conferences:my_sessions"))
        assert len(response.context["upcoming"]) + len(response.context["past"]) == n
