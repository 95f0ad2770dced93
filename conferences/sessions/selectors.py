"""Reads for the session pages, each in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.shortcuts import get_object_or_404

from conferences import perms
from conferences.models import AgendaDocument, AgendaItem, Reply, Session
from conferences.sitting.selectors import PersonRow
from core import display


@dataclass
class AgendaDocumentRow(display.Row):
    """A document of an agenda item, ready to display."""

    url: str
    name: str
    size: str  # "1,2 Mio"


@dataclass
class AgendaRow(display.Row):
    """An agenda item of the session pages, ready to display."""

    pk: int
    position: str  # as displayed: "3"
    title: str
    kind_label: str
    rapporteur: str  # full name; empty without a rapporteur
    note: str  # the summary note in HTML paragraphs (escaped); empty without a note
    opinion: str
    documents: list[AgendaDocumentRow] = field(default_factory=list)


def session_detail(user, pk: int) -> Session:
    """The session (404 outside the user's scope) with its agenda in ``session.agenda``: the
    items in order as display-ready rows, each with its documents. 2 queries. The items are
    read as plain values: a council agenda holds a hundred of them, and the pages show a few
    fields of each."""
    sessions = perms.sessions_for(user) if user.is_authenticated else perms.public_sessions()
    session = get_object_or_404(
        sessions.select_related("body", "place_commune", "first_session"), pk=pk
    )
    session.agenda = _agenda_rows(session)
    return session


def _agenda_rows(session: Session) -> list[AgendaRow]:
    """The items with their documents in one query (an item with several documents comes once
    per document; most items have none)."""
    document_url = display.pk_url("conferences:document_download")
    kinds = dict(AgendaItem.Kind.choices)
    rows: list[AgendaRow] = []
    for (
        pk,
        position,
        title,
        kind,
        note,
        opinion,
        rapporteur_id,
        first_name,
        last_name,
        document_pk,
        document_name,
        document_size,
    ) in session.items.order_by("position", "pk", "documents__name", "documents__pk").values_list(
        "pk",
        "position",
        "title",
        "kind",
        "summary_note",
        "opinion",
        "rapporteur_id",
        "rapporteur__first_name",
        "rapporteur__last_name",
        "documents__pk",
        "documents__name",
        "documents__size",
    ):
        if not rows or rows[-1].pk != pk:
            rows.append(
                AgendaRow(
                    pk=pk,
                    position=str(position),
                    title=title,
                    kind_label=str(kinds.get(kind, kind)),
                    rapporteur=(
                        PersonRow(rapporteur_id, first_name, last_name).full_name
                        if rapporteur_id is not None
                        else ""
                    ),
                    note=display.paragraphs(note) if note else "",
                    opinion=opinion,
                )
            )
        if document_pk is not None:
            rows[-1].documents.append(
                AgendaDocumentRow(
                    url=document_url(document_pk),
                    name=document_name,
                    size=display.file_size(document_size),
                )
            )
    return rows


def my_reply(user, session: Session) -> Reply | None:
    if not user.is_authenticated or not user.person_id:
        return None
    return (
        Reply.objects.filter(session=session, person_id=user.person_id, is_current=True)
        .select_related("proxy_holder")
        .first()
    )


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
