"""core.notifications: subjects are plain text (no HTML escaping), cut to the outbox column; the
features' messages keep the exact subjects and texts they had when written by hand (pinned here
against the same formulas, with names full of apostrophes and ampersands), and still go through
the outbox once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import OutboundMessage
from core.notifications import SUBJECT_LENGTH, Notification
from core.services import queue_emails

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NAME = "Conseil d'agglo & <Rhône>"

SAMPLE = Notification(
    category="sample",
    subject='Avis de la {{ name }} — séance du {{ day|date:"d/m/Y" }}',
    text="email/invitation.txt",
)


def _context(name, day=None):
    """What SAMPLE's subject and text (the invitation's) read."""
    person = {"email": "a@exemple.test", "get_full_name": "A B", "role": "elected"}
    return {
        "name": name,
        "day": day,
        "user": person,
        "inviter": person,
        "epci": {"name": name},
        "link": "https://exemple.test/",
        "role": "Élu",
    }


class TestNotification:
    def test_the_subject_is_not_escaped(self):
        rendered = SAMPLE.render(_context(NAME, datetime.date(2026, 3, 5)))
        assert rendered.subject == f"Avis de la {NAME} — séance du 05/03/2026"
        assert rendered.category == "sample" and rendered.html == ""

    def test_the_subject_is_cut_to_the_outbox_column(self):
        rendered = SAMPLE.render(_context("x" * 400, datetime.date(2026, 3, 5)))
        assert len(rendered.subject) == SUBJECT_LENGTH

    def test_a_greeting_heads_the_text(self):
        rendered = SAMPLE.render(_context(NAME))
        email = rendered.email(dedup_key="k", to_email="a@exemple.test", greeting="Bonjour A,")
        assert email.body_text == f"Bonjour A,\n\n{rendered.text}"
        assert email.category == "sample" and email.subject == rendered.subject

    def test_queued_once_through_the_outbox(self):
        email = SAMPLE.email(
            dedup_key="sample:1", to_email="a@exemple.test", context=_context(NAME)
        )
        assert len(queue_emails(emails=[email, email])) == 1
        assert queue_emails(emails=[email]) == []
        assert OutboundMessage.objects.get().subject == email.subject


class TestTheFeaturesMessages:
    def test_convocation(self, epci, secretariat, django_capture_on_commit_callbacks):
        from conferences.convocations import services as conv
        from tests.conferences.test_convocation import _council_with_members, _session

        council, members = _council_with_members(epci, n=2)
        council.name = NAME
        council.save()
        starts_at = datetime.datetime(2030, 12, 10, 18, 5, tzinfo=PARIS)
        session = _session(council, starts_at)
        with django_capture_on_commit_callbacks():
            conv.convene_session(actor=secretariat, session=session)
        message = OutboundMessage.objects.filter(category="session.convocation").first()
        assert message.subject == f"Convocation — {NAME} — {starts_at:%d/%m/%Y à %Hh%M}"
        assert message.subject == f"Convocation — {NAME} — 10/12/2030 à 18h05"
        assert message.attachments[0]["filename"] == "seance.ics"

    def test_mayors_request_reached(self, epci, secretariat):
        from conferences.mayors import services as mayors
        from tests.conferences.factories import MayorsConferenceFactory
        from tests.conferences.test_mayors import make_mayors

        conference = MayorsConferenceFactory(epci=epci, name="Conférence des maires d'ici")
        (mayor,) = make_mayors(epci, 1)
        subject = "Voirie & «chemins» d'accès"
        request = mayors.start_mayors_request(user=mayor, body=conference, subject=subject)
        message = OutboundMessage.objects.get(category=mayors.NOTIFICATION_CATEGORY)
        url = settings.SITE_URL + reverse("conferences:mayors_request_detail", args=[request.pk])
        assert message.subject == f"Demande des maires à convoquer : {subject}"
        assert message.body_text == (
            f"La demande de réunion de la {conference.name} « {subject} » a recueilli "
            f"les signatures d'au moins un tiers des maires ({request.threshold} requises).\n\n"
            "Le président doit convoquer la conférence des maires (article L5211-11-3 du CGCT)."
            f"\n\nConsulter la demande : {url}\n"
        )

    def test_invitation(self, epci, secretariat):
        from governance.services import invite_user

        epci.name = "CC de l'Île & des Monts"
        epci.save()
        invite_user(
            actor=secretariat,
            email="nouvelle@exemple.test",
            first_name="Nina",
            last_name="FICTIVE",
            role="elected",
        )
        message = OutboundMessage.objects.get(category="invitation")
        assert message.subject == f"Invitation au portail Interco — {epci.name}"
        assert message.body_text.startswith("Bonjour Nina FICTIVE,\n\n")

    def test_mutualisation_seat(self, epci):
        from mutualisation import notifications

        class Seat:
            pk = 1
            attendee_email = "a@exemple.test"
            attendee_name = "A"

            class session:
                title = "Marchés publics : l'essentiel & plus"

        notifications.notify_seat(seat=Seat, event="confirmed")
        message = OutboundMessage.objects.get(category="mutualisation-training")
        assert message.subject == (
            "Formation « Marchés publics : l'essentiel & plus » : votre place est confirmée"
        )
        assert message.dedup_key == "training-seat:1:confirmed"
