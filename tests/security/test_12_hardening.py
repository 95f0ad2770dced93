"""Three hardenings: an address is used only once verified; personal pages and files are never
kept by a shared cache; WeasyPrint fetches nothing but data: URIs and the portal's static
files."""

from __future__ import annotations

import http.server
import threading

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from core.pdf import PortalURLFetcher, html_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-de-test"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


class TestSecondaryAddresses:
    def test_an_address_added_to_an_account_is_not_usable_before_verification(self, client, epci):
        attacker = UserFactory(epci=epci)
        client.force_login(attacker)
        victim_address = "victime@exemple.test"
        client.post(reverse("account_email"), {"action_add": "", "email": victim_address})
        attacker.refresh_from_db()
        assert attacker.email != victim_address
        assert not EmailAddress.objects.filter(email=victim_address, verified=True).exists()
        assert any(victim_address in m.to for m in mail.outbox)  # the verification goes there
        client.logout()
        # Unverified, the address opens nothing, even with the attacker's own password.
        client.post(reverse("account_login"), {"login": victim_address, "password": PASSWORD})
        assert "_auth_user_id" not in client.session

    def test_a_password_reset_for_the_address_reaches_only_its_verified_owner(self, client, epci):
        owner = UserFactory(epci=epci, email="proprietaire@exemple.test")
        squatter = UserFactory(epci=epci)
        EmailAddress.objects.create(user=squatter, email=owner.email, verified=False)
        mail.outbox.clear()
        client.post(reverse("account_reset_password"), {"email": owner.email})
        assert len(mail.outbox) == 1
        body = mail.outbox[0].body
        assert owner.email in mail.outbox[0].to
        assert f"/{_uid(owner)}-" in body and f"/{_uid(squatter)}-" not in body

    def test_an_account_created_without_a_verified_address_confirms_it_at_first_login(
        self, client, epci
    ):
        """createsuperuser leaves no verified address: the first login sends the link."""
        user = UserFactory(epci=None, is_superuser=True, is_staff=True)
        EmailAddress.objects.filter(user=user).delete()
        mail.outbox.clear()
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        assert "_auth_user_id" not in client.session
        assert response["Location"] == reverse("account_email_verification_sent")
        assert [m.to for m in mail.outbox] == [[user.email]]


def _uid(user) -> str:
    from allauth.account.utils import user_pk_to_url_str

    return user_pk_to_url_str(user)


class TestCacheControl:
    def test_signed_in_pages_are_private_and_not_stored(self, client, elected):
        client.force_login(elected)
        response = client.get(reverse("portal:home"))
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control

    def test_signed_in_file_downloads_are_not_stored(self, client, epci, secretariat):
        client.force_login(secretariat)
        response = client.get(reverse("governance:audit_export"))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]

    def test_token_pages_are_not_stored_either(self, client, epci):
        from tests.conferences.factories import CalendarFeedFactory

        feed = CalendarFeedFactory(user=UserFactory(epci=epci))
        response = client.get(reverse("conferences:feed_private", args=[feed.token]))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]

    def test_public_pages_stay_cacheable(self, client, council):
        response = client.get(reverse("conferences:public_body", args=[council.pk]))
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")


class _Spy(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Spy.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def spy_server():
    """An HTTP server on the loopback interface that counts the requests it gets."""
    _Spy.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Spy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


HOSTILE = """<html lang="fr"><head><link rel="stylesheet" href="{spy}/style.css"></head><body>
<img src="file:///etc/passwd" alt=""><img src="{spy}/pixel.png" alt="">
<iframe src="file:///etc/hostname"></iframe>
<p style="background: url('{spy}/fond.png')">Texte</p></body></html>"""


def _text(pdf: bytes) -> str:
    import io

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


class TestPdfFetcher:
    def test_file_and_http_references_fetch_nothing(self, spy_server):
        pdf = html_document(HOSTILE.format(spy=spy_server)).write_pdf()
        assert _Spy.hits == []
        assert "root:" not in _text(pdf)

    @pytest.mark.parametrize("pipeline", ["conferences", "referrals", "mutualisation"])
    def test_every_pdf_pipeline_uses_it(self, pipeline, spy_server, monkeypatch, epci):
        html = HOSTILE.format(spy=spy_server)
        if pipeline == "conferences":
            from conferences.pdf.render import html_to_pdf

            html_to_pdf(html)
        elif pipeline == "referrals":
            from referrals.consultation import synthesis

            monkeypatch.setattr(synthesis, "synthesis_context", lambda referral_id: {})
            monkeypatch.setattr(synthesis, "render_to_string", lambda *a, **k: html)
            synthesis.render_synthesis_pdf(referral_id=0)
        else:
            from mutualisation.reports import indicators as reports

            monkeypatch.setattr(reports, "render_to_string", lambda *a, **k: html)
            reports.render_pdf(epci=epci, data={})
        assert _Spy.hits == []

    def test_data_uris_and_the_portals_static_files_are_fetched(self, settings):
        fetcher = PortalURLFetcher()
        data = fetcher.fetch("data:text/plain;base64,Qm9uam91cg==")
        assert data.read() == b"Bonjour"
        logo = fetcher.fetch(f"{settings.SITE_URL}/static/img/logo-interco.svg")
        assert logo.read().lstrip().startswith(b"<")
        assert logo.content_type == "image/svg+xml"

    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "http://127.0.0.1:9/static/img/logo-interco.svg",
            "{site}/static/../config/settings.py",
            "{site}/static/%2e%2e/config/settings.py",
            "{site}/media/secret.pdf",
            "ftp://127.0.0.1/x",
        ],
    )
    def test_anything_else_is_refused(self, url, settings):
        with pytest.raises(ValueError):
            PortalURLFetcher().fetch(url.format(site=settings.SITE_URL))
