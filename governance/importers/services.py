"""Importing official files: validate the whole file first (outside any transaction, reporting
progress), then write everything in one transaction. A rejected file leaves the database exactly
as it was, apart from the audit event and the ImportRun that record the rejection."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.queue import enqueue_each, enqueue_on_commit
from governance.audit import record_event
from governance.importers import cog, epcicom, populations, rne
from governance.importers import formats as f
from governance.importers.errors import ErrorCollector, ImportRejected
from governance.importers.readers import ProgressCallback, Source
from governance.importers.summary import ImportSummary, ParseContext
from governance.models import EPCI, ImportRun, User
from governance.perms import can_manage_epci, ensure

logger = logging.getLogger(__name__)

PARSERS: dict[str, Callable] = {
    f.COG.key: cog.parse,
    f.POPULATIONS.key: populations.parse,
    f.EPCICOM.key: epcicom.parse,
    f.RNE_MAYORS.key: partial(rne.parse, fmt=f.RNE_MAYORS),
    f.RNE_COUNCILLORS.key: partial(rne.parse, fmt=f.RNE_COUNCILLORS),
    f.RNE_EPCI.key: partial(rne.parse, fmt=f.RNE_EPCI),
}
# Files that hold no personal data are kept with their ImportRun as evidence; any other file
# (the RNE, or a file rejected before its type was known) is deleted once read.
KEPT_KINDS = {f.COG.key, f.POPULATIONS.key, f.EPCICOM.key}


def import_file(
    *,
    fileobj: IO[bytes],
    name: str,
    epci: EPCI | None,
    kind: str = ImportRun.Kind.AUTO,
    siren: str | None = None,
    vintage: int | None = None,
    progress: ProgressCallback | None = None,
    actor: User | None = None,
    run: ImportRun | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import one official file for ``epci``; ``siren`` instead names the EPCI that a DGCL
    composition file creates. Raises ``ImportRejected`` (with ``.summary``) if the file is
    invalid: nothing is then written. ``dry_run`` validates and counts, then rolls back."""
    summary = ImportSummary()

    def tracked(done: int, total: int | None) -> None:
        summary.rows = done
        if progress:
            progress(done, total)

    try:
        with Source(fileobj, name) as source:
            fmt, header = f.detect_format(source.header_candidates(), kind=kind)
            summary.kind = fmt.key
            if run is not None:
                run.detected_kind = fmt.key
                run.save(update_fields=["detected_kind"])
            if epci is None and (fmt is not f.EPCICOM or not siren):
                raise ImportRejected.single(
                    f"EPCI inconnu (SIREN {siren}) : importez d'abord le fichier de composition "
                    "des EPCI de la DGCL."
                )
            table = source.table(header)
            tracked(0, table.total_rows)
            errors = ErrorCollector()
            ctx = ParseContext(
                epci=epci, errors=errors, siren=siren, vintage=vintage, name=name, progress=tracked
            )
            plan = PARSERS[fmt.key](table, ctx)
            errors.raise_if_any()
    except ImportRejected as rejected:
        summary.rejected = len(rejected.errors)
        rejected.summary = summary
        record_event(
            action="import.rejected",
            actor=actor,
            epci=epci,
            target=run,
            file=name,
            kind=summary.kind,
            errors=summary.rejected,
            message=rejected.message[:2000],
        )
        raise
    with transaction.atomic():
        epci = plan.apply(summary)
        record_event(
            action="import.done",
            actor=actor,
            epci=epci,
            target=run,
            file=name,
            summary=summary.as_dict(),
            dry_run=dry_run,
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


def queue_import(
    *, epci: EPCI, upload: UploadedFile, kind: str, vintage: int | None, actor: User
) -> ImportRun:
    """Store the uploaded file and import it in the background once the upload is committed."""
    ensure(can_manage_epci, actor, epci.pk)
    from governance.tasks import run_import

    with transaction.atomic():
        run = ImportRun.objects.create(
            epci=epci,
            kind=kind,
            file=upload,
            original_name=upload.name[:255],
            created_by=actor,
            # ImportRun has no options field: the options travel in the summary until the run.
            summary={"options": {"vintage": vintage}} if vintage else {},
        )
        record_event(
            action="import.queued",
            actor=actor,
            epci=epci,
            target=run,
            file=run.original_name,
            kind=kind,
        )
        # With the broker down the run stays QUEUED, visible as such, and the sweep
        # (sweep_stuck_import_runs) queues it again.
        enqueue_on_commit(run_import, run.pk)
    return run


def run_import_run(*, import_run_id: int) -> str:
    """Run a queued import. Only the caller that moves it from QUEUED to RUNNING works on it, so
    a redelivered task does nothing; a run already done, rejected or running is left alone."""
    claimed = ImportRun.objects.filter(pk=import_run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING
    )
    if not claimed:
        return "already-handled"
    run = ImportRun.objects.select_related("epci", "created_by").get(pk=import_run_id)
    options = run.summary.get("options", {})

    def progress(done: int, total: int | None) -> None:
        ImportRun.objects.filter(pk=run.pk).update(
            rows_done=done, rows_total=total if total is not None else 0
        )

    try:
        with run.file.open("rb") as fileobj:
            summary = import_file(
                fileobj=fileobj,
                name=run.original_name,
                epci=run.epci,
                kind=run.kind,
                vintage=options.get("vintage"),
                progress=progress,
                actor=run.created_by,
                run=run,
            )
        run.status, run.error, run.summary = ImportRun.Status.DONE, "", summary.as_dict()
    except ImportRejected as rejected:
        run.status, run.error = ImportRun.Status.REJECTED, rejected.message
        run.summary = rejected.summary.as_dict() if rejected.summary else {}
    except Exception:  # a bug or an outage must still end the run visibly (logged, re-read)
        logger.exception("Import %s interrompu", import_run_id)
        run.status = ImportRun.Status.REJECTED
        run.error = "Erreur technique pendant l'import : rien n'a été enregistré."
        record_event(
            action="import.rejected",
            actor=run.created_by,
            epci=run.epci,
            target=run,
            file=run.original_name,
            kind=run.detected_kind,
            technical=True,
        )
    if run.detected_kind not in KEPT_KINDS and run.file:
        run.file.delete(save=False)
        run.file = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "summary", "file", "finished_at"])
    return run.status


# A queued run older than this is queued again (its task was lost with the broker); a run
# "running" for longer than STALE_RUN was abandoned by a dead worker: the import is atomic, so
# nothing of it was written.
REQUEUE_AFTER = timedelta(minutes=5)
STALE_RUN = timedelta(hours=2)


def sweep_stuck_import_runs(*, now=None) -> int:
    from governance.tasks import run_import

    now = now or timezone.now()
    ImportRun.objects.filter(
        status=ImportRun.Status.RUNNING, created_at__lt=now - STALE_RUN
    ).update(
        status=ImportRun.Status.REJECTED,
        finished_at=now,
        error="L'import a été interrompu (arrêt du traitement) : rien n'a été enregistré. "
        "Déposez le fichier à nouveau.",
    )
    queued = list(
        ImportRun.objects.filter(
            status=ImportRun.Status.QUEUED, created_at__lt=now - REQUEUE_AFTER
        ).values_list("pk", flat=True)
    )
    enqueue_each(run_import, queued)
    return len(queued)
