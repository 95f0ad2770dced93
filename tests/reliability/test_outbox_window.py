"""Where a killed worker can duplicate a message, and how small that window is (core.services.
deliver_message). A fake SMTP backend stands for the server and "dies" at chosen moments; the
real worker, SIGKILLed during a fan-out, is in test_worker_kill.py."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.utils import timezone

from core import services, tasks
from core.models import OutboundMessage

pytestmark = pytest.mark.django_db

BACKEND = "tests.reliability.test_outbox_window.FakeSMTP"


class Killed(BaseException):
    """What SIGKILL looks like from inside the function: nothing after it runs."""


class FakeSMTP:
    """A server that accepts messages into `accepted`; `die` says where the worker dies."""

    accepted: list = []
    events: list = []
    die: str | None = None

    def __init__(self, fail_silently=False, **kwargs):
        pass

    def open(self):
        FakeSMTP.events.append("open")
        return True

    def close(self):
        status = OutboundMessage.objects.values_list("status", flat=True).get()
        FakeSMTP.events.append(f"quit (row {status})")
        if FakeSMTP.die == "quit":
            raise SMTPServerDisconnected("QUIT sans réponse")

    def send_messages(self, messages):
        if FakeSMTP.die == "during-data":
            raise Killed
        FakeSMTP.accepted.extend(messages)
        FakeSMTP.events.append("250 accepted")
        if FakeSMTP.die == "after-accept":
            raise Killed
        return len(messages)


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = BACKEND
    FakeSMTP.accepted, FakeSMTP.events, FakeSMTP.die = [], [], None
    yield FakeSMTP
    FakeSMTP.die = None


@pytest.fixture
def message_id():
    (pk,) = services.queue_emails(
        emails=[
            services.Email(
                dedup_key="convocation:7:v1:9",
                category="test",
                to_email="elu@exemple.test",
                subject="Convocation",
                body_text="Corps",
            )
        ]
    )
    return pk


def _expire_lease(pk):
    OutboundMessage.objects.filter(pk=pk).update(
        claimed_at=timezone.now() - services.CLAIM_LEASE - timedelta(seconds=1)
    )


def test_the_row_is_marked_sent_before_the_connection_is_closed(smtp, message_id):
    assert services.deliver_message(message_id) == "sent"
    assert smtp.events == ["open", "250 accepted", "quit (row sent)"]


def test_a_failed_quit_after_acceptance_keeps_the_message_sent(smtp, message_id):
    smtp.die = "quit"
    assert services.deliver_message(message_id) == "sent"
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENT
    assert tasks.requeue_unsent_messages() == 0


def test_a_worker_killed_before_the_end_of_data_loses_and_duplicates_nothing(smtp, message_id):
    smtp.die = "during-data"
    with pytest.raises(Killed):
        services.deliver_message(message_id)
    smtp.die = None
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENDING
    assert services.unsent_message_ids() == []  # within the lease: nobody else sends it
    _expire_lease(message_id)
    assert tasks.requeue_unsent_messages() == 1
    assert len(smtp.accepted) == 1


def test_the_remaining_window_a_kill_after_acceptance_sends_it_twice_with_one_message_id(
    smtp, message_id
):
    """The documented limit: at least once. The copy carries the same Message-ID."""
    smtp.die = "after-accept"
    with pytest.raises(Killed):
        services.deliver_message(message_id)
    smtp.die = None
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENDING
    _expire_lease(message_id)
    assert tasks.requeue_unsent_messages() == 1
    assert len(smtp.accepted) == 2
    assert {m.extra_headers["Message-ID"] for m in smtp.accepted} == {
        "<convocation.7.v1.9@interco>"
    }
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.SENT
