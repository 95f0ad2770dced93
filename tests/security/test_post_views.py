"""The POST views no other test posted: each one driven by the persona it is for (the change is
made, the user is sent on), and refused to one it is not for (nothing changes). Objects come from
the security world (tests/security/world.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.models import AgendaItem, Session
from governance.models import AuditEvent
from mutualisation.models import Booking, Mission, NeedsSurvey, SavingRecord, SeatReservation
from questionnaires.models import Question
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _as(client, world, persona):
    client.force_login(world.users[persona])
    return client


def test_postponing_a_session(client, world):
    url = reverse("conferences:session_postpone", args=[world.session.pk])
    response = _as(client, world, "secretariat").post(url, {"reason": "Salle indisponible"})
    assert response.status_code == 302
    assert response["Location"] == reverse("conferences:session_detail", args=[world.session.pk])
    world.session.refresh_from_db()
    assert world.session.status == Session.Status.POSTPONED
    assert AuditEvent.objects.filter(action="session.postponement_sent").exists()


def test_postponing_is_refused_to_an_agent(client, world):
    url = reverse("conferences:session_postpone", args=[world.session.pk])
    response = _as(client, world, "agent").post(url, {"reason": "Salle indisponible"})
    assert response.status_code == 403
    world.session.refresh_from_db()
    assert world.session.status == Session.Status.CONVENED


def test_editing_an_agenda_item(client, world):
    url = reverse("conferences:item_edit", args=[world.item.pk])
    response = _as(client, world, "secretariat").post(
        url, {"title": "Budget primitif 2027", "kind": world.item.kind, "summary_note": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("conferences:session_agenda", args=[world.session.pk])
    world.item.refresh_from_db()
    assert world.item.title == "Budget primitif 2027"


def test_removing_an_agenda_item(client, world):
    url = reverse("conferences:item_remove", args=[world.item.pk])
    response = _as(client, world, "secretariat").post(url)
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(pk=world.item.pk).exists()


def test_removing_an_agenda_item_is_refused_outside_the_epci(client, world):
    response = _as(client, world, "outsider").post(
        reverse("conferences:item_remove", args=[world.item.pk])
    )
    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=world.item.pk).exists()


def test_the_commune_cancels_its_booking(client, world):
    url = reverse("mutualisation:booking_cancel", args=[world.booking.pk])
    response = _as(client, world, "dgs").post(url)
    assert response.status_code == 302
    world.booking.refresh_from_db()
    assert world.booking.status == Booking.Status.CANCELLED


def test_planning_a_mission(client, world):
    start = timezone.localdate() + timedelta(days=40)
    response = _as(client, world, "secretariat").post(
        reverse("mutualisation:mission_create"),
        {
            "commune": world.commune.pk,
            "secretary": world.staff_member.pk,
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=2)).isoformat(),
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mutualisation:mission_list")
    assert Mission.objects.filter(commune=world.commune, start_date=start).exists()


def test_cancelling_a_mission(client, world):
    url = reverse("mutualisation:mission_cancel", args=[world.mission.pk])
    response = _as(client, world, "secretariat").post(url)
    assert response.status_code == 302
    world.mission.refresh_from_db()
    assert world.mission.status == Mission.Status.CANCELLED


def test_cancelling_a_mission_is_refused_to_the_commune(client, world):
    url = reverse("mutualisation:mission_cancel", args=[world.mission.pk])
    response = _as(client, world, "dgs").post(url)
    assert response.status_code == 403
    world.mission.refresh_from_db()
    assert world.mission.status != Mission.Status.CANCELLED


def test_reserving_and_cancelling_a_training_seat(client, world):
    client = _as(client, world, "dgs")
    response = client.post(
        reverse("mutualisation:training_reserve", args=[world.training_session.pk]),
        {"attendee_name": "Claude FICTIF", "attendee_email": "claude@exemple.test"},
    )
    assert response.status_code == 302
    seat = SeatReservation.objects.get(attendee_email="claude@exemple.test")
    assert seat.commune == world.commune
    response = client.post(reverse("mutualisation:seat_cancel", args=[seat.pk]))
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.status == SeatReservation.Status.CANCELLED


def test_reserving_a_seat_is_refused_to_the_secretariat(client, world):
    response = _as(client, world, "secretariat").post(
        reverse("mutualisation:training_reserve", args=[world.training_session.pk]),
        {"attendee_name": "Claude FICTIF", "attendee_email": "claude@exemple.test"},
    )
    assert response.status_code == 403
    assert not SeatReservation.objects.filter(attendee_email="claude@exemple.test").exists()


def test_creating_a_needs_survey(client, world):
    response = _as(client, world, "secretariat").post(
        reverse("mutualisation:survey_list"),
        {"title": "Besoins 2027", "year": 2027, "description": ""},
    )
    survey = NeedsSurvey.objects.get(year=2027)
    assert response.status_code == 302
    assert response["Location"] == reverse("mutualisation:survey_detail", args=[survey.pk])
    assert survey.epci == world.epci


def test_creating_a_needs_survey_is_refused_to_an_agent(client, world):
    response = _as(client, world, "agent").post(
        reverse("mutualisation:survey_list"), {"title": "Besoins 2027", "year": 2027}
    )
    assert response.status_code == 403
    assert not NeedsSurvey.objects.filter(year=2027).exists()


def test_recording_a_saving_on_the_schema_page(client, world):
    response = _as(client, world, "secretariat").post(
        reverse("mutualisation:schema"),
        {"form": "saving", "year": 2026, "label": "Groupement de commandes", "amount": "1250.00"},
    )
    assert response.status_code == 302
    assert SavingRecord.objects.filter(epci=world.epci, label="Groupement de commandes").exists()


def test_removing_a_question(client, world):
    url = reverse("referrals:question_remove", args=[world.collection.pk, world.question.pk])
    response = _as(client, world, "secretariat").post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "referrals:questionnaire_edit", args=[world.collection.pk]
    )
    assert not Question.objects.filter(pk=world.question.pk).exists()
