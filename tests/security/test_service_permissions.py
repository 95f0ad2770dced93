"""The services check their actor themselves (``can_<verb>`` predicates of each app's perms.py),
so a view that forgets its check cannot open a hole: a refused actor gets PermissionDenied and
nothing is written, not even an audit event. The system (actor None, or inside
``system_writes()``) is not checked (governance/perms.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conferences.convocations import services as session_services
from conferences.models import AgendaItem
from conferences.sessions import services as agenda_services
from governance import services as governance_services
from governance.importers import services as import_services
from governance.models import AuditEvent, ImportRun, User
from governance.perms import system_writes
from mutualisation.catalogue import services as catalogue
from mutualisation.models import Mission
from mutualisation.requests import services as requests
from mutualisation.scheduling import services as scheduling
from questionnaires import services as questionnaire_services
from referrals.consultation import services as referral_services
from referrals.mailbox import services as mailbox
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


def _cancel_mission(w, actor):
    return scheduling.cancel_mission(actor=actor, mission=w.mission)


def _record_return(w, actor):
    return scheduling.record_return(actor=actor, booking=w.booking, damaged=False)


def _cancel_booking(w, actor):
    return scheduling.cancel_booking(actor=actor, booking=w.booking)


def _file_request(w, actor):
    return requests.file_request(
        actor=actor,
        commune=w.commune,
        offer=w.legal_offer,
        subject="Marché de voirie",
        domain="legal",
        description="Relecture du cahier des charges.",
    )


def _accept_request(w, actor):
    return requests.accept_request(actor=actor, request=w.service_request, agent=w.users["agent"])


def _post_request_message(w, actor):
    return requests.post_message(
        actor=actor, request=w.service_request, body="Bonjour", from_staff=False
    )


def _save_offer(w, actor):
    return catalogue.save_offer(actor=actor, offer=w.legal_offer, name="Conseil juridique")


def _send_referral(w, actor):
    return referral_services.send_referral(actor=actor, referral=w.referral)


def _close_referral(w, actor):
    return referral_services.close_referral(actor=actor, referral=w.referral)


def _add_question(w, actor):
    return questionnaire_services.add_question(
        actor=actor, questionnaire=w.collection.questionnaire, label="Effectif", kind="text"
    )


def _cancel_session(w, actor):
    return session_services.cancel_session(actor=actor, session=w.session, reason="Report")


def _add_agenda_item(w, actor):
    return agenda_services.add_agenda_item(
        actor=actor, session=w.session, title="Budget", kind=AgendaItem.Kind.values[0]
    )


def _close_thread(w, actor):
    return mailbox.close_thread(actor=actor, thread=w.thread)


def _invite_user(w, actor):
    return governance_services.invite_user(
        actor=actor,
        email="nouvelle.personne@exemple.test",
        first_name="Camille",
        last_name="Fictive",
        role=User.Role.AGENT,
    )


def _queue_import(w, actor):
    return import_services.queue_import(
        epci=w.epci,
        upload=SimpleUploadedFile("communes.csv", b"code;nom\n"),
        kind=ImportRun.Kind.values[0],
        vintage=None,
        actor=actor,
    )


# (service, personas it refuses). Outsiders are the secretariat, elected member and DGS of
# another EPCI; the superuser has no EPCI.
REFUSALS = [
    (_cancel_mission, ["member", "dgs", "agent", "outsider", "outsider_dgs"]),
    (_record_return, ["member", "dgs", "outsider"]),
    (_cancel_booking, ["member", "other_dgs", "outsider", "outsider_dgs"]),
    (_file_request, ["member", "other_dgs", "agent", "secretariat", "superuser", "outsider_dgs"]),
    # A staff step asked by anyone else keeps its refusal in words ("revient aux agents").
    (_accept_request, ["dgs", "member", "outsider"], ValidationError),
    (_post_request_message, ["other_dgs", "member", "outsider", "outsider_dgs"]),
    (_save_offer, ["agent", "dgs"]),
    # Another EPCI's entry keeps its refusal in words ("n'appartient pas à votre EPCI").
    (_save_offer, ["outsider"], ValidationError),
    (_send_referral, ["agent", "dgs", "outsider"]),
    (_close_referral, ["agent", "dgs", "outsider"]),
    (_add_question, ["agent", "dgs", "outsider"]),
    (_cancel_session, ["member", "agent", "outsider"]),
    (_add_agenda_item, ["member", "agent", "outsider"]),
    (_close_thread, ["member", "agent", "outsider"]),
    (_invite_user, ["agent", "dgs", "superuser"]),
    (_queue_import, ["agent", "outsider"]),
]


@pytest.mark.parametrize(
    "case", REFUSALS, ids=[f"{c[0].__name__.lstrip('_')}-{'-'.join(c[1])}" for c in REFUSALS]
)
def test_the_service_refuses_an_actor_without_the_right(case):
    service, personas, refusal = (*case, PermissionDenied)[:3]
    world = build_world()
    events = AuditEvent.objects.count()
    for persona in personas:
        with pytest.raises(refusal):
            service(world, world.users[persona])
    assert AuditEvent.objects.count() == events


def test_cancelling_a_mission_is_for_the_secretariat_of_its_epci():
    world = build_world()
    mission, changed = scheduling.cancel_mission(
        actor=world.users["secretariat"], mission=world.mission
    )
    assert changed and mission.status == Mission.Status.CANCELLED
    assert AuditEvent.objects.filter(
        action="mutualisation.mission.cancelled", actor=world.users["secretariat"]
    ).exists()


def test_a_superuser_acts_as_the_secretariat_of_any_epci():
    world = build_world()
    superuser = world.users["superuser"]
    _, changed = scheduling.cancel_mission(actor=superuser, mission=world.mission)
    assert changed
    offer = catalogue.save_offer(actor=superuser, offer=world.legal_offer, name="Conseil")
    assert offer.name == "Conseil" and offer.epci_id == world.epci.pk


def test_the_system_is_not_checked():
    world = build_world()
    _, changed = scheduling.cancel_mission(actor=None, mission=world.mission)
    assert changed
    with system_writes():
        _, changed = scheduling.cancel_booking(actor=world.users["member"], booking=world.booking)
    assert changed
    # Outside the block, the same call is refused again.
    world.booking.refresh_from_db()
    with pytest.raises(PermissionDenied):
        scheduling.cancel_booking(actor=world.users["member"], booking=world.booking)
