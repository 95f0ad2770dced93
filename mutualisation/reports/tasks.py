"""Background work of the shared services: ids in, re-read under lock, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.queue import enqueue_each
from mutualisation.models import ProgressReport
from mutualisation.reports import indicators

logger = logging.getLogger(__name__)


def _regenerate(report_id: int) -> tuple[str, str]:
    """Returns (outcome, stale file name to delete once committed)."""
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update(of=("self",))
            .select_related("epci")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            return "missing", ""
        data = indicators.indicators(epci_id=report.epci_id, year=report.year)
        digest = indicators.fingerprint(data)
        if report.status == ProgressReport.Status.READY and report.source_hash == digest:
            return "up-to-date", ""
        pdf = indicators.render_pdf(epci=report.epci, data=data)
        old_name = report.file.name
        report.file.save(
            f"rapport-schema-{report.year}-{digest[:12]}.pdf", ContentFile(pdf), save=False
        )
        report.status = ProgressReport.Status.READY
        report.source_hash = digest
        report.generated_at = timezone.now()
        report.error = ""
        report.save(update_fields=["file", "status", "source_hash", "generated_at", "error"])
    return "generated", old_name if old_name != report.file.name else ""


# A storage or network error is tried again this many times, 60 s then 120 s later.
RETRY_DELAY = 60


@shared_task(
    name="mutualisation.tasks.generate_progress_report",
    bind=True,
    max_retries=2,
    acks_late=True,
)
def generate_progress_report(self, report_id: int) -> str:
    """(Re)generate the yearly report's PDF if its indicators changed since the stored one. A
    storage or network error (OSError) is transient: retried, and recorded as FAILED only once
    the retries are spent; any other error is recorded at once."""
    try:
        outcome, stale = _regenerate(report_id)
    except OSError as exc:
        if not self.request.called_directly and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=RETRY_DELAY * 2**self.request.retries) from exc
        _record_failure(report_id, exc)
        raise
    except Exception as exc:
        _record_failure(report_id, exc)
        raise
    if stale:
        from django.core.files.storage import default_storage

        default_storage.delete(stale)
    return outcome


def _record_failure(report_id: int, exc: Exception) -> None:
    ProgressReport.objects.filter(pk=report_id).update(
        status=ProgressReport.Status.FAILED, error=str(exc)[:2000]
    )
    logger.exception("Rapport d'avancement %s : échec de la génération", report_id)


@shared_task(name="mutualisation.tasks.refresh_progress_reports")
def refresh_progress_reports() -> int:
    """Periodic: regenerate this year's and last year's reports whose data changed (requests
    handled move every day). Unchanged ones cost one fingerprint each."""
    year = timezone.localdate().year
    ids = list(
        ProgressReport.objects.filter(year__in=[year - 1, year]).values_list("pk", flat=True)
    )
    enqueue_each(generate_progress_report, ids)
    return len(ids)
