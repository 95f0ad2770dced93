"""The list of deliberations of a public council reaches the public only once the secretariat
has published it (L2121-25): before, while the votes are being entered, an anonymous visitor
gets neither the document nor a link to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conferences.models import Publication, RenderedDocument
from conferences.pdf.tasks import render_session_document
from conferences.publication.services import publish_deliberations_list
from tests.conferences.minutes_setup import FAKE_PDF, install_fake_pdf, recorded_session

pytestmark = pytest.mark.django_db


def pdf_url(session, kind="deliberations"):
    return reverse("conferences:session_pdf", kwargs={"pk": session.pk, "kind": kind})


@pytest.fixture
def held_council(epci, secretariat):
    session, _, _ = recorded_session(epci, secretariat)
    assert session.body.is_public
    render_session_document(session.pk, "deliberations")  # the working list exists, rendered
    assert RenderedDocument.objects.filter(session=session, kind="deliberations").exists()
    return session


def test_anonymous_gets_no_unpublished_list(client, held_council):
    response = client.get(pdf_url(held_council))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_session_page_does_not_link_it(client, held_council):
    page = client.get(reverse("conferences:session_detail", args=[held_council.pk]))
    assert page.status_code == 200
    assert pdf_url(held_council) not in page.content.decode()
    assert pdf_url(held_council, "convocation") in page.content.decode()


def test_once_published_the_public_gets_the_published_file(
    client, held_council, secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    install_fake_pdf(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        publish_deliberations_list(actor=secretariat, session=held_council)
    publication = Publication.objects.get(session=held_council, kind="deliberations")
    response = client.get(pdf_url(held_council))
    assert response.status_code == 302
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == FAKE_PDF
    body_page = client.get(reverse("conferences:public_body", args=[held_council.body.pk]))
    assert publication.filename in body_page.content.decode()


def test_members_still_read_the_working_list(client, held_council, secretariat):
    client.force_login(secretariat)
    assert client.get(pdf_url(held_council)).status_code == 200
