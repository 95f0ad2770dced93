"""Writing to the outbox and sending from it. Nothing here is called inside a request's send path:
views and services queue, Celery tasks send."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from core.models import OutboundMessage, OutboundMessageLog

logger = logging.getLogger(__name__)

# A worker that claimed a message and vanished (killed, OOM) leaves it "sending"; after this lease
# the sweep hands it to another worker.
CLAIM_LEASE = timedelta(seconds=getattr(settings, "OUTBOX_CLAIM_LEASE_SECONDS", 600))
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Email:
    dedup_key: str
    category: str
    to_email: str
    subject: str
    body_text: str
    to_name: str = ""
    body_html: str = ""
    attachments: tuple[dict, ...] = ()


def queue_emails(*, emails: list[Email]) -> list[int]:
    """Persist messages (ignoring those already queued under the same key) and send them
    after the surrounding transaction commits. Returns the ids of newly queued messages."""
    if not emails:
        return []
    keys = [e.dedup_key for e in emails]
    existing = set(
        OutboundMessage.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True)
    )
    rows = [
        OutboundMessage(
            dedup_key=e.dedup_key,
            category=e.category,
            to_email=e.to_email,
            to_name=e.to_name,
            subject=e.subject,
            body_text=e.body_text,
            body_html=e.body_html,
            attachments=list(e.attachments),
        )
        for e in emails
        if e.dedup_key not in existing
    ]
    OutboundMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    ids = list(
        OutboundMessage.objects.filter(
            dedup_key__in=[r.dedup_key for r in rows], status=OutboundMessage.Status.PENDING
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue(ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    from core.tasks import send_message

    for pk in ids:
        try:
            send_message.delay(pk)
        except Exception:  # noqa: BLE001 - broker down: the periodic sweep will send it later
            logger.warning("Broker indisponible : message %s laissé à la relance périodique", pk)
            return


def claim_message(pk: int) -> bool:
    """Atomically take a message for sending; only one worker can win."""
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(pk=pk, status=OutboundMessage.Status.PENDING).update(
        status=OutboundMessage.Status.SENDING, claimed_at=now
    )
    if not claimed:
        claimed = (
            OutboundMessage.objects.stale_claims(older_than=now - CLAIM_LEASE)
            .filter(pk=pk)
            .update(claimed_at=now)
        )
    return bool(claimed)


def deliver_message(pk: int) -> str:
    """Send one message if this caller wins the claim. Safe to call any number of times.

    The guarantee is *at least once*, with a duplicate only in a window of about a millisecond.
    The SMTP server and the database cannot commit together, so a worker killed (SIGKILL, OOM,
    power) after the server accepted the message and before the UPDATE below committed leaves
    it "sending"; when the lease expires the sweep sends it again. That order is chosen on
    purpose: a legal convocation sent twice is harmless, one never sent voids the meeting.
    The window is kept as short as it can be: the UPDATE to "sent" is the very next statement
    after the server's "250 accepted" reply, before the connection is closed (the QUIT round
    trip and the log row come after it), and both copies carry the same Message-ID, so
    receiving servers and mail clients can drop the second one. A worker killed at any other
    moment loses nothing and duplicates nothing: before the end of DATA the server discards
    the message, and the lease hands it to another worker (tests/reliability/
    test_worker_kill.py measures it with a real worker killed during a 3,000-message fan-out).
    The SMTP timeout (EMAIL_TIMEOUT, 20 s by default) stays far below the lease, so a live but
    slow worker is never overtaken by the sweep.
    """
    if not claim_message(pk):
        return "already-handled"
    message = OutboundMessage.objects.get(pk=pk)
    connection = get_connection()
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{message.to_name} <{message.to_email}>" if message.to_name else message.to_email],
        headers={"Message-ID": f"<{message.dedup_key.replace(':', '.')}@interco>"},
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        # Opened here, so send() does not close it: the QUIT is not in the window.
        connection.open()
        try:
            email.send()
            now = timezone.now()
            OutboundMessage.objects.filter(pk=pk).update(
                status=OutboundMessage.Status.SENT,
                sent_at=now,
                attempts=message.attempts + 1,
                last_error="",
            )
        finally:
            _close_quietly(connection)
    except (SMTPException, OSError) as exc:
        attempts = message.attempts + 1
        status = (
            OutboundMessage.Status.FAILED
            if attempts >= MAX_ATTEMPTS
            else OutboundMessage.Status.PENDING
        )
        OutboundMessage.objects.filter(pk=pk).update(
            status=status, attempts=attempts, last_error=str(exc)[:2000], claimed_at=None
        )
        OutboundMessageLog.objects.create(message_id=pk, outcome="error", detail=str(exc)[:2000])
        raise
    OutboundMessageLog.objects.create(message_id=pk, at=now, outcome="sent")
    return "sent"


def _close_quietly(connection) -> None:
    """The message is already accepted (and marked sent): a failed QUIT changes nothing."""
    try:
        connection.close()
    except (SMTPException, OSError):
        logger.info("Fermeture de la connexion SMTP en erreur, message déjà accepté")


def unsent_message_ids(*, limit: int = 5000) -> list[int]:
    now = timezone.now()
    pending = OutboundMessage.objects.pending().order_by("created_at", "pk")
    stale = OutboundMessage.objects.stale_claims(older_than=now - CLAIM_LEASE)
    return list((pending | stale).order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
