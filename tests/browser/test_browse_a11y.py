"""The browsing pages pass the accessibility essentials: my sessions, the calendar
(month and list), the feed settings, the mayors' requests, and the public calendar."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.a11y import assert_accessible
from tests.conferences.factories import (
    AgendaDocumentFactory,
    AgendaItemFactory,
    MayorsConferenceFactory,
    MayorsRequestFactory,
    SessionFactory,
)
from tests.factories import MandateFactory, MembershipFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browsing_pages_are_accessible(page, live_server, epci, commune, council):
    person = PersonFactory(epci=epci)
    MandateFactory(person=person, commune=commune, mayor=True)
    MembershipFactory(body=council, person=person, commune=commune)
    user = UserFactory(epci=epci, person=person, email=person.email)
    session = SessionFactory(
        body=council, starts_at=timezone.now() + datetime.timedelta(days=3), place_commune=commune
    )
    AgendaDocumentFactory(item=AgendaItemFactory(session=session, title="Budget"))
    conference = MayorsConferenceFactory(epci=epci)
    MayorsRequestFactory(body=conference, created_by=person)

    page.goto(f"{live_server.url}/seances/public/calendrier/")
    assert f"/seances/{session.pk}/" in page.content()
    assert_accessible(page)
    page.goto(f"{live_server.url}/seances/public/calendrier/?vue=liste")
    assert_accessible(page)

    page.goto(f"{live_server.url}/comptes/login/")
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill("motdepasse-de-test")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{live_server.url}/")

    for path in (
        "/seances/mes-seances/",
        "/seances/calendrier/",
        "/seances/calendrier/?vue=liste",
        "/seances/flux/",
        "/seances/demandes-des-maires/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1
        assert_accessible(page)
    page.get_by_role("link", name=conference.mayors_requests.get().subject).click()
    assert_accessible(page)
