"""A DGS files its council's opinion with the deliberation PDF; the secretariat's dashboard of
the consultation shows it. Pages pass the accessibility essentials."""

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.test_dashboards import _login
from tests.factories import UserFactory
from tests.referrals.factories import MINIMAL_PDF, OpinionFactory, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dgs_files_an_opinion_and_the_secretariat_sees_it(
    page, live_server, epci, commune, make_commune, tmp_path
):
    referral = ReferralFactory(epci=epci, subject="Transfert de la compétence mobilité")
    OpinionFactory(referral=referral, commune=commune)
    OpinionFactory(referral=referral, commune=make_commune(name="Autreville"))
    dgs = UserFactory(epci=epci, dgs=True, commune=commune)
    deliberation = tmp_path / "deliberation-2026-042.pdf"
    deliberation.write_bytes(MINIMAL_PDF)

    _login(page, live_server, dgs.email)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/saisines/")
    assert_accessible(page)
    page.get_by_role("link", name="Transfert de la compétence mobilité").click()
    page.get_by_role("link", name="Villetest").click()
    assert_accessible(page)
    assert "Autreville" not in page.content()
    page.get_by_label("Favorable avec réserves").check()
    page.get_by_label("Date de la délibération").fill("2026-05-20")
    page.get_by_label("Numéro de la délibération").fill("2026-042")
    page.get_by_label("Délibération (PDF, 20 Mo au plus)").set_input_files(str(deliberation))
    page.get_by_label("Observations").fill("Sous réserve du calendrier des travaux.")
    page.get_by_role("button", name="Enregistrer l'avis").click()
    assert "L'avis de la commune est enregistré." in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Se déconnecter").click()

    secretariat = UserFactory(epci=epci, secretariat=True, with_totp=True)
    _login(page, live_server, secretariat.email, totp=True)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/saisines/{referral.pk}/")
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text="Villetest")
    assert "Favorable avec réserves" in row.inner_text()
    assert "n° 2026-042 du 20/05/2026" in row.inner_text()
    assert "Réponse déposée" in page.get_by_role("list", name="Réponses par état").inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="n° 2026-042 du 20/05/2026").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
