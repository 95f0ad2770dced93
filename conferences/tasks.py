from celery import shared_task

from conferences.services import convocation


@shared_task
def send_due_reminders() -> int:
    """Periodic: remind members who have not answered before their session (once each)."""
    return convocation.send_due_reminders()
