"""Each role logs in through the real login form (TOTP for the secretariat) and sees its
dashboard; pages pass the accessibility essentials and are usable with the keyboard."""

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.browser.a11y import assert_accessible
from tests.factories import TEST_TOTP_SECRET, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-de-test"


def _totp_now():
    import time

    return format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(time.time()) // 30))


def _login(page, live_server, email, totp=False):
    page.goto(f"{live_server.url}/comptes/login/")
    assert_accessible(page)
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    if totp:
        page.get_by_label("Code").fill(_totp_now())
        page.get_by_role("button", name="Connexion").click()


@pytest.mark.parametrize(
    "role,heading",
    [
        ("elected", "Bonjour"),
        ("dgs", "Bonjour"),
        ("agent", "Bonjour"),
    ],
)
def test_role_sees_its_dashboard(page, live_server, epci, commune, role, heading):
    extra = {"commune": commune} if role == "dgs" else {}
    user = UserFactory(epci=epci, role=role, **extra)
    _login(page, live_server, user.email)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith(heading)
    if role == "dgs":
        assert "Ma commune : Villetest" in page.content()
    assert_accessible(page)


def test_secretariat_logs_in_with_totp_and_browses(page, live_server, epci, commune):
    user = UserFactory(epci=epci, secretariat=True, with_totp=True)
    _login(page, live_server, user.email, totp=True)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith("Secrétariat")
    assert_accessible(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Communes"
    ).click()
    assert "Villetest" in page.content()
    assert_accessible(page)


def test_skip_link_is_the_first_keyboard_stop(page, live_server, epci):
    user = UserFactory(epci=epci)
    _login(page, live_server, user.email)
    page.wait_for_url(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_wrong_password_shows_a_french_error(page, live_server, epci):
    user = UserFactory(epci=epci)
    page.goto(f"{live_server.url}/comptes/login/")
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Connexion").click()
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in page.content()
    assert page.get_by_label("Courriel").input_value() == user.email
