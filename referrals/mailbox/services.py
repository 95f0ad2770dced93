"""Writes of the mayors' mailbox (boîte aux lettres des maires). Keyword-only, atomic, audited;
the sender is told of each answer by mail through the outbox."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.notifications import Notification
from core.services import queue_emails
from governance.audit import record_event
from governance.models import User
from governance.perms import ensure
from referrals import perms
from referrals.models import MailboxAttachment, MailboxMessage, MailboxThread

Status = MailboxThread.Status

MAILBOX_REPLY = Notification(
    category="mailbox",
    subject="Réponse de l'EPCI : {{ thread.subject }}",
    text="email/referrals/mailbox_reply.txt",
)


def _add_message(*, thread: MailboxThread, actor: User, body: str, files) -> MailboxMessage:
    message = MailboxMessage.objects.create(
        thread=thread, author=actor, body=body, from_epci=perms.can_handle_thread(actor)
    )
    MailboxAttachment.objects.bulk_create(
        MailboxAttachment(message=message, file=f, file_name=f.name[:255], size=f.size)
        for f in files
    )
    return message


@transaction.atomic
def post_mailbox_thread(
    *, actor: User, theme: str, subject: str, body: str, files=()
) -> MailboxThread:
    """An elected official writes to the EPCI on a theme."""
    ensure(perms.can_write_to_mailbox, actor)
    commune_ids = sorted(perms.answering_commune_ids(actor))
    thread = MailboxThread.objects.create(
        epci_id=actor.epci_id,
        theme=theme,
        subject=subject,
        author=actor,
        commune_id=commune_ids[0] if commune_ids else None,
    )
    _add_message(thread=thread, actor=actor, body=body, files=files)
    record_event(action="mailbox.posted", actor=actor, epci=actor.epci, target=thread, theme=theme)
    return thread


@transaction.atomic
def reply_to_thread(*, actor: User, thread: MailboxThread, body: str, files=()) -> MailboxMessage:
    """The secretariat answers, or the sender adds to the thread. A closed thread takes no
    more messages."""
    thread = MailboxThread.objects.select_for_update().get(pk=thread.pk)
    ensure(perms.can_reply_to_thread, actor, thread)
    from_epci = perms.can_handle_thread(actor, thread)
    if thread.status == Status.CLOSED:
        raise ValidationError("Ce fil est clos.")
    message = _add_message(thread=thread, actor=actor, body=body, files=files)
    thread.updated_at = timezone.now()
    if from_epci:
        thread.status = Status.ANSWERED
        if thread.assignee_id is None:
            thread.assignee = actor
    thread.save(update_fields=["updated_at", "status", "assignee"])
    record_event(
        action="mailbox.answered" if from_epci else "mailbox.followed_up",
        actor=actor,
        epci=thread.epci,
        target=thread,
    )
    if from_epci:
        _notify_sender(thread=thread, message=message)
    return message


def _notify_sender(*, thread: MailboxThread, message: MailboxMessage) -> None:
    link = settings.SITE_URL + reverse("referrals:thread_detail", kwargs={"pk": thread.pk})
    queue_emails(
        emails=[
            MAILBOX_REPLY.email(
                dedup_key=f"mailbox:{thread.pk}:message:{message.pk}",
                to_email=thread.author.email,
                to_name=thread.author.get_full_name(),
                context={"thread": thread, "message": message, "link": link},
            )
        ]
    )


@transaction.atomic
def assign_thread(*, actor: User, thread: MailboxThread, assignee: User) -> MailboxThread:
    ensure(perms.can_handle_thread, actor, thread)
    if assignee.epci_id != thread.epci_id:
        raise ValidationError("Cette personne n'appartient pas à votre EPCI.")
    thread = MailboxThread.objects.select_for_update().get(pk=thread.pk)
    if thread.status == Status.CLOSED:
        raise ValidationError("Ce fil est clos.")
    thread.assignee = assignee
    if thread.status == Status.NEW:
        thread.status = Status.ASSIGNED
    thread.save(update_fields=["assignee", "status"])
    record_event(
        action="mailbox.assigned",
        actor=actor,
        epci=thread.epci,
        target=thread,
        assignee=assignee.email,
    )
    return thread


@transaction.atomic
def close_thread(*, actor: User, thread: MailboxThread) -> bool:
    """Close the thread; False when it was already closed."""
    ensure(perms.can_handle_thread, actor, thread)
    closed = (
        MailboxThread.objects.filter(pk=thread.pk)
        .exclude(status=Status.CLOSED)
        .update(status=Status.CLOSED, updated_at=timezone.now())
    )
    if closed:
        record_event(action="mailbox.closed", actor=actor, epci=thread.epci, target=thread)
    return bool(closed)
