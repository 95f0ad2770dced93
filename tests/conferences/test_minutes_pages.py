"""Minutes and publication pages: personas (secretariat 200, same-EPCI user 403, other EPCI
404), the workflow through the pages, and pinned query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.minutes.services import adopt_minutes, start_minutes, submit_minutes
from conferences.models import Minutes, Session
from tests.conferences.minutes_setup import (
    hold,
    install_fake_pdf,
    next_session_of,
    recorded_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_pdf(monkeypatch):
    return install_fake_pdf(monkeypatch)


def _url(name, pk=None):
    return reverse(name, kwargs={"pk": pk}) if pk else reverse(name)


class TestPersonas:
    @pytest.mark.parametrize(
        "name",
        [
            "conferences:minutes_edit",
            "conferences:minutes_versions",
            "conferences:minutes_correction",
            "conferences:minutes_action",
        ],
    )
    def test_session_pages(self, client, epci, secretariat, elected, outsider, name):
        session, _, _ = recorded_session(epci, secretariat)
        start_minutes(actor=secretariat, session=session)
        url = _url(name, session.pk)
        method = client.post if name == "conferences:minutes_action" else client.get
        client.force_login(elected)  # the council is public: sees the session, may not manage it
        assert method(url).status_code == 403
        client.force_login(outsider)
        assert method(url).status_code == 404
        client.force_login(secretariat)
        assert method(url).status_code in (200, 302)

    def test_dashboard(self, client, secretariat, elected):
        client.force_login(elected)
        assert client.get(_url("conferences:publication_dashboard")).status_code == 403
        client.force_login(secretariat)
        assert client.get(_url("conferences:publication_dashboard")).status_code == 200


class TestWorkflowPages:
    def test_draft_to_publication_through_the_pages(
        self, client, epci, secretariat, fake_pdf, django_capture_on_commit_callbacks
    ):
        session, _, people = recorded_session(epci, secretariat)
        client.force_login(secretariat)
        edit, action = (
            _url("conferences:minutes_edit", session.pk),
            _url("conferences:minutes_action", session.pk),
        )
        assert "Commencer le procès-verbal" in client.get(edit).content.decode()
        client.post(action, {"step": "start"})
        response = client.post(action, {"step": "start"}, follow=True)
        assert "Action déjà effectuée" in response.content.decode()
        page = client.post(
            edit,
            {"debates_html": '<p class=MsoNormal style="mso-x:1">Le <b>débat</b></p>'},
            follow=True,
        ).content.decode()
        assert "Le <strong>débat</strong>" in page and "MsoNormal" not in page
        # Out of order: refused with the reason.
        page = client.post(action, {"step": "adopt"}, follow=True).content.decode()
        assert "Soumettez d&#x27;abord le procès-verbal" in page
        page = client.post(action, {"step": "submit"}, follow=True).content.decode()
        assert "programmez la prochaine séance" in page
        nxt = next_session_of(session)
        client.post(action, {"step": "submit"})
        hold(nxt)
        client.post(action, {"step": "adopt"})
        page = client.post(
            edit, {"debates_html": "<p>Changement</p>"}, follow=True
        ).content.decode()
        assert "adoptez une version corrigée" in page
        client.post(action, {"step": "sign", "role": "president"})
        client.post(action, {"step": "sign", "role": "secretary", "person": people[1].pk})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(action, {"step": "publish"})
        minutes = Minutes.objects.get(session=session)
        assert minutes.status == Minutes.Status.PUBLISHED
        assert minutes.session.publications.get().version == 1
        page = client.get(_url("conferences:minutes_versions", session.pk)).content.decode()
        assert "Version 1 (en vigueur)" in page and "Le <strong>débat</strong>" in page

    def test_correction_page(self, client, epci, secretariat):
        session, _, _ = recorded_session(epci, secretariat)
        minutes = start_minutes(actor=secretariat, session=session)
        hold_next = next_session_of(session)
        submit_minutes(actor=secretariat, minutes=minutes)
        hold(hold_next)
        adopt_minutes(actor=secretariat, minutes=minutes)
        client.force_login(secretariat)
        url = _url("conferences:minutes_correction", session.pk)
        response = client.post(
            url,
            {
                "adopting_session": hold_next.pk,
                "correction_note": "Nom mal orthographié.",
                "debates_html": "<p>corrigé</p>",
            },
        )
        assert response.status_code == 302
        assert minutes.versions.count() == 2
        page = client.get(_url("conferences:minutes_versions", session.pk)).content.decode()
        assert "Version 2 (en vigueur)" in page and "Nom mal orthographié." in page
        assert "Version 1" in page


class TestQueryCounts:
    @pytest.mark.parametrize("size", [5, 30])
    def test_edit_page(self, client, epci, secretariat, size, django_assert_num_queries):
        session, _, _ = recorded_session(epci, secretariat, size=size)
        start_minutes(actor=secretariat, session=session)
        client.force_login(secretariat)
        with django_assert_num_queries(18):
            assert client.get(_url("conferences:minutes_edit", session.pk)).status_code == 200

    @pytest.mark.parametrize("sessions", [2, 8])
    def test_dashboard(self, client, epci, secretariat, sessions, django_assert_num_queries):
        for n in range(sessions):
            session, _, _ = recorded_session(epci, secretariat)
            Session.objects.filter(pk=session.pk).update(
                starts_at=timezone.now() - datetime.timedelta(days=n * 9)
            )
            if n % 2:
                start_minutes(actor=secretariat, session=session)
        client.force_login(secretariat)
        with django_assert_num_queries(7):
            page = client.get(_url("conferences:publication_dashboard"))
        content = page.content.decode()
        assert content.count("<tr>") == sessions + 1
        assert "En retard : dû le" in content
