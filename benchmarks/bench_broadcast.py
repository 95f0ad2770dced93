"""Broadcast of the opinions of the conférence des maires (L5211-40-2, issue 4): N municipal
councillors (default 3,000) in a throwaway SQLite database, the opinions published, the outbox
filled (queue), then every message delivered by id to a local SMTP sink (aiosmtpd on 127.0.0.1)
through core.services.deliver_message — the body of the send_message task, run eagerly in a loop
(one SMTP connection per message, as the task does). The distribution is then run a second time
to check that nothing more is queued or sent.

    .venv/bin/python benchmarks/bench_broadcast.py [--recipients 3000]

Not a test: prints the timings. The PDF rendering is replaced by a fixed document (its cost is
measured by benchmarks/bench_pdf.py).
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import platform
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# On a RAM disk when there is one: SQLite syncs each commit to disk, which would measure the disk.
WORKDIR = tempfile.mkdtemp(
    prefix="interco-bench-broadcast-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None
)
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-in-production-broadcast-0123")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.pop("CELERY_BROKER_URL", None)  # eager tasks
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

import core.services  # noqa: E402
from conferences.models import AgendaItem, Publication, Session  # noqa: E402
from conferences.services import distribution, publication  # noqa: E402
from core.models import OutboundMessage  # noqa: E402
from governance.models import EPCI, Body, Commune, Mandate, Person, User  # noqa: E402
from governance.rules import BodyKind, defaults_for  # noqa: E402


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


def build(recipients: int) -> tuple[Session, User]:
    epci = EPCI.objects.create(siren="200000001", name="CA Banc-d'Essai", nature=EPCI.Nature.CA)
    communes = Commune.objects.bulk_create(
        [
            Commune(
                insee_code=f"99{i:03d}",
                name=f"Villebanc-{i}",
                departement="68",
                population=1500,
                epci=epci,
            )
            for i in range(40)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                epci=epci,
                first_name=f"Prénom{i}",
                last_name=f"CONSEILLER{i:05d}",
                email=f"conseiller{i}@exemple.test",
                match_key=f"CONSEILLER{i:05d}|PRENOM{i}",
            )
            for i in range(recipients)
        ],
        batch_size=1000,
    )
    Mandate.objects.bulk_create(
        [
            Mandate(
                person=p,
                commune=communes[i % len(communes)],
                kind=Mandate.Kind.MAYOR if i < len(communes) else Mandate.Kind.MUNICIPAL_COUNCILLOR,
                start_date=datetime.date(2020, 7, 1),
            )
            for i, p in enumerate(people)
        ],
        batch_size=1000,
    )
    rules = defaults_for(BodyKind.MAYORS_CONFERENCE)
    body = Body.objects.create(
        epci=epci,
        kind=BodyKind.MAYORS_CONFERENCE,
        name="Conférence des maires",
        notice_days=rules.notice_days,
        emergency_notice_days=rules.emergency_notice_days,
        quorum_rule=rules.quorum_rule,
        proxies_allowed=rules.proxies_allowed,
        is_public=rules.is_public,
        deliberative=rules.deliberative,
        gives_opinions=rules.gives_opinions,
        convened_by=rules.convened_by,
    )
    session = Session.objects.create(
        body=body,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        status=Session.Status.HELD,
        address="Hôtel de l'agglomération",
    )
    for n in range(1, 4):
        AgendaItem.objects.create(
            session=session,
            position=n,
            title=f"Schéma de mutualisation, volet {n}",
            kind=AgendaItem.Kind.OPINION,
            opinion=f"Avis favorable au volet {n}, sous réserve d'un bilan annuel.",
        )
    actor = User.objects.create_user(
        email="secretariat@exemple.test", epci=epci, role=User.Role.SECRETARIAT
    )
    return session, actor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=3000)
    args = parser.parse_args()

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    session, actor = build(args.recipients)
    print(
        f"Jeu de données : {args.recipients} destinataires en {time.perf_counter() - start:.1f} s"
    )

    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    publication.render_pdf = lambda *, session, kind: (b"%PDF-1.4\n%%EOF\n", 1)
    queued_ids: list[int] = []
    # Queue phase only: the outbox's enqueue (send_message.delay per id) is replaced by a list,
    # delivered below by the same function the task runs.
    core.services._enqueue = queued_ids.extend
    try:
        start = time.perf_counter()
        publication.publish_opinions(actor=actor, session=session)
        queue_time = time.perf_counter() - start
        rows = OutboundMessage.objects.filter(category="publication.opinions").count()

        start = time.perf_counter()
        outcomes = [core.services.deliver_message(pk) for pk in queued_ids]
        send_time = time.perf_counter() - start

        stored = Publication.objects.get(session=session, kind="opinions")
        start = time.perf_counter()
        again = distribution.distribute(publication=stored)
        again_time = time.perf_counter() - start
        redelivered = [core.services.deliver_message(pk) for pk in queued_ids[:100]]
    finally:
        controller.stop()
        shutil.rmtree(WORKDIR, ignore_errors=True)

    sent = outcomes.count("sent")
    total = queue_time + send_time
    print(f"File d'attente : {rows} messages en {queue_time:.2f} s ({rows / queue_time:.0f} msg/s)")
    print(f"Envoi SMTP : {sent} messages en {send_time:.2f} s ({sent / send_time:.0f} msg/s)")
    print(f"Total : {total:.2f} s ({sent / total:.0f} msg/s de bout en bout)")
    print(f"Reçus par le puits SMTP : {sink.count}")
    print(
        f"Seconde diffusion : {again} nouveau(x) message(s) en {again_time:.2f} s ; "
        f"100 ids renvoyés : {redelivered.count('already-handled')} déjà traités"
    )
    print(
        f"Machine : {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPU"
    )
    assert rows == sent == sink.count == args.recipients and again == 0


if __name__ == "__main__":
    main()
