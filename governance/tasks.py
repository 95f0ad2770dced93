"""Background work of the governance app: thin wrappers over services, ids in."""

from celery import shared_task

from governance.importers import services


@shared_task(acks_late=True)
def run_import(import_run_id: int) -> str:
    """Import an uploaded official file. Safe to run twice: a run that is already running, done
    or rejected is left alone (see services.run_import_run)."""
    return services.run_import_run(import_run_id=import_run_id)
