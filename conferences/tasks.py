from celery import shared_task

from conferences.services import convocation
from conferences.tasks_minutes import distribute_publication, publish_document  # noqa: F401
from conferences.tasks_pdf import render_session_document  # noqa: F401  (autodiscovery)


@shared_task
def send_due_reminders() -> int:
    """Periodic: remind members who have not answered before their session (once each)."""
    return convocation.send_due_reminders()
