"""The admin login and any other password-only login: staff, superusers and the secretariat reach
their pages only from a login that used the TOTP code, and that login is rate-limited. The
outbox shown in the admin never gives away a personal link.

Logins here go through the real forms (no force_login): the second factor is what is tested."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from core.models import OutboundMessage
from governance.services import invite_user
from tests.clients import PortalClient
from tests.factories import TEST_TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-de-test"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def superuser(epci):
    return UserFactory(epci=None, is_superuser=True, is_staff=True, with_totp=True)


def current_code() -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(TEST_TOTP_SECRET, counter))


def portal_login(client, user, *, code: bool = True):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if code:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
        assert response.status_code == 302
    return response


def lands_on_login(client, url: str) -> bool:
    response = client.get(url, follow=True)
    return response.redirect_chain and response.request["PATH_INFO"] == reverse("account_login")


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


class TestAdminLogin:
    def test_password_alone_on_the_admin_login_opens_nothing(self, client, superuser):
        client.post(
            "/admin/login/?next=/admin/", {"username": superuser.email, "password": PASSWORD}
        )
        assert not signed_in(client)
        for url in ("/admin/", reverse("governance:audit_log"), reverse("governance:invite_user")):
            assert lands_on_login(client, url), url

    def test_admin_login_page_sends_to_the_portal_login(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_twelve_wrong_passwords_then_the_right_one_do_not_sign_in(self, client, superuser):
        for _ in range(12):
            client.post("/admin/login/", {"username": superuser.email, "password": "mauvais"})
            client.post(reverse("account_login"), {"login": superuser.email, "password": "x"})
        client.post("/admin/login/", {"username": superuser.email, "password": PASSWORD})
        response = client.post(
            reverse("account_login"), {"login": superuser.email, "password": PASSWORD}
        )
        assert response.status_code == 200  # the form again, with the rate-limit message
        assert not signed_in(client)
        assert lands_on_login(client, "/admin/")

    def test_password_then_code_opens_the_admin(self, client, superuser):
        portal_login(client, superuser)
        assert client.get("/admin/").status_code == 200

    def test_password_without_the_code_opens_nothing(self, client, superuser):
        portal_login(client, superuser, code=False)
        assert not signed_in(client)
        response = client.get("/admin/", follow=True)
        assert response.request["PATH_INFO"] == reverse("mfa_authenticate")  # the code, still

    def test_signed_in_elected_member_gets_no_admin(self, client, epci):
        elected = UserFactory(epci=epci)
        portal_login(client, elected, code=False)
        assert signed_in(client)
        assert client.get("/admin/login/").status_code == 403
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class TestPasswordOnlySessions:
    """A session opened by a bare password check (Django's ``login()``, as the admin login did)
    is signed out on the first page of a TOTP-protected account, account pages included."""

    @pytest.mark.parametrize(
        "url", ["/admin/", "/secretariat/journal/", "/secretariat/invitations/", "/comptes/2fa/"]
    )
    def test_superuser_password_only_session_is_signed_out(self, client, superuser, url):
        assert client.login(email=superuser.email, password=PASSWORD)
        assert lands_on_login(client, url)
        assert not signed_in(client)

    def test_secretariat_password_only_session_is_signed_out(self, client, secretariat):
        assert client.login(email=secretariat.email, password=PASSWORD)
        response = client.get(reverse("governance:audit_log"))
        assert response["Location"].startswith(reverse("account_login"))
        assert not signed_in(client)
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("double authentification" in m for m in messages)

    def test_secretariat_with_the_code_works(self, client, secretariat):
        portal_login(client, secretariat)
        assert client.get(reverse("governance:audit_log")).status_code == 200
        assert client.get(reverse("governance:invite_user")).status_code == 200

    @pytest.mark.django_db(transaction=True)
    def test_first_login_activates_totp_then_works(self, client, epci):
        """An invited secretariat account has no authenticator yet: its password leads to the
        activation page only; typing the first code of the new authenticator opens the portal."""
        user = UserFactory(epci=epci, secretariat=True)
        portal_login(client, user, code=False)
        response = client.get(reverse("governance:audit_log"))
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
        response = client.get(reverse("mfa_activate_totp"))
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(response["Location"], {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
        secret = page.context["form"].secret
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(secret, counter))
        # A real transaction: allauth signals the activation on commit, inside the request.
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
        assert response.status_code == 302
        assert client.get(reverse("governance:audit_log")).status_code == 200

    def test_elected_member_needs_no_code(self, client, epci):
        elected = UserFactory(epci=epci)
        assert client.login(email=elected.email, password=PASSWORD)
        assert client.get(reverse("portal:home")).status_code == 200


class TestOutboxInTheAdmin:
    def test_invitation_link_is_not_shown(self, client, secretariat, superuser):
        invite_user(
            actor=secretariat,
            email="nouvelle@exemple.test",
            first_name="Nina",
            last_name="FICTIVE",
            role="elected",
        )
        message = OutboundMessage.objects.get(category="invitation")
        link = next(w for w in message.body_text.split() if "/comptes/" in w)
        key = link.rstrip("/").rsplit("/", 1)[-1]
        assert len(key) > 16

        portal_login(client, superuser)
        change = client.get(reverse("admin:core_outboundmessage_change", args=[message.pk]))
        listing = client.get(reverse("admin:core_outboundmessage_changelist"))
        assert change.status_code == listing.status_code == 200
        for response in (change, listing):
            assert key not in response.content.decode()
        assert "lien personnel masqué" in change.content.decode()
        assert "Nina" in change.content.decode()  # the rest of the message is readable

    def test_outbox_rows_cannot_be_edited_in_the_admin(self, client, secretariat, superuser):
        invite_user(
            actor=secretariat,
            email="autre@exemple.test",
            first_name="Noa",
            last_name="FICTIF",
            role="elected",
        )
        message = OutboundMessage.objects.get(category="invitation")
        portal_login(client, superuser)
        url = reverse("admin:core_outboundmessage_change", args=[message.pk])
        assert 'name="to_email"' not in client.get(url).content.decode()
        client.post(url, {"to_email": "pirate@exemple.test", "body_text": "x"})
        message.refresh_from_db()
        assert message.to_email == "autre@exemple.test"


def test_no_admin_page_opens_to_a_password_only_session(client, superuser):
    """Every URL of the admin, as the permission matrix lists them, for a superuser session
    opened by the password alone: signed out before anything is shown."""
    from tests.security.framework_urls import framework_objects, framework_patterns, framework_url
    from tests.security.test_permission_matrix import walk
    from tests.security.world import build_world

    objects = framework_objects(build_world())
    admin_urls = [
        framework_url(route, key, groups, objects)
        for route, key, groups in framework_patterns(walk)
        if route.startswith("admin/") and key != "admin:login"
    ]
    assert len(admin_urls) > 30
    for url in admin_urls:
        assert client.login(email=superuser.email, password=PASSWORD)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
        assert not signed_in(client), url
