"""Public pages: the home page for anonymous visitors, a public body's publications (R2131-1),
downloads without login, and the Atom/RSS feed of publications."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conferences.models import Publication
from tests.conferences.factories import SessionFactory
from tests.factories import BodyFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PDF = b"%PDF-1.7\n% publication de test\n%%EOF\n"


def publish(body, *, kind="minutes", days_ago=1, version=1, session=None, title=None):
    session = session or SessionFactory(body=body, past=True)
    filename = f"{body.pk}-{session.pk}-{kind}-v{version}.pdf"
    return Publication.objects.create(
        body=body,
        session=session,
        kind=kind,
        version=version,
        title=title or f"{Publication.Kind(kind).label} de la séance du {session.pk}",
        file=ContentFile(PDF, name=filename),
        filename=filename,
        size=len(PDF),
        author="Le président",
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def public_council(epci):
    return BodyFactory(epci=epci, name="Conseil communautaire")


@pytest.fixture
def private(epci):
    return BodyFactory(epci=epci, kind="working_group", name="Groupe de travail Voirie")


class TestPublicBodyPage:
    def test_lists_publications_newest_first_with_date_and_download(self, client, public_council):
        old = publish(public_council, kind="deliberations", days_ago=40, title="Liste ancienne")
        new = publish(public_council, kind="minutes", days_ago=2, title="PV récent")
        response = client.get(reverse("conferences:public_body", args=[public_council.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert page.index("PV récent") < page.index("Liste ancienne")
        for publication in (old, new):
            assert (
                reverse(
                    "conferences:publication_download", args=[publication.pk, publication.filename]
                )
                in page
            )
            assert timezone.localtime(publication.published_at).strftime("%Y-%m-%d") in page

    def test_private_body_has_no_public_page(self, client, private):
        assert client.get(reverse("conferences:public_body", args=[private.pk])).status_code == 404

    @pytest.mark.parametrize("count", [2, 15])
    def test_query_count_is_constant(
        self, client, public_council, count, django_assert_num_queries
    ):
        for n in range(count):
            publish(public_council, days_ago=n + 1, kind="minutes")
        # body, publications (with their sessions)
        with django_assert_num_queries(2):
            assert (
                client.get(reverse("conferences:public_body", args=[public_council.pk])).status_code
                == 200
            )


class TestDownload:
    def test_anonymous_download(self, client, public_council):
        publication = publish(public_council)
        response = client.get(
            reverse("conferences:publication_download", args=[publication.pk, publication.filename])
        )
        assert response.status_code == 200
        assert f'filename="{publication.filename}"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF

    def test_wrong_name_redirects_to_the_right_one(self, client, public_council):
        publication = publish(public_council)
        response = client.get(
            reverse("conferences:publication_download", args=[publication.pk, "x.pdf"])
        )
        assert response.status_code == 302
        assert response["Location"].endswith(publication.filename)

    def test_private_body_publication_is_not_public(self, client, private, secretariat):
        publication = publish(private)
        url = reverse(
            "conferences:publication_download", args=[publication.pk, publication.filename]
        )
        assert client.get(url).status_code == 404
        client.force_login(secretariat)
        assert client.get(url).status_code == 404


class TestFeeds:
    def test_atom_feed_is_valid_and_lists_public_publications(
        self, client, public_council, private
    ):
        first = publish(public_council, kind="deliberations", days_ago=3)
        second = publish(public_council, kind="minutes", days_ago=1)
        publish(private)
        response = client.get(reverse("conferences:publications_feed"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        assert root.tag == f"{ATOM}feed"
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 2
        titles = [e.find(f"{ATOM}title").text for e in entries]
        assert titles == [f"Conseil communautaire — {p.title}" for p in (second, first)]
        links = entries[0].findall(f"{ATOM}link")
        hrefs = {link.get("rel"): link.get("href") for link in links}
        assert hrefs["alternate"].endswith(second.filename)
        assert hrefs["enclosure"].endswith(second.filename)
        assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Le président"
        updated = datetime.datetime.fromisoformat(entries[0].find(f"{ATOM}updated").text)
        assert updated == second.published_at

    def test_rss_variant(self, client, public_council):
        publish(public_council)
        response = client.get(reverse("conferences:publications_rss"))
        root = ET.fromstring(response.content)
        assert root.tag == "rss" and len(root.findall("channel/item")) == 1


class TestPublicHome:
    def test_anonymous_home_reaches_the_documents_in_two_clicks(
        self, client, public_council, private
    ):
        publication = publish(public_council)
        home = client.get("/")
        assert home.status_code == 200
        page = home.content.decode()
        body_url = reverse("conferences:public_body", args=[public_council.pk])
        assert body_url in page  # click 1
        assert reverse("conferences:public_body", args=[private.pk]) not in page
        download = reverse(
            "conferences:publication_download", args=[publication.pk, publication.filename]
        )
        assert download in client.get(body_url).content.decode()  # click 2
        assert client.get(download).status_code == 200

    @pytest.mark.parametrize("count", [1, 12])
    def test_home_query_count_is_constant(
        self, client, public_council, count, django_assert_num_queries
    ):
        for n in range(count):
            publish(public_council, days_ago=n + 1)
        # public bodies, latest publications
        with django_assert_num_queries(2):
            assert client.get("/").status_code == 200

    def test_signed_in_users_keep_their_dashboard(self, client, elected):
        client.force_login(elected)
        page = client.get("/").content.decode()
        assert "Portail intercommunal" not in page and "Mes mandats" in page
