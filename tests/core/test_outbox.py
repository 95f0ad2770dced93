"""The outbox: each logical message is persisted once and delivered at most once."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from core import services, tasks
from core.models import OutboundMessage, OutboundMessageLog

pytestmark = pytest.mark.django_db


def _email(n=1, key="test:1"):
    return services.Email(
        dedup_key=key,
        category="test",
        to_email=f"dest{n}@exemple.test",
        subject="Objet",
        body_text="Corps du message",
    )


def test_queuing_the_same_message_twice_keeps_one_row():
    services.queue_emails(emails=[_email()])
    services.queue_emails(emails=[_email()])
    assert OutboundMessage.objects.count() == 1


def test_sent_on_commit_exactly_once_even_if_the_task_runs_twice(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        (pk,) = services.queue_emails(emails=[_email()])
    assert len(mail.outbox) == 1
    assert tasks.send_message(pk) == "already-handled"
    assert tasks.send_message.apply(args=[pk]).get() == "already-handled"
    assert len(mail.outbox) == 1
    message = OutboundMessage.objects.get(pk=pk)
    assert message.status == OutboundMessage.Status.SENT
    assert message.sent_at is not None
    assert list(message.logs.values_list("outcome", flat=True)) == ["sent"]


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.queue_emails(emails=[_email()])
        raise RuntimeError("échec du service")
    assert OutboundMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_worker_that_died_after_claiming_is_relieved_after_the_lease():
    (pk,) = services.queue_emails(emails=[_email()])
    assert services.claim_message(pk)  # the worker claims, then dies
    assert services.deliver_message(pk) == "already-handled"  # within the lease: not resent
    OutboundMessage.objects.filter(pk=pk).update(
        claimed_at=timezone.now() - services.CLAIM_LEASE - timedelta(seconds=1)
    )
    assert services.unsent_message_ids() == [pk]
    assert tasks.requeue_unsent_messages() == 1
    assert len(mail.outbox) == 1
    assert services.unsent_message_ids() == []


def test_broker_down_leaves_the_message_for_the_sweep(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis injoignable")

    monkeypatch.setattr(tasks.send_batch, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        (pk,) = services.queue_emails(emails=[_email()])
    assert mail.outbox == []
    assert OutboundMessage.objects.get(pk=pk).status == OutboundMessage.Status.PENDING
    monkeypatch.undo()
    assert tasks.requeue_unsent_messages() == 1
    assert len(mail.outbox) == 1


def test_smtp_failure_keeps_the_message_pending_and_logs_it(monkeypatch):
    (pk,) = services.queue_emails(emails=[_email()])

    def fail(self, *args, **kwargs):
        raise SMTPServerDisconnected("coupure")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", fail)
    with pytest.raises(SMTPServerDisconnected):
        services.deliver_message(pk)
    message = OutboundMessage.objects.get(pk=pk)
    assert message.status == OutboundMessage.Status.PENDING
    assert message.attempts == 1
    assert OutboundMessageLog.objects.get(message=message).outcome == "error"
    monkeypatch.undo()
    assert services.deliver_message(pk) == "sent"
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts(monkeypatch):
    (pk,) = services.queue_emails(emails=[_email()])
    OutboundMessage.objects.filter(pk=pk).update(attempts=services.MAX_ATTEMPTS - 1)

    def fail(self, *args, **kwargs):
        raise SMTPServerDisconnected("coupure")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", fail)
    with pytest.raises(SMTPServerDisconnected):
        services.deliver_message(pk)
    assert OutboundMessage.objects.get(pk=pk).status == OutboundMessage.Status.FAILED
    assert services.unsent_message_ids() == []


def test_attachments_and_message_id_are_set():
    email = services.Email(
        dedup_key="conv:7:9",
        category="test",
        to_email="a@exemple.test",
        subject="S",
        body_text="B",
        attachments=(
            {"filename": "seance.ics", "content": "BEGIN:VCALENDAR", "mimetype": "text/calendar"},
        ),
    )
    (pk,) = services.queue_emails(emails=[email])
    services.deliver_message(pk)
    sent = mail.outbox[0]
    assert sent.attachments[0][0] == "seance.ics"
    assert sent.extra_headers["Message-ID"] == "<conv.7.9@interco>"


def test_a_fan_out_is_sent_in_batches_over_one_connection(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail.backends.locmem import EmailBackend

    opened = []
    original_open = EmailBackend.open

    def counting_open(self):
        opened.append(self)
        return original_open(self)

    monkeypatch.setattr(EmailBackend, "open", counting_open)
    emails = [_email(n, key=f"fan:{n}") for n in range(services.BATCH_SIZE + 20)]
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_emails(emails=emails)
    assert len(mail.outbox) == services.BATCH_SIZE + 20
    assert len(opened) == 2  # two batches, one connection each
    assert OutboundMessageLog.objects.filter(outcome="sent").count() == len(emails)
    # Running every batch again sends nothing more.
    ids = list(OutboundMessage.objects.values_list("pk", flat=True))
    assert tasks.send_batch(ids) == {"sent": 0, "skipped": len(ids), "failed": 0}
    assert len(mail.outbox) == len(emails)


def test_one_refused_message_does_not_stop_the_batch(monkeypatch):
    ids = services.queue_emails(emails=[_email(n, key=f"b:{n}") for n in range(3)])
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def refuse_second(self, messages):
        if messages[0].to == ["dest1@exemple.test"]:
            raise SMTPServerDisconnected("refusé")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_second)
    counts = services.deliver_messages(ids, raise_errors=False)
    assert counts == {"sent": 2, "skipped": 0, "failed": 1}
    assert OutboundMessage.objects.get(to_email="dest1@exemple.test").status == "pending"
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_mark_is_one_commit_and_the_setting_is_restored():
    """How a worker runs (no surrounding transaction): on PostgreSQL "sent" and its log row are
    one statement, and synchronous_commit is back to its value once the batch is done."""
    from django.db import connection

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    before = setting() if connection.vendor == "postgresql" else None
    # No surrounding transaction: the (eager) batch task runs at once, as in a worker.
    ids = services.queue_emails(emails=[_email(n, key=f"w:{n}") for n in range(3)])
    assert len(mail.outbox) == 3
    assert set(OutboundMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert OutboundMessageLog.objects.filter(message_id__in=ids, outcome="sent").count() == 3
    if before is not None:
        assert setting() == before
    # A second run sends nothing more.
    assert services.deliver_messages(ids) == {"sent": 0, "skipped": 3, "failed": 0}
    assert len(mail.outbox) == 3
