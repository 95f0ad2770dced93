"""Headers and sessions under the PRODUCTION settings (config.settings with DEBUG=0 and a real
SECRET_KEY), run in a subprocess so the settings are computed from the environment exactly as
in a deployment; plus what tests/governance/test_login.py does not already cover: the per-IP
login limit, a whole secretariat login with its TOTP code, the superuser's TOTP requirement,
HEAD on the public pages, and the strict CSP of the pages themselves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from core.middleware import CSP
from tests.factories import TEST_TOTP_SECRET, UserFactory

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "prod-like-Kq7vT2mX9pL4rW8zN3bY6cH1fJ5gD0sA7eU2iO9kR4tV8wQ3xZ-headers",
    "ALLOWED_HOSTS": "interco.example.org",
    "SITE_URL": "https://interco.example.org",
}
# DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests (Playwright) for the test process only.
REMOVED = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "TESTING",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)

# Runs in the production-settings subprocess: requests that touch no table (the database is a
# fresh SQLite file), over HTTPS as behind the reverse proxy.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from tests.clients import PortalClient as Client
client = Client(HTTP_HOST="interco.example.org")
out = {"settings": {name: getattr(settings, name, None) for name in (
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY", "SESSION_COOKIE_AGE")}}
plain = client.get("/comptes/login/")
out["http"] = [plain.status_code, plain.get("Location", "")]
login = client.get("/comptes/login/", secure=True)
out["login"] = {"status": login.status_code, "headers": dict(login.headers),
                "cookies": {k: dict(v) for k, v in login.cookies.items()}}
private = client.get("/seances/gestion/", secure=True)
out["private"] = [private.status_code, private.get("Location", "")]
print(json.dumps(out))
"""


def _production_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in REMOVED}
    env.update(PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)
    return env


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("prod")
    # TESTING only swaps the static files storage: the manifest one needs a collectstatic.
    env = {**_production_env(tmp_path), "TESTING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestProductionSettings:
    def test_check_deploy_is_clean(self, tmp_path):
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=_production_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_secret_key_is_required_without_debug(self, tmp_path):
        env = _production_env(tmp_path)
        env.pop("SECRET_KEY")
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0
        assert "SECRET_KEY est obligatoire" in result.stderr

    def test_cookies_and_transport_settings(self, production):
        assert production["settings"] == {
            "DEBUG": False,
            "SESSION_COOKIE_SECURE": True,
            "SESSION_COOKIE_HTTPONLY": True,
            "CSRF_COOKIE_SECURE": True,
            "CSRF_COOKIE_HTTPONLY": True,
            "SECURE_HSTS_SECONDS": 63072000,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
            "SECURE_SSL_REDIRECT": True,
            "X_FRAME_OPTIONS": "DENY",
            "SECURE_CONTENT_TYPE_NOSNIFF": True,
            "SECURE_REFERRER_POLICY": "same-origin",
            "SESSION_COOKIE_AGE": 43200,
        }

    def test_plain_http_is_redirected_to_https(self, production):
        status, location = production["http"]
        assert status == 301
        assert location == "https://interco.example.org/comptes/login/"

    def test_response_headers(self, production):
        headers = production["login"]["headers"]
        assert production["login"]["status"] == 200
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert headers["Strict-Transport-Security"] == (
            "max-age=63072000; includeSubDomains; preload"
        )
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"

    def test_csrf_cookie_is_secure_http_only_and_same_site(self, production):
        cookie = production["login"]["cookies"]["csrftoken"]
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"

    def test_private_pages_send_anonymous_users_to_log_in(self, production):
        status, location = production["private"]
        assert status == 302
        assert location.startswith("/comptes/login/?next=")


@pytest.mark.django_db
class TestLogin:
    @pytest.fixture(autouse=True)
    def clear_rate_limits(self):
        cache.clear()
        yield
        cache.clear()

    def test_login_attempts_are_limited_per_ip_whatever_the_account(self, client, epci):
        """Beyond failed attempts on one account (test_login.py), an IP trying many accounts
        is cut off: 30 login posts a minute."""
        users = [UserFactory(epci=epci) for _ in range(3)]
        statuses = []
        for i in range(31):
            response = client.post(
                reverse("account_login"),
                {"login": users[i % 3].email, "password": f"mauvais-{i}"},
            )
            statuses.append(response.status_code)
        assert set(statuses[:30]) == {200}
        assert statuses[30] == 429

    def test_secretariat_logs_in_with_password_then_totp_code(self, client, secretariat):
        response = client.post(
            reverse("account_login"),
            {"login": secretariat.email, "password": "motdepasse-de-test"},
        )
        assert response["Location"] == reverse("mfa_authenticate")
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200  # refused, form shown again
        assert client.get(reverse("portal:home")).context["user"].is_authenticated is False
        code = format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(time.time()) // 30))
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302
        assert client.get(reverse("conferences:session_manage_list")).status_code == 200

    def test_a_superuser_without_totp_is_sent_to_activate_it(self, client, epci):
        client.force_login(UserFactory(epci=None, is_superuser=True, is_staff=True))
        response = client.get(reverse("governance:audit_log"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))

    def test_elected_members_are_not_asked_for_totp(self, client, elected):
        client.force_login(elected)
        assert client.get(reverse("conferences:my_sessions")).status_code == 200


@pytest.mark.django_db
def test_head_on_public_pages_answers_like_get_without_a_body(client, council):
    for url in (
        reverse("conferences:public_calendar"),
        reverse("conferences:feed_public", args=[council.pk]),
        reverse("account_login"),
    ):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b"", url
        assert response["Content-Security-Policy"] == CSP
