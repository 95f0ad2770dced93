"""Background work of the governance app: thin wrappers over services, ids in."""

from celery import shared_task

from governance.importers import services


@shared_task(acks_late=True)
def run_import(import_run_id: int) -> str:
    """Import an uploaded official file. Safe to run twice: a run that is already running, done
    or rejected is left alone (see services.run_import_run)."""
    return services.run_import_run(import_run_id=import_run_id)


@shared_task
def requeue_stuck_imports() -> int:
    """Periodic: a run still QUEUED after a broker outage is queued again; a run RUNNING for
    far too long (its worker died) is closed with a clear message so it can be uploaded again."""
    return services.sweep_stuck_import_runs()
