"""The tacit-opinion sweep (referrals.consultation.sweeps.record_tacit_opinions) over 10,000
answers due, on the generated PostgreSQL database. Everything it creates is rolled back at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interco_bench \
        .venv/bin/python benchmarks/tacit_sweep.py [--answers 10000]

Reports the whole sweep (the UPDATE, then its audit rows and the referrals marked changed) and,
separately, the set-based UPDATE itself, timed from the captured queries.
"""

from __future__ import annotations

import argparse
import datetime
import json
import time
from pathlib import Path

from bootstrap import OUT, setup

setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from demo.scale.territory import EPCI_SIREN  # noqa: E402
from governance.models import AuditEvent, Commune  # noqa: E402
from referrals.consultation.rules import LegalBasis, Silence  # noqa: E402
from referrals.consultation.sweeps import record_tacit_opinions  # noqa: E402
from referrals.models import Opinion, Referral  # noqa: E402


def due_answers(count: int) -> int:
    """Open referrals consulting every commune, each line received and past its deadline."""
    communes = list(Commune.objects.filter(epci__siren=EPCI_SIREN).order_by("insee_code"))
    epci_id = communes[0].epci_id
    now = timezone.now()
    ends_at = now - datetime.timedelta(hours=1)
    created = 0
    index = 0
    while created < count:
        index += 1
        referral = Referral.objects.create(
            epci_id=epci_id,
            subject=f"Mesure du balayage n° {index}",
            legal_basis=LegalBasis.COMPETENCE,
            reference="CGCT L5211-17",
            deadline_months=3,
            silence=Silence.FAVOURABLE,
            status=Referral.Status.OPEN,
            sent_at=now - datetime.timedelta(days=100),
        )
        batch = communes[: count - created]
        Opinion.objects.bulk_create(
            Opinion(
                referral=referral,
                commune=c,
                population=c.population or 0,
                received_on=(now - datetime.timedelta(days=95)).date(),
                deadline_effective=ends_at.date(),
                deadline_rule="3 mois à compter de la réception (mesure)",
                deadline_ends_at=ends_at,
            )
            for c in batch
        )
        created += len(batch)
    return created


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=10_000)
    args = parser.parse_args()
    with transaction.atomic():
        created = due_answers(args.answers)
        audit_before = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            changed = record_tacit_opinions()
            total = time.perf_counter() - started
        updates = [
            q for q in queries.captured_queries if q["sql"].startswith('UPDATE "referrals_opinion"')
        ]
        audited = AuditEvent.objects.count() - audit_before
        transaction.set_rollback(True)
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "answers_due": created,
        "tacit_recorded": changed,
        "audit_rows": audited,
        "sweep_total_s": round(total, 3),
        "set_based_update_s": float(updates[0]["time"]) if updates else None,
        "queries": len(queries.captured_queries),
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
    }
    (OUT / "tacit_sweep.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
