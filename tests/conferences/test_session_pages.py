"""Session pages of the secretariat and the members: access and pinned query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conferences.models import AgendaDocument, AgendaItem, Convocation, Session
from governance.rules import BodyKind
from tests.conferences.factories import AgendaDocumentFactory, AgendaItemFactory, SessionFactory
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _session_with(epci, *, items, members, kind=BodyKind.WORKING_GROUP, **kwargs):
    body = BodyFactory(epci=epci, kind=kind)
    for _ in range(members):
        MembershipFactory(body=body)
    session = SessionFactory(body=body, **kwargs)
    for position in range(1, items + 1):
        item = AgendaItemFactory(session=session, position=position)
        AgendaDocumentFactory(item=item)
    return session


class TestSessionDetail:
    def test_member_sees_private_session_others_404(self, client, epci, elected, outsider):
        session = _session_with(epci, items=1, members=1)
        MembershipFactory(body=session.body, person=elected.person)
        url = reverse("conferences:session_detail", args=[session.pk])
        client.force_login(elected)
        response = client.get(url)
        assert response.status_code == 200
        assert "Répondre à la convocation" in response.content.decode()
        colleague = UserFactory(epci=epci, person=PersonFactory(epci=epci))
        client.force_login(colleague)
        assert client.get(url).status_code == 404
        client.force_login(outsider)
        assert client.get(url).status_code == 404

    def test_public_council_session_visible_without_login_draft_hidden(self, client, epci):
        session = _session_with(epci, items=1, members=1, kind=BodyKind.COUNCIL)
        assert (
            client.get(reverse("conferences:session_detail", args=[session.pk])).status_code == 200
        )
        draft = _session_with(epci, items=1, members=1, kind=BodyKind.COUNCIL, draft=True)
        response = client.get(reverse("conferences:session_detail", args=[draft.pk]))
        assert response.status_code == 302 and "/comptes/login/" in response["Location"]

    def test_private_session_sends_anonymous_to_login(self, client, epci):
        session = _session_with(epci, items=1, members=1)
        response = client.get(reverse("conferences:session_detail", args=[session.pk]))
        assert response.status_code == 302

    def test_secretariat_sees_last_legal_sending_day(self, client, epci, secretariat):
        session = _session_with(
            epci,
            items=1,
            members=1,
            kind=BodyKind.COUNCIL,
            draft=True,
            starts_at=timezone.now() + datetime.timedelta(days=30),
        )
        client.force_login(secretariat)
        page = client.get(reverse("conferences:session_detail", args=[session.pk])).content.decode()
        assert "Dernier jour d'envoi légal" in page
        assert "Envoyer la convocation" in page

    @pytest.mark.parametrize("items,members", [(3, 5), (20, 40)])
    def test_query_count_is_constant(
        self, client, epci, elected, items, members, django_assert_num_queries
    ):
        session = _session_with(epci, items=items, members=members)
        MembershipFactory(body=session.body, person=elected.person)
        client.force_login(elected)
        # session, user, session+body+place, items with their documents, sits_on, my reply,
        # epci (header)
        with django_assert_num_queries(7):
            response = client.get(reverse("conferences:session_detail", args=[session.pk]))
        assert len(response.context["items"]) == items

    def test_no_reply_query_once_replies_are_closed(
        self, client, epci, elected, django_assert_num_queries
    ):
        session = _session_with(epci, items=3, members=2, past=True)
        MembershipFactory(body=session.body, person=elected.person)
        client.force_login(elected)
        # session, user, session+body+place, items with their documents, sits_on, epci (header)
        with django_assert_num_queries(6):
            response = client.get(reverse("conferences:session_detail", args=[session.pk]))
        assert response.context["sits"] is True and response.context["reply"] is None
        assert "Ma réponse" not in response.content.decode()

    @pytest.mark.parametrize("items,members", [(3, 5), (20, 40)])
    def test_secretariat_on_a_held_session_in_constant_queries(
        self, client, epci, secretariat, items, members, django_assert_num_queries
    ):
        session = _session_with(epci, items=items, members=members, past=True)
        client.force_login(secretariat)
        # session, user, TOTP check, session+body+place, items with their documents,
        # convocation summary, epci (header): whether the secretariat sits on the body is not
        # asked, replies being closed
        with django_assert_num_queries(7):
            response = client.get(reverse("conferences:session_detail", args=[session.pk]))
        page = response.content.decode()
        assert "Procès-verbal et publications" in page
        assert "Ma réponse" not in page and response.context["sits"] is False
        assert len(response.context["items"]) == items

    def test_agenda_shows_items_notes_documents_and_opinion(self, client, epci, elected):
        session = _session_with(epci, items=0, members=1)
        MembershipFactory(body=session.body, person=elected.person)
        rapporteur = PersonFactory(epci=epci, first_name="Léa", last_name="Rapporteuse")
        first = AgendaItemFactory(
            session=session,
            position=1,
            title="Budget <primitif> & annexes",
            kind=AgendaItem.Kind.OPINION,
            rapporteur=rapporteur,
            summary_note="Premier & <b>paragraphe</b>\nsuite\n\nSecond",
            opinion="Favorable & <unanime>",
        )
        AgendaItemFactory(session=session, position=2, title="Sans note", summary_note="")
        later = AgendaDocumentFactory(item=first, name="b-annexe.pdf", size=2048)
        earlier = AgendaDocumentFactory(item=first, name="a-rapport.pdf", size=1_500_000)
        client.force_login(elected)
        response = client.get(reverse("conferences:session_detail", args=[session.pk]))
        page = response.content.decode()
        assert [row.title for row in response.context["items"]] == [
            "Budget <primitif> & annexes",
            "Sans note",
        ]
        assert "<h3>Budget &lt;primitif&gt; &amp; annexes</h3>" in page
        assert "Avis — rapporteur : Léa Rapporteuse" in page
        assert (
            "<h4>Note explicative de synthèse</h4><p>Premier &amp; &lt;b&gt;paragraphe&lt;/b&gt;"
            "<br>suite</p>\n\n<p>Second</p></div>" in page
        )
        assert page.count("Note explicative de synthèse") == 1  # not for the item without one
        assert "<strong>Avis rendu :</strong> Favorable &amp; &lt;unanime&gt;" in page
        earlier_url = reverse("conferences:document_download", args=[earlier.pk])
        later_url = reverse("conferences:document_download", args=[later.pk])
        assert f'<li><a href="{earlier_url}">a-rapport.pdf</a> (PDF, 1,4\xa0Mio)</li>' in page
        assert page.index(earlier_url) < page.index(later_url)  # by name


class TestSecretariatPages:
    def test_elected_gets_403_outsider_404(self, client, epci, elected, outsider):
        session = _session_with(epci, items=1, members=1, kind=BodyKind.COUNCIL)
        for name in (
            "conferences:session_agenda",
            "conferences:session_edit",
            "conferences:session_recipients",
            "conferences:session_cancel",
        ):
            url = reverse(name, args=[session.pk])
            client.force_login(elected)
            assert client.get(url).status_code == 403, name
            client.force_login(outsider)
            assert client.get(url).status_code == 404, name
        client.force_login(elected)
        assert client.get(reverse("conferences:session_create")).status_code == 403
        assert (
            client.post(reverse("conferences:session_convene", args=[session.pk])).status_code
            == 403
        )

    def test_create_build_agenda_reorder_and_convene(self, client, epci, secretariat):
        council = BodyFactory(epci=epci, kind=BodyKind.COUNCIL)
        MembershipFactory(body=council)
        client.force_login(secretariat)
        starts = (timezone.localtime() + datetime.timedelta(days=20)).strftime("%Y-%m-%dT18:00")
        response = client.post(
            reverse("conferences:session_create"),
            {
                "body": council.pk,
                "starts_at": starts,
                "mode": "in_person",
                "address": "Salle du conseil",
            },
        )
        session = Session.objects.get()
        assert response["Location"] == reverse("conferences:session_agenda", args=[session.pk])
        for title in ("Premier", "Second"):
            client.post(
                reverse("conferences:session_agenda", args=[session.pk]),
                {"item-title": title, "item-kind": "deliberation"},
            )
        second = AgendaItem.objects.get(title="Second")
        client.post(reverse("conferences:item_move", args=[second.pk]), {"direction": "up"})
        assert list(session.items.order_by("position").values_list("title", flat=True)) == [
            "Second",
            "Premier",
        ]
        response = client.post(
            reverse("conferences:session_convene", args=[session.pk]), {}, follow=True
        )
        assert "Convocation envoyée" in response.content.decode()
        response = client.post(
            reverse("conferences:session_convene", args=[session.pk]), {}, follow=True
        )
        assert "Action déjà effectuée" in response.content.decode()
        assert Convocation.objects.count() == 1

    def test_form_error_keeps_input(self, client, epci, secretariat):
        council = BodyFactory(epci=epci, kind=BodyKind.COUNCIL)
        client.force_login(secretariat)
        response = client.post(
            reverse("conferences:session_create"),
            {
                "body": council.pk,
                "starts_at": "2020-01-01T18:00",
                "mode": "in_person",
                "address": "Salle gardée",
            },
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "La séance doit avoir lieu dans le futur." in page
        assert 'value="Salle gardée"' in page

    def test_late_convocation_refused_with_message(self, client, epci, secretariat):
        session = _session_with(
            epci,
            items=1,
            members=1,
            kind=BodyKind.COUNCIL,
            draft=True,
            starts_at=timezone.now() + datetime.timedelta(days=2),
        )
        client.force_login(secretariat)
        response = client.post(
            reverse("conferences:session_convene", args=[session.pk]), follow=True
        )
        assert "5 jours francs est dépassé" in response.content.decode()
        assert Session.objects.get(pk=session.pk).status == Session.Status.DRAFT

    @pytest.mark.parametrize(
        "upload,message",
        [
            (SimpleUploadedFile("note.pdf", b"MZ\x90\x00 not a pdf"), "pas un fichier PDF valide"),
            (SimpleUploadedFile("vide.pdf", b""), "Le fichier"),
        ],
    )
    def test_bad_document_refused_and_nothing_lost(
        self, client, epci, secretariat, upload, message
    ):
        session = _session_with(epci, items=1, members=1, draft=True)
        item = session.items.get()
        before = AgendaDocument.objects.count()
        client.force_login(secretariat)
        response = client.post(reverse("conferences:item_upload", args=[item.pk]), {"file": upload})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert AgendaDocument.objects.count() == before
        assert AgendaItem.objects.filter(pk=item.pk).exists()

    def test_oversized_document_refused(self, client, epci, secretariat, settings):
        settings.UPLOAD_MAX_SIZE = 10
        session = _session_with(epci, items=1, members=1, draft=True)
        item = session.items.get()
        client.force_login(secretariat)
        response = client.post(
            reverse("conferences:item_upload", args=[item.pk]),
            {"file": SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"x" * 50)},
        )
        assert "la limite est de 10" in response.content.decode()

    def test_good_document_with_path_in_name_is_stored_safely(self, client, epci, secretariat):
        session = _session_with(epci, items=1, members=1, draft=True)
        item = session.items.get()
        client.force_login(secretariat)
        client.post(
            reverse("conferences:item_upload", args=[item.pk]),
            {"file": SimpleUploadedFile("../../etc/note de synthèse.pdf", b"%PDF-1.4\n%%EOF")},
        )
        document = item.documents.order_by("-pk").first()
        assert document.name == "note-de-synthèse.pdf"
        assert ".." not in document.file.name

    def test_member_downloads_document_non_member_404(self, client, epci, elected):
        session = _session_with(epci, items=1, members=1)
        document = session.items.get().documents.get()
        MembershipFactory(body=session.body, person=elected.person)
        client.force_login(elected)
        response = client.get(reverse("conferences:document_download", args=[document.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        colleague = UserFactory(epci=epci, person=PersonFactory(epci=epci))
        client.force_login(colleague)
        assert (
            client.get(reverse("conferences:document_download", args=[document.pk])).status_code
            == 404
        )

    @pytest.mark.parametrize("members", [3, 30])
    def test_recipients_query_count(
        self, client, epci, secretariat, members, django_assert_num_queries
    ):
        from conferences.convocations.services import convene_session

        session = _session_with(epci, items=1, members=members, kind=BodyKind.COUNCIL, draft=True)
        convene_session(actor=secretariat, session=session)
        client.force_login(secretariat)
        # session, user, totp, session, convocations, replies, outbox rows, epci (header)
        with django_assert_num_queries(8):
            response = client.get(reverse("conferences:session_recipients", args=[session.pk]))
        assert len(response.context["convocations"]) == members
        assert all(c.message is not None for c in response.context["convocations"])


def test_session_created_from_a_reached_mayors_request_is_linked(client, epci, secretariat):
    from conferences.models import MayorsRequest
    from tests.conferences.factories import MayorsRequestFactory

    conference = BodyFactory(epci=epci, kind=BodyKind.MAYORS_CONFERENCE)
    request = MayorsRequestFactory(body=conference, status=MayorsRequest.Status.REACHED)
    client.force_login(secretariat)
    url = reverse("conferences:session_create") + f"?demande={request.pk}"
    assert client.get(url).status_code == 200
    starts = (timezone.localtime() + datetime.timedelta(days=20)).strftime("%Y-%m-%dT18:00")
    client.post(url, {"body": conference.pk, "starts_at": starts, "mode": "video"})
    session = Session.objects.get()
    request.refresh_from_db()
    assert request.status == MayorsRequest.Status.CONVENED
    assert session.mayors_request_id == request.pk
    assert session.origin == Session.Origin.MAYORS_REQUEST
    open_request = MayorsRequestFactory(body=conference)
    assert (
        client.get(
            reverse("conferences:session_create") + f"?demande={open_request.pk}"
        ).status_code
        == 404
    )
