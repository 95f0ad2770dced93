"""One bad message must never block the outbox.

A subject with a line break, a display name with a comma or quotes, a malformed address: the
message is either sent safely (one line, one correctly quoted recipient) or, when nothing can
make it sendable, FAILED at once with its reason and a log row. The messages batched with it
leave exactly once, the sweep sends nothing more, and the log never blames the broker. The
forms whose text becomes a mail subject refuse a line break, in French, keeping what was typed.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy
from email.utils import getaddresses

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conferences.models import MayorsRequest
from core import services, tasks
from core.models import OutboundMessage, OutboundMessageLog
from mutualisation.models import EquipmentItem, TrainingSession
from referrals.models import MailboxThread, Referral
from tests.conferences.factories import MayorsConferenceFactory
from tests.factories import MandateFactory
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

ICS = {"filename": "seance.ics", "content": "BEGIN:VCALENDAR", "mimetype": "text/calendar"}
SPY = "espion@ailleurs.test"
COMMA_NAME = 'Dupont, Jean "le maire"'
CONVOCATION = "Convocation — Conseil communautaire — 12/03/2026 à 18h00"
SINGLE_LINE_ERROR = "Saisissez ce texte sur une seule ligne, sans retour à la ligne."


def _convocation(n: int, **overrides) -> services.Email:
    fields = {
        "dedup_key": f"convocation:7:v1:{n}",
        "category": "session.convocation",
        "to_email": f"elu{n}@exemple.test",
        "to_name": f"Élu FICTIF {n}",
        "subject": CONVOCATION,
        "body_text": "Vous êtes convoqué(e).",
        "attachments": (ICS,),
    }
    return services.Email(**{**fields, **overrides})


def _send_batch_with(poison: dict, caplog, capture) -> OutboundMessage:
    """Five convocations, the third one poisoned, queued and sent as the portal does it (on
    commit, through the Celery task); returns the poisoned row."""
    emails = [_convocation(n, **(poison if n == 2 else {})) for n in range(5)]
    with capture(execute=True):
        services.queue_emails(emails=emails)
    assert "Broker indisponible" not in caplog.text
    return OutboundMessage.objects.get(dedup_key="convocation:7:v1:2")


def _sweep_after_the_lease() -> int:
    """What a later periodic sweep finds, once any claim left behind has expired."""
    OutboundMessage.objects.filter(status=OutboundMessage.Status.SENDING).update(
        claimed_at=timezone.now() - services.CLAIM_LEASE - timedelta(seconds=1)
    )
    return tasks.requeue_unsent_messages()


def _as_received(sent):
    """The message as a mail client reads it (headers parsed, decoded and unfolded)."""
    return message_from_bytes(sent.message().as_bytes(), policy=policy.default)


def _recipients(sent) -> list[tuple[str, str]]:
    return [(a.display_name, a.addr_spec) for a in _as_received(sent)["To"].addresses]


UNSENDABLE = {
    "no-domain": {"to_email": "pas-une-adresse"},
    "two-addresses": {"to_email": f"elu2@exemple.test, {SPY}"},
    "injected-bcc": {"to_email": f"elu2@exemple.test\nBcc: {SPY}"},
    "broken-attachment-row": {"attachments": ({"nom": "seance.ics"},)},
}


@pytest.mark.parametrize("poison", UNSENDABLE.values(), ids=UNSENDABLE.keys())
def test_an_unsendable_message_fails_alone_and_the_batch_goes_out_once(
    poison, caplog, django_capture_on_commit_callbacks
):
    poisoned = _send_batch_with(poison, caplog, django_capture_on_commit_callbacks)

    expected = [f"elu{n}@exemple.test" for n in (0, 1, 3, 4)]
    assert sorted(addr for sent in mail.outbox for _, addr in _recipients(sent)) == expected
    assert [len(sent.recipients()) for sent in mail.outbox] == [1, 1, 1, 1]
    assert (poisoned.status, poisoned.attempts, poisoned.sent_at) == ("failed", 1, None)
    assert poisoned.last_error.startswith("Échec définitif, sans nouvel essai")
    log = OutboundMessageLog.objects.get(message=poisoned)
    assert (log.outcome, log.detail) == ("error", poisoned.last_error)
    assert OutboundMessage.objects.filter(status="sent").count() == 4

    assert _sweep_after_the_lease() == 0
    assert len(mail.outbox) == 4
    assert OutboundMessageLog.objects.filter(message=poisoned).count() == 1


@pytest.mark.django_db(transaction=True)
def test_as_a_worker_runs_it_the_failure_is_recorded_between_one_statement_marks(caplog):
    """No surrounding transaction, as in a worker: on PostgreSQL each "sent" is the
    one-statement mark and the batch runs with relaxed commits; the failure's row and log are
    committed in between and the batch goes on."""
    emails = [_convocation(n) for n in range(5)]
    emails[2] = _convocation(2, to_email=f"elu2@exemple.test, {SPY}")
    services.queue_emails(emails=emails)  # outside a transaction: the batch runs at once
    assert "Broker indisponible" not in caplog.text
    statuses = sorted(OutboundMessage.objects.values_list("status", flat=True))
    assert statuses == ["failed", "sent", "sent", "sent", "sent"]
    assert OutboundMessageLog.objects.filter(outcome="sent").count() == 4
    assert OutboundMessageLog.objects.filter(outcome="error").count() == 1
    assert len(mail.outbox) == 4
    assert _sweep_after_the_lease() == 0


def test_the_reason_names_the_bad_address(caplog, django_capture_on_commit_callbacks):
    poison = UNSENDABLE["two-addresses"]
    poisoned = _send_batch_with(poison, caplog, django_capture_on_commit_callbacks)
    assert "adresse du destinataire invalide" in poisoned.last_error
    assert poison["to_email"] in poisoned.last_error


def test_the_single_message_task_reports_the_failure_without_raising():
    (pk,) = services.queue_emails(emails=[_convocation(1, to_email="pas-une-adresse")])
    assert tasks.send_message.apply(args=[pk]).get() == "failed"
    assert tasks.send_message(pk) == "already-handled"
    message = OutboundMessage.objects.get(pk=pk)
    assert (message.status, message.attempts) == ("failed", 1)
    assert mail.outbox == []


REPAIRABLE = {
    "subject-with-line-break": {"subject": f"Demande des maires\r\nBcc: {SPY}"},
    "name-with-comma-and-quotes": {"to_name": COMMA_NAME},
    "name-with-line-break": {"to_name": f"Jean\nBcc: {SPY}"},
}


@pytest.mark.parametrize("poison", REPAIRABLE.values(), ids=REPAIRABLE.keys())
def test_a_bad_header_text_is_made_safe_and_every_message_leaves_once(
    poison, caplog, django_capture_on_commit_callbacks
):
    _send_batch_with(poison, caplog, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 5
    for n, sent in enumerate(sorted(mail.outbox, key=lambda s: s.to[0].rsplit("<")[-1])):
        assert [addr for _, addr in _recipients(sent)] == [f"elu{n}@exemple.test"]
        assert len(sent.recipients()) == 1
        received = _as_received(sent)
        assert received["Bcc"] is None
        assert received["Subject"].strip() in {CONVOCATION, f"Demande des maires Bcc: {SPY}"}
    assert set(OutboundMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert OutboundMessageLog.objects.filter(outcome="sent").count() == 5

    assert _sweep_after_the_lease() == 0
    assert len(mail.outbox) == 5


def test_a_display_name_with_a_comma_is_one_quoted_recipient():
    (pk,) = services.queue_emails(emails=[_convocation(1, to_name=COMMA_NAME)])
    assert services.deliver_message(pk) == "sent"
    (sent,) = mail.outbox
    assert sent.to == ['"Dupont, Jean \\"le maire\\"" <elu1@exemple.test>']
    assert _recipients(sent) == [(COMMA_NAME, "elu1@exemple.test")]


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on loopback, and the SMTP backend pointed at it."""

    class Sink:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()


def test_over_real_smtp_the_poisoned_batch_reaches_each_recipient_once(
    smtp_sink, django_capture_on_commit_callbacks
):
    """The SMTP backend parses each recipient for the envelope: there, the old "name <addr>"
    string with a comma in the name was an error that stopped the whole batch."""
    emails = [_convocation(n) for n in range(6)]
    emails[1] = _convocation(1, to_name=COMMA_NAME)
    emails[2] = _convocation(2, subject=f"Demande des maires\nBcc: {SPY}")
    emails[3] = _convocation(3, to_email=f"elu3@exemple.test, {SPY}")
    with django_capture_on_commit_callbacks(execute=True):
        ids = services.queue_emails(emails=emails)

    rcpt = sorted(r for envelope in smtp_sink.envelopes for r in envelope.rcpt_tos)
    assert rcpt == [f"elu{n}@exemple.test" for n in (0, 1, 2, 4, 5)]
    by_rcpt = {e.rcpt_tos[0]: message_from_bytes(e.content) for e in smtp_sink.envelopes}
    assert getaddresses([by_rcpt["elu1@exemple.test"]["To"]]) == [(COMMA_NAME, "elu1@exemple.test")]
    assert by_rcpt["elu2@exemple.test"]["Subject"] == f"Demande des maires Bcc: {SPY}"
    failed = OutboundMessage.objects.get(dedup_key="convocation:7:v1:3")
    assert failed.status == "failed" and SPY in failed.last_error
    assert services.deliver_messages(ids) == {"sent": 0, "skipped": 6, "failed": 0}
    assert len(smtp_sink.envelopes) == 5


# The forms whose text becomes a mail subject.
TYPED = f"Objet sur deux lignes\r\nBcc: {SPY}"


def _post_refused(client, url: str, data: dict, field: str, model):
    """The form comes back with the French error on the field and what was typed; nothing is
    written, nothing is queued."""
    before = (model.objects.count(), OutboundMessage.objects.count())
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [SINGLE_LINE_ERROR]
    assert SINGLE_LINE_ERROR in response.content.decode()
    assert form[field].value() == TYPED
    assert (model.objects.count(), OutboundMessage.objects.count()) == before
    return response


@pytest.fixture
def world():
    return build_world()


def test_the_mailbox_refuses_a_subject_on_two_lines(client, world):
    client.force_login(world.users["member"])
    response = _post_refused(
        client,
        reverse("referrals:thread_create"),
        {"theme": "mobility", "subject": TYPED, "body": "Texte saisi avec soin."},
        "subject",
        MailboxThread,
    )
    assert "Texte saisi avec soin." in response.content.decode()


def test_the_mayors_request_refuses_a_subject_on_two_lines(client, world):
    MandateFactory(person=world.member_person, commune=world.commune, mayor=True)
    conference = MayorsConferenceFactory(epci=world.epci, name="Conférence des maires")
    client.force_login(world.users["member"])
    response = _post_refused(
        client,
        reverse("conferences:mayors_request_list"),
        {"body": conference.pk, "subject": TYPED, "description": "Motifs saisis avec soin."},
        "subject",
        MayorsRequest,
    )
    assert "Motifs saisis avec soin." in response.content.decode()


def test_a_referral_refuses_a_subject_on_two_lines(client, world):
    client.force_login(world.users["secretariat"])
    _post_refused(
        client,
        reverse("referrals:referral_create"),
        {"subject": TYPED, "legal_basis": "competence", "scope": "all"},
        "subject",
        Referral,
    )


def test_equipment_refuses_a_name_on_two_lines(client, world):
    client.force_login(world.users["secretariat"])
    _post_refused(
        client,
        reverse("mutualisation:setup_equipment_create"),
        {"name": TYPED, "kind": "road_sweeper", "offer": world.equipment_item.offer_id},
        "name",
        EquipmentItem,
    )


def test_a_training_session_refuses_a_title_on_two_lines(client, world):
    client.force_login(world.users["secretariat"])
    start = timezone.localtime() + timedelta(days=30)
    _post_refused(
        client,
        reverse("mutualisation:setup_training_create"),
        {
            "title": TYPED,
            "offer": world.training_session.offer_id,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "seats": "12",
        },
        "title",
        TrainingSession,
    )
