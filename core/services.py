"""Writing to the outbox and sending from it. Nothing here is called inside a request's send path:
views and services queue, Celery tasks send."""

from __future__ import annotations

import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from core.models import OutboundMessage, OutboundMessageLog
from core.queue import enqueue_each

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
    transaction.on_commit(lambda: enqueue_batches(ids))
    return ids


def enqueue_batches(ids: list[int]) -> None:
    """One task per batch of BATCH_SIZE messages (one SMTP connection each). With the broker
    down, the rest is left PENDING for the periodic sweep (tasks.requeue_unsent_messages)."""
    from core.tasks import send_batch

    enqueue_each(
        send_batch, [(ids[start : start + BATCH_SIZE],) for start in range(0, len(ids), BATCH_SIZE)]
    )


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
    counts = deliver_messages([pk])
    if counts["sent"]:
        return "sent"
    return "failed" if counts["failed"] else "already-handled"


# Fan-outs are sent in batches: one task and one SMTP connection per batch.
BATCH_SIZE = 100


def _one_line(text: str) -> str:
    """A header holds one line (RFC 5322 section 2.2; Django refuses a line break there to stop
    header injection). Forms refuse line breaks in what becomes a subject, but old rows and
    other paths (imports, admin, demo data) may still hold one: collapse every run of
    whitespace, line breaks included, into one space."""
    return " ".join(text.split())


def _recipient(message: OutboundMessage) -> str:
    """The To address built by the email package, not by string formatting: a comma or a quote
    in a display name is quoted ("Dupont, Jean" <...> is one recipient, not two), and an
    address that is not exactly one mailbox raises ValueError here, before any SMTP command."""
    try:
        return str(Address(display_name=_one_line(message.to_name), addr_spec=message.to_email))
    except (ValueError, IndexError, HeaderParseError) as exc:
        raise ValueError(
            f"adresse du destinataire invalide : {message.to_email!r} ({exc})"
        ) from exc


def _build_email(message: OutboundMessage, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=_one_line(message.subject),
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[_recipient(message)],
        headers={"Message-ID": f"<{message.dedup_key.replace(':', '.')}@interco>"},
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def _record_failure(message: OutboundMessage, exc: Exception, *, permanent: bool = False) -> None:
    """A transient error (connection, server) puts the message back to PENDING for the task's
    retry and the sweep, FAILED after MAX_ATTEMPTS. A permanent one (the message itself cannot
    be built or sent: an invalid address, a header the mail library refuses, a broken
    attachment row) fails at once: a retry would fail the same way, and the message would head
    every sweep batch again."""
    attempts = message.attempts + 1
    if permanent:
        status = OutboundMessage.Status.FAILED
        detail = f"Échec définitif, sans nouvel essai — {type(exc).__name__} : {exc}"
    else:
        status = (
            OutboundMessage.Status.FAILED
            if attempts >= MAX_ATTEMPTS
            else OutboundMessage.Status.PENDING
        )
        detail = str(exc)
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=status, attempts=attempts, last_error=detail[:2000], claimed_at=None
        )
        OutboundMessageLog.objects.create(
            message_id=message.pk, outcome="error", detail=detail[:2000]
        )


@contextmanager
def _relaxed_commits():
    """On PostgreSQL, the "sent" marks of a batch do not wait for the disk flush
    (synchronous_commit off for this connection while the batch runs, reset after). A database
    crash could lose the last fraction of a second of marks, and those messages would be sent
    again: the same rare duplicate as a worker killed in the window, traded for a fan-out
    several times faster. Nothing else runs on the connection meanwhile."""
    if db_connection.vendor != "postgresql" or db_connection.in_atomic_block:
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with db_connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _mark_sent(pk: int, attempts: int, now) -> None:
    """ "Sent" and its log row in ONE commit: on PostgreSQL one statement (a data-modifying CTE,
    a single round trip, right after the server's "250 accepted"); elsewhere one transaction."""
    if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
        with db_connection.cursor() as cursor:
            cursor.execute(
                f"WITH marked AS (UPDATE {OutboundMessage._meta.db_table} "
                "SET status = %s, sent_at = %s, attempts = %s, last_error = '' "
                "WHERE id = %s RETURNING id) "
                f"INSERT INTO {OutboundMessageLog._meta.db_table} "
                "(message_id, at, outcome, detail) SELECT id, %s, 'sent', '' FROM marked",
                [OutboundMessage.Status.SENT, now, attempts, pk, now],
            )
        return
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=pk).update(
            status=OutboundMessage.Status.SENT, sent_at=now, attempts=attempts, last_error=""
        )
        OutboundMessageLog.objects.create(message_id=pk, at=now, outcome="sent")


def claim_messages(pks: list[int]) -> list[int]:
    """Claim a batch in one conditional UPDATE (plus one for expired claims): the rows this
    caller won carry its token, so two workers never get the same message."""
    token = uuid.uuid4().hex
    now = timezone.now()
    OutboundMessage.objects.filter(pk__in=pks, status=OutboundMessage.Status.PENDING).update(
        status=OutboundMessage.Status.SENDING, claimed_at=now, claim_token=token
    )
    OutboundMessage.objects.stale_claims(older_than=now - CLAIM_LEASE).filter(pk__in=pks).update(
        claimed_at=now, claim_token=token
    )
    won = set(
        OutboundMessage.objects.filter(pk__in=pks, claim_token=token).values_list("pk", flat=True)
    )
    return [pk for pk in pks if pk in won]


def deliver_messages(pks: list[int], *, raise_errors: bool = True) -> dict[str, int]:
    """Send the given messages over ONE SMTP connection, each only if this caller wins its claim
    (see deliver_message for the guarantee, which is the same message by message).

    The batch is claimed at once; then per message: the SMTP transaction, then "sent" and its
    log row in one commit. Messages claimed but not reached when a worker dies wait for the
    lease, then the sweep sends them. A message the server refuses goes back to PENDING (FAILED
    after MAX_ATTEMPTS) and the connection is reopened for the next ones; with raise_errors the
    first such error is re-raised at the end so that the task's bounded retry applies. Any other
    error while building or sending a message is that message's own (a bad address, a header
    the mail library refuses): it is FAILED at once with its reason, never re-raised, and the
    batch goes on, so one bad row cannot hold back the convocations queued with it."""
    claimed = claim_messages(pks)
    messages = OutboundMessage.objects.in_bulk(claimed)
    counts = {"sent": 0, "skipped": len(pks) - len(claimed), "failed": 0}
    connection = None
    first_error: Exception | None = None
    try:
        with _relaxed_commits():
            for pk in claimed:
                message = messages[pk]
                new_connection = connection is None
                if new_connection:
                    # Outside the message's try: a misconfigured backend (unknown class, TLS and
                    # SSL both on) is no message's fault and must not fail the messages.
                    connection = get_connection()
                try:
                    if new_connection:
                        # Opened here, so send() does not close it: the QUIT is not in the window.
                        connection.open()
                    _build_email(message, connection).send()
                except (SMTPException, OSError) as exc:
                    first_error = first_error or exc
                    _record_failure(message, exc)
                except Exception as exc:  # noqa: BLE001 - any other error is this message's own
                    # Not re-raised: the batch goes on, and the task has nothing to retry.
                    _record_failure(message, exc, permanent=True)
                else:
                    # Outside the try: an error here is the database's, after the server
                    # accepted the message; it must not be recorded as a failed sending.
                    _mark_sent(pk, message.attempts + 1, timezone.now())
                    counts["sent"] += 1
                    continue
                counts["failed"] += 1
                # Reopened for the next message: the failed one may have left the SMTP
                # session in any state.
                _close_quietly(connection)
                connection = None
    finally:
        if connection is not None:
            _close_quietly(connection)
    if first_error is not None and raise_errors:
        raise first_error
    return counts


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
