"""iCalendar feeds: a private per-user feed (revocable token) and a public feed per public
body, both without login; valid iCalendar, parsed back."""

import icalendar
import pytest
from django.urls import reverse

from conferences.models import CalendarFeed
from governance.models import AuditEvent
from tests.conferences.factories import AgendaItemFactory, CalendarFeedFactory, SessionFactory
from tests.factories import BodyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(council, private_body):
    return {
        "public": SessionFactory(body=council, title="Conseil de mars"),
        "private": SessionFactory(body=private_body, title="Atelier mobilités"),
        "draft": SessionFactory(body=council, title="Brouillon", draft=True),
        "cancelled": SessionFactory(body=council, title="Conseil annulé", cancelled=True),
    }


def _uids(response) -> dict[str, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    return {str(e["uid"]): str(e["status"]) for e in calendar.walk("VEVENT")}


def _uid(session) -> str:
    return f"seance-{session.pk}@interco"


class TestPrivateFeed:
    def test_lists_only_the_sessions_visible_to_its_owner(self, client, elected, sessions):
        feed = CalendarFeedFactory(user=elected)
        # No login: calendar clients fetch the URL with the token alone.
        uids = _uids(client.get(reverse("conferences:feed_private", args=[feed.token])))
        assert uids == {
            _uid(sessions["public"]): "CONFIRMED",
            _uid(sessions["private"]): "CONFIRMED",
            _uid(sessions["cancelled"]): "CANCELLED",
        }

    def test_wrong_persona_and_outsider(self, client, epci, outsider, sessions):
        person = PersonFactory(epci=epci)
        other_elected = UserFactory(epci=epci, person=person, email=person.email)
        uids = _uids(
            client.get(
                reverse(
                    "conferences:feed_private", args=[CalendarFeedFactory(user=other_elected).token]
                )
            )
        )
        assert _uid(sessions["private"]) not in uids
        assert _uid(sessions["public"]) in uids
        assert (
            _uids(
                client.get(
                    reverse(
                        "conferences:feed_private", args=[CalendarFeedFactory(user=outsider).token]
                    )
                )
            )
            == {}
        )

    def test_unknown_token_and_deactivated_account_are_404(self, client, elected):
        assert client.get(reverse("conferences:feed_private", args=["inconnu"])).status_code == 404
        feed = CalendarFeedFactory(user=elected)
        elected.is_active = False
        elected.save(update_fields=["is_active"])
        assert client.get(reverse("conferences:feed_private", args=[feed.token])).status_code == 404

    @pytest.mark.parametrize("n", [3, 30])
    def test_query_count_is_constant(self, client, elected, council, n, django_assert_num_queries):
        for _ in range(n):
            AgendaItemFactory.create_batch(3, session=SessionFactory(body=council))
        feed = CalendarFeedFactory(user=elected)
        # feed + user, sessions, items.
        with django_assert_num_queries(3):
            uids = _uids(client.get(reverse("conferences:feed_private", args=[feed.token])))
        assert len(uids) == n


class TestFeedSettings:
    def test_first_visit_creates_the_feed_then_shows_the_same_url(self, client, elected):
        client.force_login(elected)
        response = client.get(reverse("conferences:feed_settings"))
        assert response.status_code == 200
        feed = CalendarFeed.objects.get(user=elected)
        url = reverse("conferences:feed_private", args=[feed.token])
        assert url in response.content.decode()
        assert url in client.get(reverse("conferences:feed_settings")).content.decode()
        assert CalendarFeed.objects.count() == 1
        assert AuditEvent.objects.filter(action="calendar_feed.created").count() == 1

    def test_revoking_issues_a_new_token_and_the_old_url_404s(self, client, elected, sessions):
        client.force_login(elected)
        client.get(reverse("conferences:feed_settings"))
        old_url = reverse(
            "conferences:feed_private", args=[CalendarFeed.objects.get(user=elected).token]
        )

        response = client.post(reverse("conferences:feed_settings"))

        assert response.status_code == 302
        new_url = reverse(
            "conferences:feed_private", args=[CalendarFeed.objects.get(user=elected).token]
        )
        assert new_url != old_url
        client.logout()
        assert client.get(old_url).status_code == 404
        assert _uid(sessions["private"]) in _uids(client.get(new_url))
        assert AuditEvent.objects.filter(action="calendar_feed.revoked").count() == 1

    def test_lists_public_feeds_of_my_epci(self, client, elected, council, private_body):
        client.force_login(elected)
        page = client.get(reverse("conferences:feed_settings")).content.decode()
        assert reverse("conferences:feed_public", args=[council.pk]) in page
        assert reverse("conferences:feed_public", args=[private_body.pk]) not in page


class TestPublicFeed:
    def test_public_body_feed_without_login(self, client, council, sessions):
        uids = _uids(client.get(reverse("conferences:feed_public", args=[council.pk])))
        assert uids == {
            _uid(sessions["public"]): "CONFIRMED",
            _uid(sessions["cancelled"]): "CANCELLED",
        }

    def test_non_public_inactive_or_unknown_body_is_404(self, client, epci, private_body):
        inactive = BodyFactory(epci=epci, name="Ancien conseil", active=False)
        for pk in (private_body.pk, inactive.pk, 999_999):
            assert client.get(reverse("conferences:feed_public", args=[pk])).status_code == 404

    @pytest.mark.parametrize("n", [3, 30])
    def test_query_count_is_constant(self, client, council, n, django_assert_num_queries):
        for _ in range(n):
            AgendaItemFactory.create_batch(3, session=SessionFactory(body=council))
        # body, sessions, items.
        with django_assert_num_queries(3):
            uids = _uids(client.get(reverse("conferences:feed_public", args=[council.pk])))
        assert len(uids) == n
