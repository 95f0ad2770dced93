"""The operator's page that installs an EPCI from its SIREN."""

import pytest
from django.urls import reverse

from governance.models import EPCI, AuditEvent, Commune, User
from governance.territory import catalogue
from tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db

CHARTRES = "200033181"
URL_NAME = "governance:epci_install"


@pytest.fixture
def operator(db):
    return UserFactory(epci=None, is_superuser=True, is_staff=True, with_totp=True)


def test_operator_previews_an_epci_in_constant_queries(
    client, operator, epci, django_assert_num_queries
):
    CommuneFactory(epci=epci, insee_code="28209", name="Lèves")
    client.force_login(operator)
    # Session, user, TOTP check (middleware), then the preview's two queries.
    with django_assert_num_queries(5):
        response = client.get(reverse(URL_NAME), {"siren": "200 033 181"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "CA Chartres Métropole" in page
    assert "SIREN 200033181 — Communauté d&#x27;agglomération — 66 communes" in page
    assert "membre de CA Test Agglomération" in page
    assert "Communes déjà membres d'un autre EPCI de ce portail : 1." in page
    assert catalogue.ATTRIBUTION in page
    assert not EPCI.objects.filter(siren=CHARTRES).exists()


def test_an_unknown_siren_is_said_in_french(client, operator):
    client.force_login(operator)
    response = client.get(reverse(URL_NAME), {"siren": "123456789"})
    assert response.status_code == 200
    assert (
        "Aucun EPCI à fiscalité propre ne porte le SIREN 123456789 dans la liste nationale"
        in response.content.decode()
    )


def test_an_installed_epci_cannot_be_created_again(client, operator, epci):
    client.force_login(operator)
    response = client.get(reverse(URL_NAME), {"siren": epci.siren})
    page = response.content.decode()
    assert "Cet EPCI existe déjà dans ce portail." in page
    assert "Créer l'EPCI" not in page
    response = client.post(
        reverse(URL_NAME), {"siren": epci.siren, "secretariat_email": "s@exemple.test"}
    )
    assert response.status_code == 200
    assert (
        "L&#x27;EPCI CA Test Agglomération (SIREN 200066009) existe déjà dans ce portail."
        in response.content.decode()
    )
    assert not User.objects.filter(email="s@exemple.test").exists()


def test_operator_creates_the_epci_and_invites_its_secretariat(client, operator, monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
    client.force_login(operator)
    response = client.post(
        reverse(URL_NAME),
        {
            "siren": CHARTRES,
            "secretariat_email": "secretariat@chartres.test",
            "last_name": "DUPONT",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse(URL_NAME), 302)]
    assert (
        "EPCI créé : CA Chartres Métropole (SIREN 200033181), 66 commune(s). Invitation envoyée "
        "au secrétariat : secretariat@chartres.test." in response.content.decode()
    )
    epci = EPCI.objects.get(siren=CHARTRES)
    assert Commune.objects.for_epci(epci.pk).count() == 66
    user = User.objects.get(email="secretariat@chartres.test")
    assert (user.epci, user.role, user.last_name) == (epci, User.Role.SECRETARIAT, "DUPONT")
    assert AuditEvent.objects.filter(action="epci.created", actor=operator).exists()


def test_a_bad_address_writes_nothing(client, operator):
    client.force_login(operator)
    response = client.post(reverse(URL_NAME), {"siren": CHARTRES, "secretariat_email": "non"})
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in response.content.decode()
    assert not EPCI.objects.filter(siren=CHARTRES).exists()


@pytest.mark.parametrize("persona", ["secretariat", "elected", "outsider"])
def test_only_the_operator_reaches_the_page(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(URL_NAME), {"siren": CHARTRES}).status_code == 403
    response = client.post(
        reverse(URL_NAME), {"siren": CHARTRES, "secretariat_email": "s@exemple.test"}
    )
    assert response.status_code == 403
    assert not EPCI.objects.filter(siren=CHARTRES).exists()
