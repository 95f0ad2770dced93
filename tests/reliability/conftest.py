"""Real processes for the fault-injection tests: an SMTP sink (aiosmtpd), Celery workers that can
be SIGKILLed, a PRIVATE redis-server and a PRIVATE PostgreSQL cluster started on free ports.
The system Redis and PostgreSQL are never stopped or touched beyond the test database."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout=60.0, interval=0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "un worker Celery réel doit partager la base de test : PostgreSQL seulement "
            "(en CI, DATABASE_URL pointe sur PostgreSQL)"
        )


def use_broker(url):
    """Point the test process's Celery app at another broker, dropping pooled connections."""
    from kombu import pools

    celery_app.pool.force_close_all()
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


@pytest.fixture
def publishing_to():
    """Tasks published by this process go to the given broker (not eagerly run)."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)

    def switch(url):
        conf.task_always_eager = False
        use_broker(url)

    yield switch
    conf.task_always_eager = saved[0]
    use_broker(saved[1])


class Sink:
    """Records the recipients and Message-ID of every accepted message (cheap: no parsing)."""

    def __init__(self):
        self.received: list[tuple[str, bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        content = envelope.content
        start = content.find(b"Message-ID: ")
        message_id = content[start : content.find(b"\r\n", start)] if start >= 0 else b""
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, message_id))
        return "250 OK"

    def per_recipient(self) -> Counter:
        return Counter(rcpt for rcpt, _ in self.received)


@pytest.fixture
def smtp_sink():
    port = free_port()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command otherwise
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()


class Worker:
    """A Celery worker in its own process group, so SIGKILL takes its pool children too."""

    def __init__(self, *, broker: str, smtp_port: int, lease: int, log: Path, concurrency=2):
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            # synchronous_commit=off for the worker's connections only: a commit no longer waits
            # for the disk flush (a test-speed knob; it matters only if PostgreSQL crashes).
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}?options=-c%20synchronous_commit%3Doff",
            "CELERY_BROKER_URL": broker,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "OUTBOX_CLAIM_LEASE_SECONDS": str(lease),
        }
        self.log = log
        self.process = subprocess.Popen(
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
                str(concurrency),
                "--pool",
                "prefork",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                os.environ.get("WORKER_LOG_LEVEL", "WARNING"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("ab"),
            start_new_session=True,
        )

    def kill(self):
        """SIGKILL, as the OOM killer or a lost host would: no cleanup runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def start_worker(tmp_path):
    workers = []

    def start(**kwargs):
        worker = Worker(log=tmp_path / f"worker-{len(workers)}.log", **kwargs)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


class PrivateRedis:
    """A redis-server of our own on a free port, without persistence, stoppable at will."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def ready():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        assert wait_for(ready, timeout=10), "redis-server privé injoignable"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.skip(f"{REDIS_SERVER} absent : installez redis-server (paquet Debian redis-server)")
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
