"""Convocation links: the read receipt is legal evidence, recorded only for the addressee (a
deliberate confirmation from the link, or their own signed-in view); every opening is logged
with its time and user agent; the link expires after the session; tokens stay out of the
access logs (runserver, gunicorn, Django's own warnings)."""

from __future__ import annotations

import datetime
import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from conferences.convocations import services as conv
from conferences.models import Convocation
from governance.models import AuditEvent
from tests.conferences.factories import ConvocationFactory, SessionFactory
from tests.factories import BodyFactory, EPCIFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (Test) Messagerie"


@pytest.fixture
def convocation(epci):
    body = BodyFactory(epci=epci, name="Conseil communautaire")
    session = SessionFactory(
        body=body, starts_at=timezone.now() + datetime.timedelta(days=10), status="convened"
    )
    person = PersonFactory(epci=epci)
    return ConvocationFactory(session=session, person=person, email=person.email)


def url(convocation: Convocation) -> str:
    return reverse("conferences:convocation_open", args=[convocation.token])


class TestReceipt:
    def test_a_stranger_of_another_epci_opening_the_link_records_no_receipt(
        self, client, convocation
    ):
        stranger = UserFactory(epci=EPCIFactory(siren="200011111"))
        client.force_login(stranger)
        assert client.get(url(convocation), HTTP_USER_AGENT=UA).status_code == 200
        convocation.refresh_from_db()
        assert convocation.acknowledged_at is None

    def test_anonymous_opening_records_no_receipt_but_is_logged(self, client, convocation):
        client.get(url(convocation), HTTP_USER_AGENT=UA)
        convocation.refresh_from_db()
        assert convocation.acknowledged_at is None
        event = AuditEvent.objects.get(action="convocation.link_opened")
        assert event.object_id == str(convocation.pk)
        assert event.data["user_agent"] == UA
        assert event.at is not None

    def test_each_opening_is_kept(self, client, convocation):
        for _ in range(3):
            client.get(url(convocation), HTTP_USER_AGENT=UA)
        assert AuditEvent.objects.filter(action="convocation.link_opened").count() == 3

    def test_the_addressee_confirms_by_a_deliberate_click(self, client, convocation):
        response = client.post(url(convocation), HTTP_USER_AGENT=UA)
        assert response.status_code == 302
        convocation.refresh_from_db()
        assert convocation.acknowledged_at is not None
        event = AuditEvent.objects.get(action="convocation.acknowledged")
        assert (event.data["channel"], event.data["user_agent"]) == ("link", UA)
        page = client.get(url(convocation)).content.decode()
        assert "Réception confirmée le" in page

    def test_the_addressee_signed_in_view_is_a_receipt(self, client, convocation):
        user = UserFactory(epci=convocation.person.epci, person=convocation.person)
        client.force_login(user)
        client.get(url(convocation), HTTP_USER_AGENT=UA)
        convocation.refresh_from_db()
        assert convocation.acknowledged_at is not None
        event = AuditEvent.objects.get(action="convocation.acknowledged")
        assert event.data["channel"] == "signed_in_view"

    def test_another_signed_in_account_cannot_confirm_for_the_addressee(self, client, convocation):
        colleague = UserFactory(epci=convocation.person.epci, person=PersonFactory())
        client.force_login(colleague)
        assert client.post(url(convocation)).status_code == 403
        convocation.refresh_from_db()
        assert convocation.acknowledged_at is None

    def test_unknown_token_is_not_found(self, client, convocation):
        assert client.get("/seances/convocation/inconnu/").status_code == 404
        assert client.post("/seances/convocation/inconnu/").status_code == 404

    def test_the_page_sends_its_origin_only_as_referer(self, client, convocation):
        assert client.get(url(convocation))["Referrer-Policy"] == "strict-origin"


class TestExpiry:
    def test_the_link_serves_until_the_end_of_the_session_day(self, client, convocation):
        session = convocation.session
        session.starts_at = timezone.now() - datetime.timedelta(days=1, hours=1)
        session.save(update_fields=["starts_at"])
        assert timezone.now() >= conv.link_expires_at(session)
        response = client.get(url(convocation))
        assert response.status_code == 410
        assert "expiré" in response.content.decode()
        assert client.post(url(convocation)).status_code == 410
        convocation.refresh_from_db()
        assert convocation.acknowledged_at is None

    def test_expiry_is_midnight_after_the_session_day_in_paris(self, convocation):
        session = convocation.session
        # 23:30 UTC on 31 March 2027 is already 1 April in Paris (summer time, UTC+2).
        session.starts_at = datetime.datetime(2027, 3, 31, 23, 30, tzinfo=datetime.UTC)
        expires = conv.link_expires_at(session)
        local = timezone.localtime(expires)
        assert (local.date(), local.hour, local.minute) == (datetime.date(2027, 4, 2), 0, 0)


class TestLogs:
    @pytest.fixture
    def captured(self):
        """The project's logging configuration, writing to a buffer."""
        buffer = io.StringIO()
        config = {**settings.LOGGING, "handlers": {}}
        for name, handler in settings.LOGGING["handlers"].items():
            config["handlers"][name] = {**handler, "stream": buffer}
        logging.config.dictConfig(config)
        yield buffer
        logging.config.dictConfig(settings.LOGGING)

    def test_runserver_access_log_masks_the_token(self, captured, convocation):
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /seances/convocation/{convocation.token}/ HTTP/1.1", 200, 512
        )
        output = captured.getvalue()
        assert "/seances/convocation/[masqué]/" in output
        assert convocation.token not in output

    def test_not_found_warnings_mask_the_token(self, captured, client, settings):
        settings.DEBUG = True  # Django's own "django" handler writes only when DEBUG
        client.get("/seances/convocation/jeton-secret-inexistant-123456/")
        client.get("/seances/flux/jeton-de-flux-prive-123456.ics")
        output = captured.getvalue()
        assert "Not Found" in output
        assert "jeton-secret" not in output and "jeton-de-flux" not in output

    def test_gunicorn_access_log_masks_path_and_referer(self, convocation):
        from gunicorn.config import Config

        from config.gunicorn_logging import RedactingLogger

        logger = RedactingLogger(Config())
        path = f"/seances/convocation/{convocation.token}/"
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": path,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_REFERER": "https://interco.example.org/seances/flux/abcdefgh12345678.ics",
        }

        class Response:
            status = "200 OK"
            sent = 10
            headers = []

        atoms = logger.atoms(Response(), [], environ, datetime.timedelta(seconds=0))
        line = " ".join(str(v) for v in atoms.values())
        assert convocation.token not in line
        assert "abcdefgh12345678" not in line
        assert atoms["U"] == "/seances/convocation/[masqué]/"
