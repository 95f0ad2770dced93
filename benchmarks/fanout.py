"""Fan-out through a REAL Celery worker on Redis to a local SMTP sink (aiosmtpd on 127.0.0.1),
compared with a bare loop that sends the same messages over one SMTP connection to the same
sink, in the same run. Two scenarios on the generated territory:

- ``convocation``: convening a new council session (240 members, and a copy to every municipal
  councillor who does not sit on it, L5211-40-2), each message with its .ics;
- ``opinions``: broadcasting the opinions of a conférence des maires session to every municipal
  councillor of the member communes (L5211-40-2).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interco_bench \
        .venv/bin/python benchmarks/fanout.py [--concurrency 1] [--scenario convocation opinions]

Reported per scenario: the time to queue (the service call, until its transaction commits),
the send phase (from that commit to the last message marked sent: what the worker adds), the
end-to-end total, and the bare loop over the same messages.

Redis database 13 of 127.0.0.1:6379 is the broker; its "interco" queue is purged first. The
worker is started and stopped by this script. Each run convenes a new session.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ["CELERY_BROKER_URL"] = BROKER  # before Django reads its settings: tasks go to Redis

from bootstrap import OUT, ROOT, setup  # noqa: E402

setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.mail import EmailMultiAlternatives, get_connection  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from conferences.convocations.services import convene_session  # noqa: E402
from conferences.models import AgendaItem, Publication, Session  # noqa: E402
from conferences.publication.distribution import broadcast_opinions  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from core.models import OutboundMessage  # noqa: E402
from demo.scale.territory import EPCI_SIREN  # noqa: E402
from governance.models import Body, User  # noqa: E402
from governance.rules import BodyKind  # noqa: E402


class CountingSink:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_worker(smtp_port: int, concurrency: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings_bench",
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
    }
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
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
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )


def new_council_session() -> Session:
    body = Body.objects.get(epci__siren=EPCI_SIREN, kind=BodyKind.COUNCIL)
    starts_at = timezone.now() + datetime.timedelta(days=20)
    session = Session.objects.create(
        body=body, title="Séance de mesure (fan-out)", starts_at=starts_at, address="Salle"
    )
    AgendaItem.objects.create(session=session, position=1, title="Point unique de la mesure")
    return session


def bare_loop(messages: list[OutboundMessage], port: int) -> float:
    """The same messages as EmailMultiAlternatives, over one SMTP connection."""
    emails = []
    for m in messages:
        email = EmailMultiAlternatives(
            subject=m.subject,
            body=m.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[f"{m.to_name} <{m.to_email}>"],
            headers={"Message-ID": f"<bare.{m.pk}@interco>"},
        )
        for attachment in m.attachments:
            email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        emails.append(email)
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port
    )
    started = time.perf_counter()
    connection.open()
    sent = connection.send_messages(emails)
    connection.close()
    elapsed = time.perf_counter() - started
    assert sent == len(emails), (sent, len(emails))
    return elapsed


def convocation_scenario(secretariat) -> tuple[str, float]:
    """Convene a new council session; returns the messages' key prefix and the time to queue."""
    session = new_council_session()
    started = time.perf_counter()
    convene_session(actor=secretariat, session=session)
    return f"convocation:{session.pk}:", time.perf_counter() - started


def opinions_scenario(secretariat) -> tuple[str, float]:
    """Broadcast the opinions of the latest held conférence des maires session as a new
    publication version (its PDF replaced by a fixed file: bench_pdf.py measures rendering)."""
    session = (
        Session.objects.filter(
            body__epci__siren=EPCI_SIREN,
            body__kind=BodyKind.MAYORS_CONFERENCE,
            status=Session.Status.CLOSED,
        )
        .order_by("-starts_at")
        .first()
    )
    opinions = session.items.filter(kind=AgendaItem.Kind.OPINION).exclude(opinion="")
    if not opinions.exists():  # the generator records debates only: give the session an opinion
        AgendaItem.objects.create(
            session=session,
            position=1 + session.items.count(),
            kind=AgendaItem.Kind.OPINION,
            title="Projet de plan de mobilité",
            opinion="Avis favorable de la conférence des maires, assorti de deux réserves.",
        )
    version = 1 + max(
        session.publications.filter(kind=Publication.Kind.OPINIONS).values_list(
            "version", flat=True
        ),
        default=0,
    )
    publication = Publication(
        body=session.body,
        session=session,
        kind=Publication.Kind.OPINIONS,
        version=version,
        title=f"Avis rendus (mesure {version})",
        filename=f"avis-mesure-{version}.pdf",
        author=secretariat.get_full_name(),
        published_by=secretariat,
    )
    publication.file.save(publication.filename, ContentFile(b"%PDF-1.7 mesure"), save=False)
    publication.save()
    started = time.perf_counter()
    with transaction.atomic():
        broadcast_opinions(publication=publication)
    return f"opinions:{session.pk}:v{version}:", time.perf_counter() - started


SCENARIOS = {"convocation": convocation_scenario, "opinions": opinions_scenario}


def run(scenario: str, concurrency: int, timeout: float) -> dict:
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("interco")
    worker = start_worker(port, concurrency)
    try:
        time.sleep(5)  # the worker is up and has imported the project
        secretariat = User.objects.get(email="secretariat@bench.interco.test")
        started = time.perf_counter()
        prefix, queued = SCENARIOS[scenario](secretariat)
        committed = time.perf_counter()
        messages = OutboundMessage.objects.filter(dedup_key__startswith=prefix)
        total = messages.count()
        deadline = time.monotonic() + timeout
        # Watch the sink (in this process, free) rather than the database, so that measuring
        # does not load PostgreSQL; then wait for the last "sent" mark.
        while sink.count < total and time.monotonic() < deadline:
            if worker.poll() is not None:
                sys.exit("le worker s'est arrêté")
            time.sleep(0.01)
        while time.monotonic() < deadline:
            if messages.filter(status=OutboundMessage.Status.SENT).count() == total:
                break
            time.sleep(0.01)
        finished = time.perf_counter()
        sent = messages.filter(status=OutboundMessage.Status.SENT).count()
        received_by_worker = sink.count
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    bare_seconds = bare_loop(list(messages.order_by("pk")), port)
    controller.stop()
    send_phase = finished - committed
    end_to_end = finished - started
    return {
        "scenario": scenario,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "concurrency": concurrency,
        "messages": total,
        "sent": sent,
        "received_by_sink_from_worker": received_by_worker,
        "queue_s": round(queued, 2),
        "send_phase_s": round(send_phase, 2),
        "end_to_end_s": round(end_to_end, 2),
        "worker_msg_per_s": round(sent / send_phase, 1),
        "end_to_end_msg_per_s": round(sent / end_to_end, 1),
        "bare_loop_s": round(bare_seconds, 2),
        "bare_msg_per_s": round(total / bare_seconds, 1),
        "ratio_send_phase_to_bare": round(send_phase / bare_seconds, 2),
        "ratio_end_to_end_to_bare": round(end_to_end / bare_seconds, 2),
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes (prefork)")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument(
        "--scenario", nargs="*", choices=sorted(SCENARIOS), default=["convocation", "opinions"]
    )
    args = parser.parse_args()
    for scenario in args.scenario:
        result = run(scenario, args.concurrency, args.timeout)
        name = f"fanout-{scenario}-c{args.concurrency}.json"
        (OUT / name).write_text(json.dumps(result, indent=2))
        print(json.dumps(result, indent=2), flush=True)


if __name__ == "__main__":
    main()
