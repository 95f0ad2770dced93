from smtplib import SMTPException

from celery import shared_task

from core import services


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=4,
    acks_late=True,
)
def send_message(self, message_id: int) -> str:
    """Send one outbox message by id; a second run (retry, redelivery) sends nothing more."""
    return services.deliver_message(message_id)


@shared_task
def requeue_unsent_messages() -> int:
    """Periodic sweep: what a broker outage or a dead worker left unsent is queued again."""
    ids = services.unsent_message_ids()
    for pk in ids:
        send_message.delay(pk)
    return len(ids)
