"""Journey: the secretariat builds an agenda and convenes; an elected official opens
the convocation, answers with a proxy, downloads a document and subscribes to the feed."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from conferences.models import Convocation, Reply, Session
from governance.rules import BodyKind
from tests.browser.a11y import assert_accessible
from tests.browser.test_dashboards import PASSWORD, _totp_now
from tests.factories import (
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login_form(page, email, totp=False):
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    if totp:
        page.get_by_label("Code").fill(_totp_now())
        page.get_by_role("button", name="Connexion").click()


def test_convene_then_answer_with_proxy_download_and_subscribe(
    browser, live_server, epci, tmp_path
):
    council = BodyFactory(epci=epci, kind=BodyKind.COUNCIL, name="Conseil communautaire")
    elected_person = PersonFactory(epci=epci, first_name="Aline", last_name="ÉLUE-TEST")
    colleague = PersonFactory(epci=epci, first_name="Basile", last_name="COLLÈGUE-TEST")
    MembershipFactory(body=council, person=elected_person)
    MembershipFactory(body=council, person=colleague)
    elected = UserFactory(epci=epci, person=elected_person, email=elected_person.email)
    secretariat = UserFactory(epci=epci, secretariat=True, with_totp=True)
    pdf = tmp_path / "note-budget.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # --- The secretariat schedules the session, builds the agenda and convenes. ---
    staff = browser.new_context(locale="fr-FR")
    page = staff.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/comptes/login/")
    _login_form(page, secretariat.email, totp=True)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Gérer les séances").click()
    page.get_by_role("link", name="Programmer une séance").click()
    assert_accessible(page)
    page.get_by_label("Instance").select_option(label="Conseil communautaire")
    when = timezone.localtime() + datetime.timedelta(days=20)
    page.get_by_label("Date et heure").fill(when.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Adresse").fill("Salle du conseil, 2 rue de l'Exemple")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/seances/\d+/ordre-du-jour/$"))
    page.get_by_label("Intitulé").fill("Budget primitif 2027")
    page.get_by_label("Note explicative de synthèse").fill("Le budget s'équilibre à 12 M€.")
    page.get_by_role("button", name="Ajouter le point").click()
    page.get_by_label("Joindre un PDF au point 1").set_input_files(str(pdf))
    page.get_by_role("button", name="Joindre", exact=True).click()
    assert "note-budget.pdf" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="← Retour à la séance").click()
    assert "Dernier jour d'envoi légal" in page.content()
    page.get_by_role("button", name="Envoyer la convocation").click()
    assert "Convocation envoyée" in page.content()
    staff.close()

    session = Session.objects.get()
    assert session.status == Session.Status.CONVENED
    convocation = Convocation.objects.get(person=elected_person)
    sent = [m for m in mail.outbox if elected_person.email in m.to[0]]
    assert len(sent) == 1
    assert convocation.token in sent[0].body

    # --- The elected official opens the link from the mail, logs in and answers. ---
    member = browser.new_context(locale="fr-FR", accept_downloads=True)
    page = member.new_page()
    page.set_default_timeout(15_000)
    link = re.search(r"http://\S+/seances/convocation/\S+/", sent[0].body).group(0)
    page.goto(live_server.url + link.split("8000", 1)[1])
    convocation.refresh_from_db()
    assert convocation.acknowledged_at is None  # opening the link is not a receipt
    page.get_by_role("button", name="Je confirme la réception de la convocation").click()
    assert "Réception de la convocation confirmée" in page.content()
    convocation.refresh_from_db()
    assert convocation.acknowledged_at is not None
    page.get_by_role("link", name="Ordre du jour, documents et réponse").click()
    # A council session is public: it shows before login; log in from there.
    assert "Budget primitif 2027" in page.content()
    page.get_by_role("link", name="Se connecter").click()
    _login_form(page, elected.email)
    page.wait_for_url(f"{live_server.url}/seances/{session.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Répondre à la convocation").click()
    page.get_by_label("Absent(e), donne pouvoir").check()
    page.get_by_label("Je donne pouvoir à").select_option(label="COLLÈGUE-TEST Basile")
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    assert_accessible(page)
    reply = Reply.objects.get(session=session, person=elected_person, is_current=True)
    assert reply.answer == Reply.Answer.PROXY
    assert reply.proxy_holder_id == colleague.pk

    page.goto(f"{live_server.url}/seances/{session.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="note-budget.pdf").click()
    assert download.value.suggested_filename == "note-budget.pdf"
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read().startswith(b"%PDF")

    page.goto(f"{live_server.url}/seances/flux/")
    assert_accessible(page)
    feed_url = page.get_by_label("Adresse de mon flux").input_value()
    feed = page.request.get(feed_url.replace("http://127.0.0.1:8000", live_server.url))
    assert feed.ok
    assert "text/calendar" in feed.headers["content-type"]
    assert f"seance-{session.pk}@interco" in feed.text()
    member.close()
