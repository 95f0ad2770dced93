"""Reads of the convocations: who was convened and who read it."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from conferences.models import Convocation, Reply, Session
from core.models import OutboundMessage


def convocation_summary(session: Session) -> dict:
    counts = session.convocations.aggregate(
        total=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        without_email=Count("pk", filter=Q(email="")),
    )
    return counts


def recipients_page(session: Session) -> list[Convocation]:
    """Recipients with their read receipt, current answer and the sending log of the latest
    version of their convocation (2 queries + 1 for the outbox rows)."""
    convocations = list(
        session.convocations.select_related("person")
        .prefetch_related(
            Prefetch(
                "person__replies",
                queryset=Reply.objects.filter(session=session, is_current=True),
                to_attr="current_reply",
            )
        )
        .order_by("kind", "person__last_name", "person__first_name", "pk")
    )
    prefix = f"convocation:{session.pk}:"
    messages = {
        int(m.dedup_key.rsplit(":", 1)[1]): m
        for m in OutboundMessage.objects.filter(dedup_key__startswith=prefix)
        .only("dedup_key", "status", "sent_at")
        .order_by("pk")
    }
    for convocation in convocations:
        convocation.message = messages.get(convocation.person_id)
        convocation.reply = (
            convocation.person.current_reply[0] if (convocation.person.current_reply) else None
        )
    return convocations
