"""The home page: the public page for visitors, a dashboard for each persona."""

import pytest
from django.urls import reverse

from tests.factories import MandateFactory

pytestmark = pytest.mark.django_db


def test_anonymous_home_is_the_public_page(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "Secrétariat" not in response.content.decode()
    assert "Se connecter" in response.content.decode()


class TestHome:
    def test_each_role_sees_its_dashboard(self, client, secretariat, elected, dgs, commune):
        client.force_login(secretariat)
        assert "Secrétariat" in client.get("/").content.decode()
        client.force_login(dgs)
        page = client.get("/").content.decode()
        assert "Ma commune : Villetest" in page
        client.force_login(elected)
        assert "Les instances où je siège" in client.get("/").content.decode()

    def test_secretariat_without_totp_is_sent_to_activate_it(self, client, epci):
        from tests.factories import UserFactory

        user = UserFactory(epci=epci, secretariat=True)
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))

    def test_elected_dashboard_lists_their_bodies(self, client, elected, private_body):
        client.force_login(elected)
        page = client.get("/").content.decode()
        assert private_body.name in page


def test_elected_home_lists_epci_and_commune_mandates(client, epci, elected, commune):
    from governance.models import Mandate

    MandateFactory(person=elected.person, commune=commune, mayor=True)
    Mandate.objects.create(
        person=elected.person,
        kind=Mandate.Kind.VICE_PRESIDENT,
        epci=epci,
        label="1er vice-président",
        start_date="2026-04-01",
    )
    client.force_login(elected)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Maire — Villetest" in page
    assert f"1er vice-président — {epci.name}" in page
