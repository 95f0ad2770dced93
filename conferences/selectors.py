"""Reads for the session pages, each in a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from conferences import perms
from conferences.models import AgendaDocument, AgendaItem, Convocation, Reply, Session
from core.models import OutboundMessage


def session_detail(user, pk: int) -> Session:
    sessions = perms.sessions_for(user) if user.is_authenticated else perms.public_sessions()
    return get_object_or_404(
        sessions.select_related(
            "body__epci", "place_commune", "chair", "first_session"
        ).prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.select_related("rapporteur")
                .prefetch_related(
                    Prefetch("documents", queryset=AgendaDocument.objects.order_by("name", "pk"))
                )
                .order_by("position", "pk"),
            ),
        ),
        pk=pk,
    )


def my_reply(user, session: Session) -> Reply | None:
    if not user.is_authenticated or not user.person_id:
        return None
    return (
        Reply.objects.filter(session=session, person_id=user.person_id, is_current=True)
        .select_related("proxy_holder")
        .first()
    )


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


def document(user, pk: int) -> AgendaDocument:
    sessions = perms.sessions_for(user) if user.is_authenticated else perms.public_sessions()
    return get_object_or_404(AgendaDocument.objects.filter(item__session__in=sessions), pk=pk)


def managed_sessions(user):
    return (
        perms.sessions_for(user)
        .select_related("body", "place_commune")
        .annotate(item_count=Count("items"))
        .order_by("-starts_at", "-pk")
    )
