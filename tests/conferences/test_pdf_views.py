"""Downloading a session's PDF: the stored file is served, never rendered in the request; a
missing or stale document shows a waiting page and is queued; access follows the session's
visibility (public documents without login, 404 outside one's scope, login for anonymous)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from conferences.models import RenderedDocument
from conferences.pdf import documents, render
from conferences.pdf.tasks import render_session_document
from tests.conferences.sitting_setup import account
from tests.conferences.test_pdf_render import sat_session
from tests.factories import BodyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def no_rendering(monkeypatch):
    """Any rendering during the request fails the test."""

    def explode(*args, **kwargs):
        raise AssertionError("a PDF was rendered in the request")

    monkeypatch.setattr(documents, "render_source", explode)
    monkeypatch.setattr(render, "html_to_pdf", explode)
    monkeypatch.setattr(render, "html_document", explode)


def _url(session, kind):
    return reverse("conferences:session_pdf", kwargs={"pk": session.pk, "kind": kind})


class TestDownload:
    def test_ready_document_is_served_from_storage_with_a_telling_name(
        self, client, epci, secretariat, monkeypatch
    ):
        session, _, _ = sat_session(epci, secretariat)
        render_session_document(session.pk, "deliberations")
        stored = RenderedDocument.objects.get(session=session, kind="deliberations")
        monkeypatch.setattr(documents, "render_source", pytest.fail)
        client.force_login(secretariat)  # the public gets only the published list
        response = client.get(_url(session, "deliberations"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        day = session.starts_at.astimezone().date().isoformat()
        assert (
            f'filename="conseil-communautaire_{day}_liste-des-deliberations.pdf"'
            in response["Content-Disposition"]
        )
        content = b"".join(response.streaming_content)
        assert content.startswith(b"%PDF") and len(content) == stored.size

    def test_missing_document_shows_a_waiting_page_and_is_queued(
        self, client, epci, secretariat, no_rendering, django_capture_on_commit_callbacks
    ):
        session, _, _ = sat_session(epci, secretariat)
        with django_capture_on_commit_callbacks() as queued:
            response = client.get(_url(session, "convocation"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Document en préparation" in page and "Réessayer le téléchargement" in page
        assert len(queued) == 1
        document = RenderedDocument.objects.get(session=session, kind="convocation")
        assert document.status == RenderedDocument.Status.PENDING

    def test_stale_document_is_not_served(
        self, client, epci, secretariat, django_capture_on_commit_callbacks
    ):
        session, agenda, _ = sat_session(epci, secretariat)
        render_session_document(session.pk, "convocation")
        agenda[0].title = "Titre corrigé"
        agenda[0].save()
        with django_capture_on_commit_callbacks() as queued:
            response = client.get(_url(session, "convocation"))
        assert "Document en préparation" in response.content.decode() and len(queued) == 1

    def test_failed_document_says_so_and_is_tried_again(
        self, client, epci, secretariat, monkeypatch, django_capture_on_commit_callbacks
    ):
        session, _, _ = sat_session(epci, secretariat)
        monkeypatch.setattr(documents, "render_source", lambda *a: 1 / 0)
        assert render_session_document(session.pk, "convocation") == "failed"
        with django_capture_on_commit_callbacks() as queued:
            response = client.get(_url(session, "convocation"))
        assert "a échoué" in response.content.decode() and len(queued) == 1

    def test_query_count_does_not_depend_on_the_session_size(
        self, client, epci, secretariat, django_assert_max_num_queries
    ):
        session, _, _ = sat_session(epci, secretariat, items=12)
        render_session_document(session.pk, "deliberations")
        client.force_login(secretariat)
        with django_assert_max_num_queries(20):
            assert client.get(_url(session, "deliberations")).status_code == 200


class TestAccess:
    def test_anonymous(self, client, epci, secretariat, no_rendering):
        council, _, _ = sat_session(epci, secretariat)
        private, _, _ = sat_session(epci, secretariat, name="Bureau communautaire")
        private.body.is_public = False
        private.body.save()
        assert client.get(_url(council, "convocation")).status_code == 200
        for session, kind in [
            (council, "deliberations"),
            (council, "minutes"),
            (council, "pack"),
            (private, "convocation"),
        ]:
            response = client.get(_url(session, kind))
            assert response.status_code == 302 and "/comptes/login/" in response["Location"]
        assert client.get(_url(council, "nimportequoi")).status_code == 404

    def test_members_outsiders_and_non_members(
        self, client, epci, secretariat, outsider, no_rendering
    ):
        council, _, people = sat_session(epci, secretariat)
        private, _, _ = sat_session(epci, secretariat, name="Groupe de travail")
        private.body.is_public = False
        private.body.save()
        member = account(people[2])
        non_member = UserFactory(epci=epci)
        MembershipFactory(body=BodyFactory(epci=epci), person__epci=epci)
        cases = [
            (outsider, council, "convocation", 404),
            (outsider, private, "convocation", 404),
            (non_member, private, "convocation", 404),
            (non_member, council, "convocation", 200),
            (non_member, council, "minutes", 403),  # draft minutes: for the members
            (member, council, "minutes", 200),
            (member, council, "pack", 200),
            (secretariat, private, "minutes", 200),
        ]
        for user, session, kind, expected in cases:
            client.force_login(user)
            status = client.get(_url(session, kind)).status_code
            assert status == expected, (user, session, kind, status)

    def test_session_page_lists_the_documents(self, client, epci, secretariat):
        council, _, people = sat_session(epci, secretariat)
        response = client.get(reverse("conferences:session_detail", args=[council.pk]))
        page = response.content.decode()
        assert "Documents PDF" in page
        assert _url(council, "convocation") in page and _url(council, "minutes") not in page
        client.force_login(account(people[0]))
        page = client.get(reverse("conferences:session_detail", args=[council.pk])).content.decode()
        assert _url(council, "minutes") in page and _url(council, "pack") in page
