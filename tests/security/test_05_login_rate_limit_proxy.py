"""Behind the reverse proxy every request has the proxy's REMOTE_ADDR: the login rate limit must
count each client by the address the proxy forwards, or five failed logins on invented accounts
lock every user out. The client address setting comes from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # the reverse proxy on the same host, as in the README
ATTACKER, USER = "203.0.113.7", "198.51.100.9"  # documentation ranges (RFC 5737), never reached
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def login(client, email: str, password: str, **headers):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        **headers,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def settings_from_env(**env) -> subprocess.CompletedProcess:
    """The settings as a fresh process reads them from this environment."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTED_")}
    environ = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings_test", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )


class TestSettings:
    def test_proxy_count_and_header_come_from_the_environment(self):
        result = settings_from_env(TRUSTED_PROXY_COUNT="1", TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["1", "X-Real-IP"]

    def test_default_trusts_no_header(self):
        assert settings_from_env().stdout.split() == ["0", "None"]

    @pytest.mark.parametrize("value", ["un", "-1"])
    def test_a_bad_count_refuses_to_start(self, value):
        result = settings_from_env(TRUSTED_PROXY_COUNT=value)
        assert result.returncode != 0
        assert "TRUSTED_PROXY_COUNT" in result.stderr


class TestBehindTheProxy:
    @pytest.fixture(autouse=True)
    def one_proxy(self, settings):
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def test_failures_from_one_client_do_not_lock_out_another(self, client, epci):
        user = UserFactory(epci=epci)
        for n in range(6):
            login(client, f"invente{n}@exemple.test", "mauvais", HTTP_X_FORWARDED_FOR=ATTACKER)
        response = login(client, user.email, "motdepasse-de-test", HTTP_X_FORWARDED_FOR=USER)
        assert response.status_code == 302
        assert signed_in(client)

    def test_the_attacker_is_still_limited_even_when_forging_the_header(self, client, epci):
        user = UserFactory(epci=epci)
        for n in range(5):
            login(client, f"invente{n}@exemple.test", "mauvais", HTTP_X_FORWARDED_FOR=ATTACKER)
        # The client may write anything first; the proxy appends the address it saw last.
        forged = f"{USER}, {ATTACKER}"
        response = login(client, user.email, "motdepasse-de-test", HTTP_X_FORWARDED_FOR=forged)
        assert response.status_code == 200
        assert not signed_in(client)

    def test_a_header_set_by_the_proxy_alone(self, client, epci, settings):
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
        settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
        user = UserFactory(epci=epci)
        for n in range(6):
            login(client, f"invente{n}@exemple.test", "mauvais", HTTP_X_REAL_IP=ATTACKER)
        response = login(client, user.email, "motdepasse-de-test", HTTP_X_REAL_IP=USER)
        assert response.status_code == 302


class TestWithoutProxySetting:
    def test_without_the_setting_everyone_behind_the_proxy_shares_one_limit(self, client, epci):
        """What the setting is for: at 0 behind a proxy, five failures block the next user."""
        user = UserFactory(epci=epci)
        for n in range(5):
            login(client, f"invente{n}@exemple.test", "mauvais", HTTP_X_FORWARDED_FOR=ATTACKER)
        response = login(client, user.email, "motdepasse-de-test", HTTP_X_FORWARDED_FOR=USER)
        assert response.status_code == 200
        assert not signed_in(client)
