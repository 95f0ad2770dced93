"""Activity for the demo: sessions, consultations and shared services, so that every demo
account lands on a living portal (`load_demo` calls `load_demo_activity` last).

The data goes through the apps' own services wherever one exists, so that their rules hold
(notice periods, quorum, proxies, deadlines, eligibility, double bookings). Where a service
needs an account the demo does not have (the mayors and DGS of the other communes), the few
rows it would write are written directly, and said so where it happens.

Idempotent: each piece is recognised by a natural key (title, subject, name) and skipped when
it exists, so a second run creates nothing. Deterministic: no randomness beyond what the
services themselves draw (tokens). Dates are relative to today: the upcoming sessions are
ahead, the past ones behind. No mail leaves: the messages the services queue are marked as
handled before the transaction commits (see `_hold_outbox`).
"""

from __future__ import annotations

import logging
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.models import OutboundMessage, OutboundMessageLog
from demo.plan import DEMO_EMAIL_DOMAIN, DGS_COMMUNE, ELECTED_COMMUNE
from governance.models import EPCI, Body, Commune, Mandate, Person, User

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = range(5)
_LABELS = {
    "sessions": "séances", "mayors_requests": "demandes des maires",
    "referrals": "saisines", "threads": "messages aux élus", "offers": "offres",
    "conventions": "conventions", "staff": "agents mis à disposition", "equipment": "matériels",
    "bookings": "réservations", "service_requests": "demandes de service",
    "missions": "missions", "trainings": "formations",
}  # fmt: skip
_NOISY_LOGGERS = {  # logger: level while the follow-ups run
    "celery.app.trace": logging.WARNING,
    "weasyprint": logging.WARNING,
    "weasyprint.progress": logging.WARNING,
    "fontTools": logging.WARNING,
    "kombu.connection": logging.ERROR,  # "No hostname was supplied" (no broker: eager tasks)
}


@dataclass
class DemoActivity:
    """What every part of the demo activity needs: the EPCI, its demo accounts, its communes
    and "now", read once."""

    epci: EPCI
    now: datetime
    secretariat: User
    elected: User
    dgs: User
    agent: User
    communes: dict[str, Commune]  # by INSEE code, in INSEE code order
    created: Counter = field(default_factory=Counter)

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def illzach(self) -> Commune:
        return self.communes[DGS_COMMUNE]

    @property
    def rixheim(self) -> Commune:
        return self.communes[ELECTED_COMMUNE]

    def at(self, days: int, hour: int, minute: int = 0, *, weekday: int | None = None):
        """Local time `hour:minute`, `days` days from today (negative: in the past), or on the
        first `weekday` (0 = Monday) from that day on."""
        day = self.today + timedelta(days=days)
        if weekday is not None:
            day += timedelta(days=(weekday - day.weekday()) % 7)
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def body(self, name: str) -> Body:
        return Body.objects.get(epci=self.epci, name=name)

    def mayor(self, insee: str) -> Person:
        return Person.objects.get(
            mandates__kind=Mandate.Kind.MAYOR, mandates__commune=self.communes[insee]
        )

    def president(self) -> Person:
        return Person.objects.get(mandates__kind=Mandate.Kind.PRESIDENT, epci=self.epci)


def load_demo_activity(epci: EPCI, *, stdout: TextIO | None = None) -> Counter:
    """Create the demo's sessions, consultations and shared services (see the module doc).
    Runs inside load_demo's transaction. Returns what was created, by kind."""
    # Imported here: each of them imports this module (DemoActivity, the weekdays, the PDFs).
    from demo import conferences, mutualisation, referrals

    emails = {
        name: f"{name}@{DEMO_EMAIL_DOMAIN}" for name in ("secretariat", "elu", "dgs", "agent")
    }
    users = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    accounts = {name: users[email] for name, email in emails.items()}
    communes = Commune.objects.filter(epci=epci).order_by("insee_code")
    ctx = DemoActivity(
        epci=epci,
        now=timezone.now(),
        secretariat=accounts["secretariat"],
        elected=accounts["elu"],
        dgs=accounts["dgs"],
        agent=accounts["agent"],
        communes={c.insee_code: c for c in communes},
    )
    last_message = OutboundMessage.objects.aggregate(last=Max("pk"))["last"] or 0
    restore_logs = _quiet_after_commit()
    mutualisation.load(ctx)
    conferences.load(ctx)
    referrals.load(ctx)
    _hold_outbox(after_pk=last_message, now=ctx.now)
    transaction.on_commit(restore_logs)
    if stdout is not None:
        created = [f"{_LABELS.get(k, k)} {n}" for k, n in ctx.created.items() if n]
        done = "créé : " + ", ".join(created) if created else "déjà chargée, rien à créer"
        stdout.write(f"Activité de démonstration : {done}.\n")
    return ctx.created


def _quiet_after_commit():
    """After commit, the services' follow-ups run (in `make run`, eagerly in this process): a
    sending task per queued message, a synthesis PDF per consultation, each logged at INFO.
    Quiet those loggers while they run: this callback is registered before the services' ones,
    the returned one (to register last) restores the levels."""
    levels: dict[str, int] = {}

    def quiet() -> None:
        for name, level in _NOISY_LOGGERS.items():
            levels[name] = logging.getLogger(name).level
            logging.getLogger(name).setLevel(level)

    def restore() -> None:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    transaction.on_commit(quiet)
    return restore


def _hold_outbox(*, after_pk: int, now: datetime) -> None:
    """The services queued their mail (convocations, notifications) for sending after commit.
    The demo's recipients are invented: mark these messages as handled, with a log line saying
    they were not sent, so that the sending task finds nothing to send."""
    new = OutboundMessage.objects.filter(pk__gt=after_pk, status=OutboundMessage.Status.PENDING)
    ids = list(new.values_list("pk", flat=True))
    if not ids:
        return
    OutboundMessage.objects.filter(pk__in=ids).update(
        status=OutboundMessage.Status.SENT, sent_at=now
    )
    OutboundMessageLog.objects.bulk_create(
        [
            OutboundMessageLog(
                message_id=pk, at=now, outcome="demo", detail="Démonstration : non expédié."
            )
            for pk in ids
        ],
        batch_size=500,
    )


# --- Documents ----------------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A small valid one-page PDF (Helvetica, WinAnsi), deterministic and without any library:
    the title, then the paragraphs wrapped at 90 characters."""
    lines = [b"BT", b"/F1 15 Tf", b"56 780 Td", b"(" + _pdf_text(title) + b") Tj", b"/F2 10 Tf"]
    lines.append(b"0 -30 Td")
    for paragraph in [*paragraphs, "Document fictif de la démonstration d'Interco."]:
        for line in textwrap.wrap(paragraph, 90) or [""]:
            lines.append(b"(" + _pdf_text(line) + b") Tj 0 -14 Td")
        lines.append(b"0 -8 Td")
    lines.append(b"ET")
    stream = b"\n".join(lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_upload(name: str, title: str, paragraphs: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(title, paragraphs), "application/pdf")
