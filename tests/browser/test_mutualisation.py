"""A DGS of a small commune books the road sweeper (its driver comes with it) and files a
legal-support request; an EPCI agent takes it and answers it."""

import re

import pytest

from governance.models import User
from mutualisation.models import Booking, ServiceRequest
from tests.browser.a11y import assert_accessible
from tests.factories import CommuneFactory, UserFactory
from tests.mutualisation.factories import (
    ConventionFactory,
    EquipmentItemFactory,
    ServiceOfferFactory,
    StaffMemberFactory,
    in_days,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-de-test"


def _login(page, live_server, email):
    page.goto(f"{live_server.url}/comptes/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{live_server.url}/")


def test_dgs_books_the_sweeper_and_files_a_request_the_agent_answers(
    page, browser, live_server, epci
):
    commune = CommuneFactory(epci=epci, name="Petitbourg", population=900)
    dgs = UserFactory(epci=epci, role=User.Role.DGS, commune=commune, first_name="Dominique")
    agent = UserFactory(epci=epci, role=User.Role.AGENT, first_name="Alix")
    legal = ServiceOfferFactory(epci=epci, name="Assistance juridique", position=1)
    equipment = ServiceOfferFactory(epci=epci, name="Prêt de matériel", equipment=True)
    ConventionFactory(commune=commune, options=[legal, equipment])
    sweeper = EquipmentItemFactory(epci=epci, offer=equipment, road_sweeper=True)
    driver = StaffMemberFactory(epci=epci)

    _login(page, live_server, dgs.email)
    page.goto(f"{live_server.url}/services/materiel/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Réserver {sweeper.name}").click()
    assert_accessible(page)
    page.get_by_label("Du").fill(in_days(4).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Au").fill(in_days(4, 17).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Usage prévu").fill("Nettoyage après la fête du village")
    page.get_by_role("button", name="Réserver").click()
    page.get_by_text(f"réservé avec {driver.person.full_name}").wait_for()
    assert_accessible(page)
    booking = Booking.objects.get()
    assert (booking.item, booking.driver, booking.commune) == (sweeper, driver, commune)

    page.goto(f"{live_server.url}/services/")
    assert_accessible(page)
    page.get_by_role("link", name="Faire une demande : Assistance juridique").click()
    page.get_by_label("Objet").fill("Terrasse sur le domaine public")
    page.get_by_label("Domaine").select_option(label="Domanialité publique")
    page.get_by_label("Description").fill("Un café demande une autorisation de terrasse.")
    assert_accessible(page)
    page.get_by_role("button", name="Déposer la demande").click()
    page.wait_for_url(re.compile(r"/services/demandes/\d+/$"))
    assert "Déposée" in page.content()
    assert_accessible(page)
    request_url = page.url

    context = browser.new_context(locale="fr-FR")
    agent_page = context.new_page()
    agent_page.set_default_timeout(10_000)
    _login(agent_page, live_server, agent.email)
    agent_page.goto(f"{live_server.url}/services/tableau-de-bord/")
    assert_accessible(agent_page)
    agent_page.goto(request_url)
    assert_accessible(agent_page)
    agent_page.get_by_role("button", name="Accepter et confier").click()
    agent_page.get_by_text("Demande acceptée et confiée.").wait_for()
    agent_page.get_by_role("button", name="Commencer le traitement").click()
    agent_page.get_by_label("Réponse").fill("L'autorisation relève d'un arrêté du maire.")
    agent_page.get_by_role("button", name="Envoyer la réponse").click()
    agent_page.get_by_text("Réponse envoyée à la commune.").wait_for()
    assert_accessible(agent_page)
    context.close()

    service_request = ServiceRequest.objects.get()
    assert service_request.status == ServiceRequest.Status.ANSWERED
    assert service_request.assigned_to == agent
    page.goto(request_url)
    assert "arrêté du maire" in page.content()
    assert_accessible(page)
