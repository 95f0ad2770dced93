"""Mayors' requests to convene the conférence des maires (L5211-11-3): one third of the mayors,
one signature per commune, at most 4 meetings on request a year, the secretariat notified once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conferences.mayors import services as mayors
from conferences.models import MayorsRequest, Session
from core.models import OutboundMessage
from governance.models import AuditEvent, Mandate
from tests.conferences.factories import (
    MayorsConferenceFactory,
    MayorsRequestFactory,
    MayorsRequestSignatureFactory,
    SessionFactory,
)
from tests.factories import CommuneFactory, MandateFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def make_mayors(epci, n):
    """n member communes, each with a current mayor who has an account."""
    users = []
    for _ in range(n):
        commune = CommuneFactory(epci=epci)
        person = PersonFactory(epci=epci)
        MandateFactory(person=person, commune=commune, mayor=True)
        users.append(UserFactory(epci=epci, person=person, email=person.email))
    return users


@pytest.fixture
def conference(epci):
    return MayorsConferenceFactory(epci=epci, name="Conférence des maires")


@pytest.fixture
def seven_mayors(epci):
    return make_mayors(epci, 7)


def this_year() -> int:
    return timezone.localdate().year


def meetings_held(conference, count):
    for month in range(1, count + 1):
        SessionFactory(
            body=conference,
            origin=Session.Origin.MAYORS_REQUEST,
            starts_at=datetime.datetime(this_year(), month, 10, 18, tzinfo=PARIS),
        )


class TestThreshold:
    @pytest.mark.parametrize("n,expected", [(1, 1), (3, 1), (7, 3), (9, 3), (10, 4)])
    def test_one_third_of_the_communes_with_a_mayor_rounded_up(self, epci, conference, n, expected):
        make_mayors(epci, n)
        CommuneFactory(epci=epci)  # no mayor: not counted
        MandateFactory(
            commune=CommuneFactory(epci=epci),
            person=PersonFactory(epci=epci),
            mayor=True,
            end_date=datetime.date(2020, 6, 30),
            start_date=datetime.date(2014, 4, 1),
        )  # former mayor only: not counted
        assert mayors.mayors_threshold(body=conference) == expected

    def test_threshold_is_fixed_at_creation(self, epci, conference, seven_mayors):
        request = mayors.start_mayors_request(
            user=seven_mayors[0], body=conference, subject="Projet de territoire"
        )
        make_mayors(epci, 5)
        request.refresh_from_db()
        assert request.threshold == 3


class TestStartAndSign:
    def test_a_mayor_starts_a_request_and_signs_it(self, conference, seven_mayors):
        request = mayors.start_mayors_request(
            user=seven_mayors[0], body=conference, subject="Pacte fiscal", description="Urgent."
        )
        assert request.status == MayorsRequest.Status.OPEN
        assert request.created_by == seven_mayors[0].person
        assert [s.person for s in request.signatures.all()] == [seven_mayors[0].person]
        assert AuditEvent.objects.filter(action="mayors_request.started").count() == 1

    def test_only_a_current_mayor_of_the_epci_may_start_or_sign(
        self, epci, other_epci, conference, seven_mayors, elected, secretariat
    ):
        deputy = PersonFactory(epci=epci)
        MandateFactory(person=deputy, kind=Mandate.Kind.DEPUTY_MAYOR)
        deputy_user = UserFactory(epci=epci, person=deputy, email=deputy.email)
        (foreign_mayor,) = make_mayors(other_epci, 1)
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")
        for user in (elected, secretariat, deputy_user, foreign_mayor):
            with pytest.raises(PermissionDenied):
                mayors.start_mayors_request(user=user, body=conference, subject="Objet")
            with pytest.raises(PermissionDenied):
                mayors.sign_mayors_request(user=user, request=request)

    def test_only_a_mayors_conference(self, council, seven_mayors):
        with pytest.raises(ValidationError):
            mayors.start_mayors_request(user=seven_mayors[0], body=council, subject="Objet")

    def test_one_signature_per_commune_and_double_submit_is_not_an_error(
        self, epci, conference, seven_mayors
    ):
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")

        first = mayors.sign_mayors_request(user=seven_mayors[1], request=request)
        again = mayors.sign_mayors_request(user=seven_mayors[1], request=request)

        assert first.signed is True
        assert again.signed is False
        assert "déjà signé" in again.message
        assert request.signatures.count() == 2

    def test_a_new_mayor_cannot_sign_again_for_the_same_commune(
        self, epci, conference, seven_mayors
    ):
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")
        mayors.sign_mayors_request(user=seven_mayors[1], request=request)
        commune = seven_mayors[1].person.mandates.get().commune
        Mandate.objects.filter(person=seven_mayors[1].person).update(
            end_date=timezone.localdate() - datetime.timedelta(days=1)
        )
        successor = PersonFactory(epci=epci)
        MandateFactory(person=successor, commune=commune, mayor=True)
        successor_user = UserFactory(epci=epci, person=successor, email=successor.email)

        result = mayors.sign_mayors_request(user=successor_user, request=request)

        assert result.signed is False
        assert result.message == f"La commune de {commune.name} a déjà signé."

    def test_a_refused_request_cannot_be_signed(self, conference, seven_mayors):
        request = MayorsRequestFactory(
            body=conference, status=MayorsRequest.Status.REFUSED, refusal_reason="x"
        )
        with pytest.raises(ValidationError):
            mayors.sign_mayors_request(user=seven_mayors[1], request=request)


class TestReachingTheThreshold:
    def test_reached_at_one_third_and_the_secretariat_is_notified_once(
        self, epci, other_epci, conference, seven_mayors, secretariat
    ):
        second_secretary = UserFactory(epci=epci, secretariat=True)
        UserFactory(epci=epci, agent=True)  # not notified: not the secretariat
        UserFactory(epci=other_epci, secretariat=True)  # not notified: another EPCI
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")
        mayors.sign_mayors_request(user=seven_mayors[1], request=request)
        request.refresh_from_db()
        assert request.status == MayorsRequest.Status.OPEN
        assert not OutboundMessage.objects.exists()

        mayors.sign_mayors_request(user=seven_mayors[2], request=request)  # 3 of 7

        request.refresh_from_db()
        assert request.status == MayorsRequest.Status.REACHED
        assert request.reached_at is not None
        assert AuditEvent.objects.filter(action="mayors_request.reached").count() == 1
        messages = OutboundMessage.objects.order_by("to_email")
        assert sorted(m.dedup_key for m in messages) == sorted(
            f"mayors-request:{request.pk}:reached:{u.pk}" for u in (secretariat, second_secretary)
        )
        assert {m.to_email for m in messages} == {secretariat.email, second_secretary.email}
        assert (
            reverse("conferences:mayors_request_detail", args=[request.pk]) in messages[0].body_text
        )

        # Reached "twice": notifying again, and a fourth signature, send nothing more.
        mayors.notify_request_reached(request=request)
        mayors.sign_mayors_request(user=seven_mayors[3], request=request)
        assert OutboundMessage.objects.count() == 2
        assert AuditEvent.objects.filter(action="mayors_request.reached").count() == 1

    def test_a_single_mayor_reaches_the_threshold_at_once(self, epci, conference, secretariat):
        (mayor,) = make_mayors(epci, 1)
        request = mayors.start_mayors_request(user=mayor, body=conference, subject="x")
        assert request.status == MayorsRequest.Status.REACHED
        assert OutboundMessage.objects.count() == 1


class TestFourMeetingsAYear:
    def reason(self):
        return f"4 réunions à la demande des maires ont déjà eu lieu en {this_year()} (L5211-11-3)"

    def test_the_fifth_request_is_refused_at_start(self, conference, seven_mayors):
        meetings_held(conference, 4)
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")
        assert request.status == MayorsRequest.Status.REFUSED
        assert request.refusal_reason == self.reason()
        assert AuditEvent.objects.filter(action="mayors_request.refused").count() == 1

    def test_cancelled_sessions_and_other_origins_do_not_count(self, conference, seven_mayors):
        meetings_held(conference, 3)
        SessionFactory(
            body=conference,
            origin=Session.Origin.MAYORS_REQUEST,
            cancelled=True,
            starts_at=datetime.datetime(this_year(), 11, 2, 18, tzinfo=PARIS),
        )
        SessionFactory(
            body=conference,
            origin=Session.Origin.PRESIDENT,
            starts_at=datetime.datetime(this_year(), 11, 3, 18, tzinfo=PARIS),
        )
        SessionFactory(
            body=conference,
            origin=Session.Origin.MAYORS_REQUEST,
            starts_at=datetime.datetime(this_year() - 1, 11, 3, 18, tzinfo=PARIS),
        )
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")
        assert request.status == MayorsRequest.Status.OPEN

    def test_reached_requests_not_yet_convened_count(self, conference, seven_mayors):
        meetings_held(conference, 3)
        MayorsRequestFactory(
            body=conference, status=MayorsRequest.Status.REACHED, reached_at=timezone.now()
        )
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")
        assert request.status == MayorsRequest.Status.REFUSED
        assert request.refusal_reason == self.reason()

    def test_checked_again_when_reaching_the_threshold(self, conference, seven_mayors):
        meetings_held(conference, 3)
        first = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="a")
        second = mayors.start_mayors_request(user=seven_mayors[3], body=conference, subject="b")
        for user in seven_mayors[4:6]:
            mayors.sign_mayors_request(user=user, request=second)  # the 4th meeting
        for user in seven_mayors[1:3]:
            mayors.sign_mayors_request(user=user, request=first)  # would be the 5th

        first.refresh_from_db()
        second.refresh_from_db()
        assert second.status == MayorsRequest.Status.REACHED
        assert first.status == MayorsRequest.Status.REFUSED
        assert first.refusal_reason == self.reason()
        assert OutboundMessage.objects.filter(dedup_key__contains=f":{first.pk}:").count() == 0


class TestConvened:
    def test_mark_request_convened_links_the_session_and_counts_once(
        self, conference, seven_mayors, secretariat
    ):
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")
        for user in seven_mayors[1:3]:
            mayors.sign_mayors_request(user=user, request=request)
        year = this_year()
        assert mayors.meetings_on_request(body=conference, year=year) == 1
        session = SessionFactory(
            body=conference, starts_at=datetime.datetime(year, 12, 1, 18, tzinfo=PARIS)
        )

        mayors.mark_request_convened(request=request, session=session, actor=secretariat)
        mayors.mark_request_convened(request=request, session=session, actor=secretariat)

        request.refresh_from_db()
        session.refresh_from_db()
        assert request.status == MayorsRequest.Status.CONVENED
        assert session.mayors_request == request
        assert session.origin == Session.Origin.MAYORS_REQUEST
        assert mayors.meetings_on_request(body=conference, year=year) == 1
        assert AuditEvent.objects.filter(action="mayors_request.convened").count() == 1

    def test_an_open_request_cannot_be_convened(self, conference, seven_mayors):
        request = mayors.start_mayors_request(user=seven_mayors[0], body=conference, subject="x")
        with pytest.raises(ValidationError):
            mayors.mark_request_convened(request=request, session=SessionFactory(body=conference))


class TestPages:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("conferences:mayors_request_list"))
        assert response.status_code == 302

    def test_mayor_starts_then_another_signs_through_the_pages(
        self, client, conference, seven_mayors
    ):
        client.force_login(seven_mayors[0])
        page = client.get(reverse("conferences:mayors_request_list"))
        assert page.status_code == 200
        assert "<legend>Nouvelle demande</legend>" in page.content.decode()

        response = client.post(
            reverse("conferences:mayors_request_list"),
            {"body": conference.pk, "subject": "Schéma des mobilités", "description": ""},
        )
        request = MayorsRequest.objects.get()
        assert response["Location"] == reverse(
            "conferences:mayors_request_detail", args=[request.pk]
        )

        client.force_login(seven_mayors[1])
        detail = reverse("conferences:mayors_request_detail", args=[request.pk])
        assert "Signer pour" in client.get(detail).content.decode()
        client.post(detail)
        response = client.post(detail, follow=True)  # double submit
        assert "a déjà signé" in response.content.decode()
        assert request.signatures.count() == 2

    def test_fifth_request_refused_message(self, client, conference, seven_mayors):
        meetings_held(conference, 4)
        client.force_login(seven_mayors[0])
        response = client.post(
            reverse("conferences:mayors_request_list"),
            {"body": conference.pk, "subject": "x"},
            follow=True,
        )
        assert "4 réunions à la demande des maires ont déjà eu lieu" in response.content.decode()

    def test_secretariat_sees_all_requests_with_status_but_no_form(
        self, client, conference, secretariat
    ):
        MayorsRequestFactory(body=conference, subject="Demande A")
        MayorsRequestFactory(
            body=conference, subject="Demande B", status=MayorsRequest.Status.REACHED
        )
        client.force_login(secretariat)
        page = client.get(reverse("conferences:mayors_request_list")).content.decode()
        assert "Demande A" in page and "Demande B" in page
        assert "Seuil atteint : à convoquer" in page
        assert "Nouvelle demande" not in page

    def test_wrong_persona_403_and_outsider_404(self, client, conference, elected, outsider):
        request = MayorsRequestFactory(body=conference)
        detail = reverse("conferences:mayors_request_detail", args=[request.pk])
        client.force_login(elected)
        assert client.get(reverse("conferences:mayors_request_list")).status_code == 403
        assert client.get(detail).status_code == 403
        assert client.post(detail).status_code == 403
        client.force_login(outsider)
        assert client.get(detail).status_code == 404
        assert (
            "Aucune demande"
            in client.get(reverse("conferences:mayors_request_list")).content.decode()
        )

    @pytest.mark.parametrize("n", [3, 30])
    def test_query_counts_are_constant(
        self, client, epci, conference, n, django_assert_num_queries
    ):
        mayor_users = make_mayors(epci, n)
        request = MayorsRequestFactory(body=conference, threshold=n)
        for user in mayor_users:
            MayorsRequestSignatureFactory(
                request=request, person=user.person, commune=user.person.mandates.get().commune
            )
            MayorsRequestFactory(body=conference)
        (reader,) = make_mayors(epci, 1)
        client.force_login(reader)
        # session, user, my mandate, requests, EPCI (header), conferences (form select, and
        # Django's check of its first option for the "required" attribute).
        with django_assert_num_queries(7):
            response = client.get(reverse("conferences:mayors_request_list"))
        assert len(response.context["requests"]) == n + 1
        # session, user, my mandate, request, signatures, sessions, EPCI (header).
        with django_assert_num_queries(7):
            response = client.get(reverse("conferences:mayors_request_detail", args=[request.pk]))
        assert response.context["req"].signature_count == n
