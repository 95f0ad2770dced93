import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_by_email(client, epci):
    user = UserFactory(epci=epci)
    response = _login(client, user.email, "motdepasse-de-test")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failed_attempts_are_limited_even_with_the_right_password_afterwards(client, epci):
    user = UserFactory(epci=epci)
    for _ in range(5):
        assert _login(client, user.email, "mauvais").status_code == 200
    response = _login(client, user.email, "motdepasse-de-test")
    assert response.status_code == 200  # refused: the form is shown again
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_secretariat_login_asks_for_the_totp_code(client, secretariat):
    response = _login(client, secretariat.email, "motdepasse-de-test")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not logged in before the code
