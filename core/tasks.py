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


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=4,
    acks_late=True,
)
def send_batch(self, message_ids: list[int]) -> dict:
    """Send a batch of outbox messages over one SMTP connection; re-running it (retry,
    redelivery) sends only what is still unsent, each message at most once per claim."""
    return services.deliver_messages(message_ids)


@shared_task
def requeue_unsent_messages() -> int:
    """Periodic sweep: what a broker outage or a dead worker left unsent is queued again."""
    ids = services.unsent_message_ids()
    services.enqueue_batches(ids)
    return len(ids)
