"""Pages: the right persona (200), a wrong persona of the same EPCI (403, or 404 for another
commune's objects), an outsider of another EPCI (404), and query counts that do not grow."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import Mandate
from mutualisation.models import Convention, ServiceRequest
from tests.factories import CommuneFactory, MandateFactory, PersonFactory, UserFactory
from tests.mutualisation.factories import (
    BookingFactory,
    ConventionFactory,
    EquipmentItemFactory,
    MissionFactory,
    ServiceRequestFactory,
    in_days,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, **kwargs):
    return reverse(f"mutualisation:{name}", kwargs=kwargs)


@pytest.fixture
def own_request(commune, legal_offer, dgs):
    return ServiceRequestFactory(commune=commune, offer=legal_offer, requested_by=dgs)


class TestRequestAccess:
    def test_own_commune_and_staff_see_it(self, client, dgs, agent, own_request):
        for user in (dgs, agent):
            client.force_login(user)
            response = client.get(url("request_detail", pk=own_request.pk))
            assert response.status_code == 200
            assert own_request.subject in response.content.decode()

    def test_other_commune_same_epci_gets_404(self, client, other_dgs, elected, own_request):
        for user in (other_dgs, elected):
            client.force_login(user)
            assert client.get(url("request_detail", pk=own_request.pk)).status_code == 404

    def test_outsider_gets_404(self, client, outsider, own_request):
        client.force_login(outsider)
        assert client.get(url("request_detail", pk=own_request.pk)).status_code == 404
        response = client.post(url("request_action", pk=own_request.pk, action="accept"))
        assert response.status_code == 404

    def test_commune_may_not_take_staff_steps(self, client, dgs, own_request):
        client.force_login(dgs)
        response = client.post(url("request_action", pk=own_request.pk, action="accept"))
        assert response.status_code == 403

    def test_mayor_acts_for_their_commune(self, client, epci, commune, own_request):
        person = PersonFactory(epci=epci)
        MandateFactory(person=person, commune=commune, kind=Mandate.Kind.MAYOR)
        mayor = UserFactory(epci=epci, person=person)
        client.force_login(mayor)
        assert client.get(url("request_detail", pk=own_request.pk)).status_code == 200

    def test_list_shows_only_own_requests(self, client, dgs, other_dgs, own_request, legal_offer):
        foreign = ServiceRequestFactory(commune=other_dgs.commune, offer=legal_offer)
        client.force_login(dgs)
        listed = list(client.get(url("request_list")).context["page"].object_list)
        assert listed == [own_request]
        assert foreign not in listed

    def test_elected_without_a_commune_gets_403_on_the_list(self, client, elected):
        client.force_login(elected)
        assert client.get(url("request_list")).status_code == 403

    @pytest.mark.parametrize("n", [2, 7])
    def test_detail_query_count(
        self, client, dgs, agent, own_request, n, django_assert_num_queries
    ):
        from mutualisation.requests import services as svc

        for i in range(n):
            svc.post_message(actor=dgs, request=own_request, body=f"m{i}", from_staff=False)
        client.force_login(agent)
        # session, user, request, 4 prefetches (transitions, messages, attachments, time
        # entries), epci (header), agents of the accept form (the select renders them twice)
        with django_assert_num_queries(10):
            assert client.get(url("request_detail", pk=own_request.pk)).status_code == 200


class TestRequestList:
    @pytest.mark.parametrize("n", [3, 60])
    def test_query_count(
        self, client, agent, epci, commune, legal_offer, n, django_assert_num_queries
    ):
        ServiceRequestFactory.create_batch(n, commune=commune, offer=legal_offer)
        client.force_login(agent)
        # session, user, count, the page (its ids picked in a subquery), epci (header)
        with django_assert_num_queries(5):
            assert client.get(url("request_list")).status_code == 200

    def test_pages_newest_first_with_ready_rows(
        self, client, agent, dgs, epci, commune, legal_offer
    ):
        start = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
        made = [
            ServiceRequestFactory(
                commune=commune,
                offer=legal_offer,
                submitted_at=start + datetime.timedelta(hours=i // 2),  # pairs: same instant
            )
            for i in range(55)
        ]
        newest_first = sorted(made, key=lambda r: (r.submitted_at, r.pk), reverse=True)
        late = newest_first[1]
        ServiceRequest.objects.filter(pk=late.pk).update(
            status=ServiceRequest.Status.IN_PROGRESS,
            assigned_to=agent,
            due_on=datetime.date(2020, 1, 31),
        )
        client.force_login(agent)
        first = client.get(url("request_list"))
        assert list(first.context["page"].object_list) == newest_first[:50]
        rows = first.context["requests"]
        assert [row["number"] for row in rows] == [str(r.pk) for r in newest_first[:50]]
        assert rows[0] == {
            "number": str(newest_first[0].pk),
            "url": url("request_detail", pk=newest_first[0].pk),
            "subject": newest_first[0].subject,
            "commune": "Villetest",
            "offer": "Assistance juridique",
            "status": "Déposée",
            "overdue": False,
            "agent": "—",
            "due_on": "—",
        }
        assert rows[1]["status"] == "En cours de traitement" and rows[1]["overdue"] is True
        assert (rows[1]["agent"], rows[1]["due_on"]) == (agent.get_full_name(), "31/01/2020")
        page = first.content.decode()
        assert f'<a href="{rows[0]["url"]}">{newest_first[0].subject}</a>' in page
        assert '<strong class="overdue">(en retard)</strong>' in page
        assert "Page 1 sur 2." in page
        second = client.get(url("request_list"), {"page": 2})
        assert list(second.context["page"].object_list) == newest_first[50:]
        beyond = client.get(url("request_list"), {"page": 9})
        assert list(beyond.context["page"].object_list) == newest_first[50:]
        waiting = client.get(url("request_list"), {"etat": "in_progress"})
        assert [row["number"] for row in waiting.context["requests"]] == [str(late.pk)]
        client.force_login(dgs)  # the request's commune: the same rows
        assert len(client.get(url("request_list")).context["requests"]) == 50


class TestFilingThroughTheForm:
    def test_ineligible_commune_is_told_why(self, client, epci, engineering_offer):
        big = CommuneFactory(epci=epci, name="Grandeville", population=48000)
        ConventionFactory(commune=big, options=[])
        user = UserFactory(epci=epci, dgs=True, commune=big)
        client.force_login(user)
        response = client.get(url("request_create", offer_pk=engineering_offer.pk))
        assert response.status_code == 200
        assert "4\u202f999 habitants au plus" in response.content.decode()
        assert "Déposer la demande" not in response.content.decode()

    def test_post_creates_a_request(self, client, dgs, convention, legal_offer):
        client.force_login(dgs)
        response = client.post(
            url("request_create", offer_pk=legal_offer.pk),
            {
                "subject": "Arrêté de police",
                "domain": "police",
                "description": "Stationnement",
                "attachment": SimpleUploadedFile("note.pdf", PDF, "application/pdf"),
            },
        )
        service_request = ServiceRequest.objects.get()
        assert response.status_code == 302
        assert service_request.attachments.get().original_name == "note.pdf"

    def test_bad_attachment_keeps_the_rest_of_the_form(self, client, dgs, convention, legal_offer):
        client.force_login(dgs)
        response = client.post(
            url("request_create", offer_pk=legal_offer.pk),
            {
                "subject": "Arrêté de police",
                "domain": "police",
                "description": "Stationnement gênant",
                "attachment": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", "application/pdf"),
            },
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert (
            "« virus.pdf » n&#x27;est pas un fichier d&#x27;un type accepté "
            "(PDF, PNG, JPEG, DOCX, XLSX, ODT ou ODS)"
        ) in page
        assert "Stationnement gênant" in page and 'value="Arrêté de police"' in page
        assert not ServiceRequest.objects.exists()

    def test_too_big_attachment_is_refused(self, client, dgs, convention, legal_offer):
        client.force_login(dgs)
        big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (20 * 1024 * 1024), "application/pdf")
        response = client.post(
            url("request_create", offer_pk=legal_offer.pk),
            {"subject": "x", "domain": "other", "description": "y", "attachment": big},
        )
        assert "20 Mo" in response.content.decode()
        assert not ServiceRequest.objects.exists()


class TestDashboard:
    def test_staff_only(self, client, agent, dgs):
        client.force_login(agent)
        assert client.get(url("dashboard")).status_code == 200
        client.force_login(dgs)
        assert client.get(url("dashboard")).status_code == 403

    def test_outsider_sees_nothing_of_ours(self, client, outsider, own_request):
        ServiceRequest.objects.filter(pk=own_request.pk).update(due_on=datetime.date(2020, 1, 1))
        client.force_login(outsider)
        response = client.get(url("dashboard"))
        assert response.context["overdue"] == [] and response.context["unassigned"] == []

    @pytest.mark.parametrize("n", [2, 8])
    def test_query_count(self, client, agent, epci, legal_offer, n, django_assert_num_queries):
        for _ in range(n):
            commune = CommuneFactory(epci=epci)
            ServiceRequestFactory(commune=commune, offer=legal_offer)
            ServiceRequestFactory(
                commune=commune,
                offer=legal_offer,
                in_progress=True,
                assigned_to=agent,
                due_on=datetime.date(2020, 1, 1),
            )
        client.force_login(agent)
        # session, user, counts, overdue, mine, unassigned, epci (header)
        with django_assert_num_queries(7):
            response = client.get(url("dashboard"))
        assert len(response.context["overdue"]) == n


class TestCalendarAndBookings:
    @pytest.mark.parametrize("n", [2, 6])
    def test_calendar_query_count(
        self, client, dgs, epci, equipment_offer, other_commune, n, django_assert_num_queries
    ):
        for i in range(n):
            item = EquipmentItemFactory(epci=epci, offer=equipment_offer)
            BookingFactory(item=item, commune=other_commune, starts_at=in_days(i % 3 + 1))
        client.force_login(dgs)
        # session, user, dgs's commune ids are on the user; items, bookings, epci (header)
        with django_assert_num_queries(5):
            response = client.get(url("calendar"))
        assert response.status_code == 200
        page = response.content.decode()
        assert other_commune.name not in page  # others' bookings are "réservé", not named

    def test_calendar_wrong_persona_403(self, client, elected):
        client.force_login(elected)
        assert client.get(url("calendar")).status_code == 403

    def test_booking_detail_scoped(self, client, dgs, other_dgs, outsider, agent, tent, commune):
        booking = BookingFactory(item=tent, commune=commune)
        for user, status in ((dgs, 200), (agent, 200), (other_dgs, 404), (outsider, 404)):
            client.force_login(user)
            assert client.get(url("booking_detail", pk=booking.pk)).status_code == status

    def test_commune_cannot_record_a_return(self, client, dgs, tent, commune):
        booking = BookingFactory(item=tent, commune=commune, starts_at=in_days(-1))
        client.force_login(dgs)
        assert client.post(url("booking_return", pk=booking.pk)).status_code == 403

    def test_booking_through_the_form_and_double_booking_message(
        self, client, dgs, convention, tent
    ):
        client.force_login(dgs)
        data = {
            "item": tent.pk,
            "starts_at": in_days(3).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": in_days(4).strftime("%Y-%m-%dT%H:%M"),
        }
        assert client.post(url("booking_create"), data).status_code == 302
        response = client.post(url("booking_create"), data)
        assert response.status_code == 200
        assert "déjà réservé" in response.content.decode()

    def test_booking_list_query_count_and_scope(
        self, client, dgs, other_commune, commune, tent, django_assert_num_queries
    ):
        BookingFactory(item=tent, commune=commune, starts_at=in_days(3))
        BookingFactory(item=tent, commune=other_commune, starts_at=in_days(8))
        client.force_login(dgs)
        with django_assert_num_queries(5):  # session, user, count, page, epci
            response = client.get(url("booking_list"))
        assert [b.commune for b in response.context["page"].object_list] == [commune]


class TestConventionsAndMissions:
    def test_convention_scoped(self, client, dgs, other_dgs, outsider, secretariat, convention):
        for user, status in ((dgs, 200), (secretariat, 200), (other_dgs, 404), (outsider, 404)):
            client.force_login(user)
            assert client.get(url("convention_detail", pk=convention.pk)).status_code == status

    def test_only_secretariat_records_conventions(self, client, dgs, agent):
        for user in (dgs, agent):
            client.force_login(user)
            assert client.get(url("convention_create")).status_code == 403

    def test_signed_pdf_must_be_a_pdf(self, client, secretariat, commune, legal_offer):
        convention = ConventionFactory(commune=commune, options=[legal_offer], unsigned=True)
        client.force_login(secretariat)
        response = client.post(
            url("convention_detail", pk=convention.pk),
            {
                "signed_on": "2024-03-01",
                "signed_pdf": SimpleUploadedFile("scan.pdf", b"\x89PNG\r\n\x1a\n", "image/png"),
            },
        )
        assert "n&#x27;est pas un fichier PDF" in response.content.decode()
        response = client.post(
            url("convention_detail", pk=convention.pk),
            {
                "signed_on": "2024-03-01",
                "signed_pdf": SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
            },
        )
        assert response.status_code == 302
        convention = Convention.objects.get(pk=convention.pk)
        assert convention.signed_on == datetime.date(2024, 3, 1)
        client.force_login(secretariat)
        pdf = client.get(url("convention_pdf", pk=convention.pk))
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    def test_commune_sees_who_comes_when_only_for_itself(
        self, client, dgs, other_dgs, commune, epci
    ):
        mission = MissionFactory(epci=epci, commune=commune)
        client.force_login(dgs)
        page = client.get(url("mission_list")).content.decode()
        assert mission.secretary.person.full_name in page
        client.force_login(other_dgs)
        page = client.get(url("mission_list")).content.decode()
        assert mission.secretary.person.full_name not in page

    @pytest.mark.parametrize("n", [2, 6])
    def test_mission_list_query_count(
        self, client, secretariat, epci, n, django_assert_num_queries
    ):
        for _ in range(n):
            MissionFactory(epci=epci, commune=CommuneFactory(epci=epci))
        client.force_login(secretariat)
        # session, user, TOTP check, missions, epci (header)
        with django_assert_num_queries(5):
            assert client.get(url("mission_list")).status_code == 200


class TestCatalogue:
    @pytest.mark.parametrize("n", [2, 6])
    def test_query_count(self, client, dgs, epci, convention, n, django_assert_num_queries):
        from tests.mutualisation.factories import ServiceOfferFactory

        for _ in range(n):
            ServiceOfferFactory(epci=epci)
        client.force_login(dgs)
        # session, user, commune, offers, conventions in force, epci (header)
        with django_assert_num_queries(6):
            assert client.get(url("catalogue")).status_code == 200

    def test_outsider_does_not_see_our_offers(self, client, outsider, legal_offer):
        client.force_login(outsider)
        assert legal_offer.name not in client.get(url("catalogue")).content.decode()
