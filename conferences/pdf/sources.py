"""The data each document is printed from, read in a fixed number of queries and returned as
plain values (strings, numbers, dates, lists, dicts). The same values feed the template and the
fingerprint (conferences.pdf.fingerprint): a stored PDF is up to date exactly when the data it
would be printed from have not changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django.db.models import Model
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe

from conferences.minutes import content as minutes_content
from conferences.models import (
    AgendaDocument,
    AgendaItem,
    Ballot,
    Minutes,
    MinutesSignature,
    RenderedDocument,
    Session,
    Vote,
)
from conferences.sitting.selectors import PersonRow, Sitting, board_rows, sitting_rows
from governance.models import Person

Kind = RenderedDocument.Kind


def load_session(session_id: int) -> Session | None:
    """The session with everything the headers print (1 query)."""
    return (
        Session.objects.select_related(
            "body__epci", "place_commune", "chair", "secretary", "first_session"
        )
        .filter(pk=session_id)
        .first()
    )


def _name(person) -> str:
    return person.full_name if person else ""


def _person(pk, first_name, last_name) -> PersonRow | None:
    return PersonRow(pk, first_name, last_name) if pk is not None else None


def _labels(model: type[Model], field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


def _display(labels: dict, value) -> str:
    """What Model.get_FOO_display() returns, for a value read with values_list()."""
    return force_str(labels.get(value, value), strings_only=True)


_ITEM_KINDS = _labels(AgendaItem, "kind")
_VOTE_METHODS = _labels(Vote, "method")
_VOTE_RESULTS = _labels(Vote, "result")
_BALLOT_CHOICES = _labels(Ballot, "choice")
_SIGNATURE_ROLES = _labels(MinutesSignature, "role")


def _header_relations(session: Session, known: dict) -> tuple[str, str, object]:
    """Chair, secretary and the start of the first session (second convocation): from the
    session when it was read with them (load_session) or from the people already read (the
    members, usually), else 1 query for the names and 1 for the first session, each only when
    needed."""
    people = dict(known)
    wanted = [
        pk
        for name, pk in (("chair", session.chair_id), ("secretary", session.secretary_id))
        if pk is not None
        and pk not in people
        and not Session._meta.get_field(name).is_cached(session)
    ]
    if wanted:
        people.update(
            (pk, PersonRow(pk, first_name, last_name))
            for pk, first_name, last_name in Person.objects.filter(pk__in=wanted)
            .order_by()
            .values_list("pk", "first_name", "last_name")
        )

    def name(field: str) -> str:
        pk = getattr(session, f"{field}_id")
        return _name(people[pk] if pk in people else getattr(session, field))

    if session.first_session_id is None:
        first_session_at = None
    elif Session._meta.get_field("first_session").is_cached(session):
        first_session_at = session.first_session.starts_at
    else:
        first_session_at = (
            Session.objects.filter(pk=session.first_session_id)
            .values_list("starts_at", flat=True)
            .get()
        )
    return name("chair"), name("secretary"), first_session_at


def header(session: Session, people: dict | None = None) -> dict:
    """What every document prints at its top: EPCI, body, date, place, chair (no query when the
    session comes from load_session). `people`: persons already read, by id (Person or
    PersonRow), where the chair and secretary are looked up first."""
    body = session.body
    chair, secretary, first_session_at = _header_relations(session, people or {})
    return {
        "epci": body.epci.name,
        "body": body.name,
        "body_id": body.pk,
        "session_id": session.pk,
        "title": session.display_title,
        "starts_at": timezone.localtime(session.starts_at),
        "address": session.address,
        "commune": session.place_commune.name if session.place_commune_id else "",
        "mode": session.get_mode_display(),
        "video": session.mode == Session.Mode.VIDEO,
        "status": session.status,
        "status_label": session.get_status_display(),
        "origin": session.get_origin_display(),
        "first_session_on": (
            timezone.localdate(first_session_at) if first_session_at is not None else None
        ),
        "emergency_reason": session.emergency_reason if session.emergency else "",
        "chair": chair,
        "secretary": secretary,
        "convened_at": session.convened_at,
        "convened_by": body.convened_by,
        "notice_days": body.notice_days,
        "version": session.version,
    }


# Agenda items and their votes are read as rows (values_list): the sources only print values,
# and a download reads them all to check that the stored document is current.


class VoteRow(NamedTuple):
    pk: int
    method: str
    votes_for: int
    votes_against: int
    abstentions: int
    not_voting: int
    result: str
    casting_vote_used: bool
    quorum_present: int
    quorum_required: int


class ItemRow(NamedTuple):
    pk: int
    position: int
    title: str
    kind: str
    rapporteur: PersonRow | None
    summary_note: str
    opinion: str
    vote: VoteRow | None
    documents: list[dict]


_ITEM_FIELDS = (
    "pk",
    "position",
    "title",
    "kind",
    "summary_note",
    "opinion",
    "rapporteur_id",
    "rapporteur__first_name",
    "rapporteur__last_name",
    "vote__id",
    "vote__method",
    "vote__votes_for",
    "vote__votes_against",
    "vote__abstentions",
    "vote__not_voting",
    "vote__result",
    "vote__casting_vote_used",
    "vote__quorum_present",
    "vote__quorum_required",
)


def _items(session: Session, *, with_documents: bool = False) -> list[ItemRow]:
    """Agenda items in order with rapporteur and vote (1 query; +1 for the PDF documents)."""
    documents: dict[int, list[dict]] = {}
    if with_documents:
        for item_id, pk, name, file, size in (
            AgendaDocument.objects.filter(item__session=session, content_type="application/pdf")
            .order_by("name", "pk")
            .values_list("item_id", "pk", "name", "file", "size")
        ):
            documents.setdefault(item_id, []).append(
                {"id": pk, "name": name, "file": file, "size": size}
            )
    items = []
    for row in (
        AgendaItem.objects.filter(session=session)
        .order_by("position", "pk")
        .values_list(*_ITEM_FIELDS)
    ):
        pk, position, title, kind, summary_note, opinion = row[:6]
        rapporteur, vote = row[6:9], row[9:]
        items.append(
            ItemRow(
                pk=pk,
                position=position,
                title=title,
                kind=kind,
                rapporteur=_person(*rapporteur),
                summary_note=summary_note,
                opinion=opinion,
                vote=VoteRow(*vote) if vote[0] is not None else None,
                documents=documents.get(pk, []),
            )
        )
    return items


def _item(item: ItemRow) -> dict:
    return {
        "id": item.pk,
        "position": item.position,
        "title": item.title,
        "kind": item.kind,
        "kind_label": _display(_ITEM_KINDS, item.kind),
        "rapporteur": _name(item.rapporteur),
    }


def _vote(item: ItemRow, ballots: dict[int, list[dict]]) -> dict | None:
    vote = item.vote
    if vote is None:
        return None
    named = vote.method == Vote.Method.ROLL_CALL
    return {
        "method": _display(_VOTE_METHODS, vote.method),
        "for": vote.votes_for,
        "against": vote.votes_against,
        "abstentions": vote.abstentions,
        "not_voting": vote.not_voting,
        "result": vote.result,
        "result_label": _display(_VOTE_RESULTS, vote.result),
        "casting_vote": vote.casting_vote_used,
        "present": vote.quorum_present,
        "required": vote.quorum_required,
        # Names for a public ballot only (L2121-15); a secret ballot never prints them.
        "ballots": ballots.get(vote.pk, []) if named else [],
    }


def _ballots(session: Session, items: list[ItemRow]) -> dict[int, list[dict]]:
    """Named ballots of the session's roll-call votes, by vote id (1 query; none without a
    roll-call vote)."""
    by_vote: dict[int, list[dict]] = {}
    if not any(i.vote is not None and i.vote.method == Vote.Method.ROLL_CALL for i in items):
        return by_vote
    ballots = (
        Ballot.objects.filter(vote__item__session=session, vote__method="roll_call")
        .order_by("vote", "person__last_name", "person__first_name", "pk")
        .values_list(
            "vote_id",
            "person_id",
            "person__first_name",
            "person__last_name",
            "choice",
            "cast_by_id",
            "cast_by__first_name",
            "cast_by__last_name",
        )
    )
    for vote_id, person_id, first, last, choice, cast_by_id, by_first, by_last in ballots:
        by_vote.setdefault(vote_id, []).append(
            {
                "name": PersonRow(person_id, first, last).full_name,
                "choice": _display(_BALLOT_CHOICES, choice),
                "by": _name(_person(cast_by_id, by_first, by_last)),
            }
        )
    return by_vote


def convocation(session: Session) -> dict:
    """The convocation and its agenda (L2121-10): 1 query."""
    return {"header": header(session), "items": [_item(i) for i in _items(session)]}


def pack(session: Session) -> dict:
    """Convocation, summary notes and the attached PDF documents (2 queries). A document is
    identified by its stored name and size: a new upload is a new name."""
    items = _items(session, with_documents=True)
    return {
        "header": header(session),
        "items": [
            {
                **_item(item),
                "summary_note": item.summary_note,
                "documents": item.documents,
            }
            for item in items
        ],
    }


def attendance(session: Session, items: list[ItemRow] | None = None) -> dict:
    """Who was in office, present, represented (and by whom) or absent, and the quorum at each
    item (the queries of sitting.selectors.sitting_rows)."""
    return _attendance(sitting_rows(session, items=items))


def _attendance(state: Sitting) -> dict:
    every_item = _all_items(state)
    rows = []
    counts = {"present": 0, "represented": 0, "absent": 0}
    for row in board_rows(state):
        if row.is_substitute and not row.presence:
            continue
        if row.presence:
            status, key = "present", "present"
        elif row.holder is not None:
            status, key = "represented", "represented"
        elif row.seat.substitute_sits and row.seat.substitute is not None:
            status, key = "substituted", "absent"
        else:
            status, key = "absent", "absent"
        if not row.is_substitute:
            counts[key] += 1
        rows.append(
            {
                "name": row.person.full_name,
                "commune": _commune(row.seat.membership),
                "substitute": row.is_substitute,
                "status": status,
                "holder": _name(row.holder),
                "replaced_by": _name(row.seat.substitute.person) if status == "substituted" else "",
                "items": row.presence,
                # Arrived late or left early: the minutes say for which items.
                "partial": bool(row.presence) and row.presence != every_item,
            }
        )
    quorums = [
        {
            "position": item.position,
            "present": q.present,
            "required": q.required,
            "reached": q.reached,
        }
        for item, q in zip(state.items, state.quorums, strict=True)
    ]
    return {
        "in_office": len(state.seats),
        "counts": counts,
        "rows": rows,
        "quorums": quorums,
    }


def _commune(membership) -> str:
    return membership.commune.name if membership.commune_id else ""


def _all_items(state) -> str:
    if not state.items:
        return ""
    first, last = state.items[0].position, state.items[-1].position
    return str(first) if first == last else f"{first} à {last}"


def deliberations(session: Session) -> dict:
    """The list of deliberations with their results (L2121-25), 6 queries: +1 for the ballots
    of roll-call votes, +1 for the sittings before when a proxy was given at one of them, +1 for
    the chair's and secretary's names when the session was read without them and they are not
    members."""
    items = _items(session)
    ballots = _ballots(session, items)
    state = sitting_rows(session, items=items)
    return {
        "header": header(session, state.people),
        "attendance": _attendance(state),
        "items": [
            {**_item(item), "vote": _vote(item, ballots)}
            for item in items
            if item.kind == AgendaItem.Kind.DELIBERATION or item.vote is not None
        ],
    }


def opinions(session: Session) -> dict:
    """The opinions given at the session (conférence des maires), 1 query."""
    return {
        "header": header(session),
        "items": [
            {**_item(item), "opinion": item.opinion}
            for item in _items(session)
            if item.kind == AgendaItem.Kind.OPINION or item.opinion
        ],
    }


def _minutes_text(minutes: Minutes) -> str:
    """The full text of the minutes (conferences.minutes.content): the adopted version's frozen
    text once adopted, else the live draft."""
    # Our own template's output, whose only free text (the debates) was sanitised with nh3
    # before it was stored; a frozen version holds that same HTML. Safe to print as HTML.
    return mark_safe(minutes_content.render_minutes_html(minutes))


def minutes(session: Session) -> dict:
    """The minutes (L2121-15): their text (conferences.minutes.content) once the secretariat has
    started them, else attendance, agenda with votes and debates printed from the data; plus the
    signatures of the current adopted version and the date put online. Printed from the data: 7
    queries and the extras of deliberations(); from the text: up to 4 queries and those of the
    text."""
    record = Minutes.objects.filter(session=session).order_by().first()  # one at most
    version = record.versions.order_by("-number").first() if record else None
    signatures = (
        MinutesSignature.objects.filter(version=version)
        .order_by("role", "pk")
        .values_list("role", "person_id", "person__first_name", "person__last_name", "signed_at")
        if version
        else []
    )
    text = _minutes_text(record) if record else None
    items = state = None
    if text is None:
        items = _items(session)
        state = sitting_rows(session, items=items)
    data = {
        "header": header(session, state.people if state else None),
        "status": record.status if record else Minutes.Status.DRAFT,
        "adopted": bool(version),
        "version": version.number if version else None,
        "adopted_at": version.adopted_at if version else None,
        "correction_note": version.correction_note if version else "",
        "published_at": record.published_at if record else None,
        "text": text,
        "signatures": [
            {
                "role": role,
                "role_label": _display(_SIGNATURE_ROLES, role),
                "name": PersonRow(person_id, first_name, last_name).full_name,
                "signed_at": signed_at,
            }
            for role, person_id, first_name, last_name, signed_at in signatures
        ],
    }
    if text is None:
        ballots = _ballots(session, items)
        data["attendance"] = _attendance(state)
        data["items"] = [
            {
                **_item(item),
                "summary_note": item.summary_note,
                "opinion": item.opinion,
                "vote": _vote(item, ballots),
            }
            for item in items
        ]
        data["debates_html"] = record.debates_html if record else ""
    return data


SOURCES: dict[str, Callable[[Session], dict]] = {
    Kind.CONVOCATION: convocation,
    Kind.DELIBERATIONS: deliberations,
    Kind.PACK: pack,
    Kind.MINUTES: minutes,
    Kind.OPINIONS: opinions,
}


def source_for(session: Session, kind: str) -> dict:
    return SOURCES[Kind(kind)](session)
