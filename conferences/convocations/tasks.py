from celery import shared_task

from conferences.convocations import services as convocation


# The name predates the feature packages: the beat schedule (config/settings.py) and messages
# already queued use it.
@shared_task(name="conferences.tasks.send_due_reminders")
def send_due_reminders() -> int:
    """Periodic: remind members who have not answered before their session (once each)."""
    return convocation.send_due_reminders()
