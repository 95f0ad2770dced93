"""Sending through a real Celery worker on Redis to a real SMTP sink (aiosmtpd).

Runs where a broker is given (CI exports CELERY_TEST_BROKER_URL) and the test database is
PostgreSQL, which the worker process can reach; elsewhere it is skipped with the reason."""

import os
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from config.celery import app as celery_app
from core import services
from core.models import OutboundMessage

BROKER = os.environ.get("CELERY_TEST_BROKER_URL")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def _use_broker(url):
    """Point the test process's Celery app at another broker, dropping pooled connections."""
    from kombu import pools

    celery_app.pool.force_close_all()
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_sink():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def real_broker():
    if not BROKER:
        pytest.skip("CELERY_TEST_BROKER_URL absent : test réservé à la CI (Redis)")
    if connection.vendor != "postgresql":
        pytest.skip("le worker doit partager la base de test : PostgreSQL uniquement")
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    _use_broker(BROKER)
    celery_app.connection_for_write().ensure_connection(max_retries=3)
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("interco")
    try:
        yield BROKER
    finally:
        conf.task_always_eager = saved[0]
        _use_broker(saved[1])


def _worker(port, *, lease="600"):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "OUTBOX_CLAIM_LEASE_SECONDS": lease,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "interco",
            "--concurrency",
            "2",
            "--pool",
            "prefork",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _emails(n):
    return [
        services.Email(
            dedup_key=f"worker-test:{i}",
            category="test",
            to_email=f"destinataire{i}@exemple.test",
            subject=f"Message {i}",
            body_text="Corps",
        )
        for i in range(n)
    ]


def test_real_worker_sends_each_message_once(real_broker, smtp_sink):
    handler, port = smtp_sink
    worker = _worker(port)
    try:
        services.queue_emails(emails=_emails(40))  # autocommit: queued to Redis at once
        assert _wait(lambda: OutboundMessage.objects.filter(status="sent").count() == 40), (
            worker.stderr.read1().decode() if worker.poll() is not None else "timeout"
        )
        # Re-running every task (a redelivery) sends nothing more.
        from core.tasks import send_message

        for pk in OutboundMessage.objects.values_list("pk", flat=True):
            send_message.delay(pk)
        time.sleep(2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    recipients = [m["To"] for m in handler.messages]
    assert len(recipients) == 40
    assert len(set(recipients)) == 40


def test_messages_queued_while_the_broker_is_down_are_sent_by_the_sweep(real_broker, smtp_sink):
    handler, port = smtp_sink
    _use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        started = time.monotonic()
        services.queue_emails(emails=_emails(5))
        assert time.monotonic() - started < 30  # the page would still answer
    finally:
        _use_broker(real_broker)
    assert OutboundMessage.objects.filter(status="pending").count() == 5
    worker = _worker(port)
    try:
        from core.tasks import requeue_unsent_messages

        requeue_unsent_messages.delay()
        sent = _wait(lambda: OutboundMessage.objects.filter(status="sent").count() == 5)
        if not sent:
            worker.terminate()
            pytest.fail(worker.communicate(timeout=30)[1].decode()[-3000:])
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert sorted(m["To"] for m in handler.messages) == sorted(
        f"destinataire{i}@exemple.test" for i in range(5)
    )
