"""A Celery worker SIGKILLed in the middle of a 3,000-message fan-out, then restarted: every
recipient gets the message, and a copy only in the documented window (core.services.
deliver_message): the messages the dead worker had claimed when it died.

Real processes: the outbox rows are created by core.services.queue_emails, a real worker
(prefork, 2 processes) on a private redis-server sends them to an aiosmtpd sink. PostgreSQL only
(the worker shares the test database); CI runs it."""

import time

import pytest

from core import services
from core.models import OutboundMessage
from tests.reliability.conftest import needs_postgres, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FAN_OUT = 3000
KILL_AFTER = 1000
LEASE = 4  # seconds; production: OUTBOX_CLAIM_LEASE_SECONDS=600


def _emails():
    return [
        services.Email(
            dedup_key=f"fan-out:1:v1:{i}",
            category="test",
            to_email=f"conseiller{i}@exemple.test",
            subject="Avis de la conférence",
            body_text="Avis transmis aux conseillers municipaux.",
        )
        for i in range(FAN_OUT)
    ]


def _sent():
    return OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count()


def test_killed_worker_restarted_every_recipient_gets_the_message(
    private_redis, publishing_to, smtp_sink, start_worker, capsys
):
    needs_postgres()
    publishing_to(private_redis.url)
    started = time.monotonic()
    worker = start_worker(broker=private_redis.url, smtp_port=smtp_sink.port, lease=LEASE)
    services.queue_emails(emails=_emails())  # autocommit: 3,000 tasks published at once

    assert wait_for(lambda: _sent() >= KILL_AFTER, timeout=90, interval=0.01), worker.tail()
    worker.kill()
    in_flight = set(
        OutboundMessage.objects.filter(status=OutboundMessage.Status.SENDING).values_list(
            "to_email", flat=True
        )
    )
    sent_at_kill = _sent()
    assert sent_at_kill < FAN_OUT, "le worker a tout envoyé avant d'être tué : rien n'est prouvé"

    # The restarted worker drains the queue; what the dead one held (claimed, or prefetched and
    # never acknowledged) waits for the lease, then the periodic sweep queues it again.
    worker = start_worker(broker=private_redis.url, smtp_port=smtp_sink.port, lease=LEASE)
    from core.tasks import requeue_unsent_messages

    def everything_sent():
        if _sent() == FAN_OUT:
            return True
        requeue_unsent_messages.delay()  # what beat does every minute
        return False

    assert wait_for(everything_sent, timeout=120, interval=LEASE / 2), worker.tail()
    elapsed = time.monotonic() - started

    per_recipient = smtp_sink.per_recipient()
    expected = {f"conseiller{i}@exemple.test" for i in range(FAN_OUT)}
    assert set(per_recipient) == expected  # nobody is missing
    duplicated = {rcpt for rcpt, count in per_recipient.items() if count > 1}
    # At least once; a second copy only for what the dead worker had claimed (<= its 2
    # processes), the window between the server's "250" and the UPDATE.
    assert duplicated <= in_flight
    assert max(per_recipient.values()) <= 2
    with capsys.disabled():
        print(
            f"\n[worker tué] {FAN_OUT} messages, tué après {sent_at_kill} envois, "
            f"{len(in_flight)} en cours à la mort, {len(duplicated)} doublon(s), "
            f"tout envoyé en {elapsed:.1f} s"
        )
