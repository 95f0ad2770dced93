"""The data each document is printed from, read in a fixed number of queries and returned as
plain values (strings, numbers, dates, lists, dicts). The same values feed the template and the
fingerprint (conferences.pdf.fingerprint): a stored PDF is up to date exactly when the data it
would be printed from have not changed."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import mark_safe

from conferences.models import (
    AgendaDocument,
    AgendaItem,
    Ballot,
    Minutes,
    MinutesSignature,
    RenderedDocument,
    Session,
)
from conferences.selectors_sitting import board_rows, sitting

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


def header(session: Session) -> dict:
    """What every document prints at its top: EPCI, body, date, place, chair (no query when the
    session comes from load_session)."""
    body = session.body
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
            timezone.localdate(session.first_session.starts_at) if session.first_session else None
        ),
        "emergency_reason": session.emergency_reason if session.emergency else "",
        "chair": _name(session.chair),
        "secretary": _name(session.secretary),
        "convened_at": session.convened_at,
        "convened_by": body.convened_by,
        "notice_days": body.notice_days,
        "version": session.version,
    }


def _items(session: Session, *, with_documents: bool = False) -> list[AgendaItem]:
    """Agenda items in order with rapporteur and vote (1 query; +1 for the documents)."""
    items = AgendaItem.objects.filter(session=session).select_related("rapporteur", "vote")
    if with_documents:
        items = items.prefetch_related(
            Prefetch("documents", queryset=AgendaDocument.objects.order_by("name", "pk"))
        )
    return list(items.order_by("position", "pk"))


def _item(item: AgendaItem) -> dict:
    return {
        "id": item.pk,
        "position": item.position,
        "title": item.title,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "rapporteur": _name(item.rapporteur),
    }


def _vote(item: AgendaItem, ballots: dict[int, list[Ballot]]) -> dict | None:
    vote = getattr(item, "vote", None)
    if vote is None:
        return None
    named = vote.method == vote.Method.ROLL_CALL
    return {
        "method": vote.get_method_display(),
        "for": vote.votes_for,
        "against": vote.votes_against,
        "abstentions": vote.abstentions,
        "not_voting": vote.not_voting,
        "result": vote.result,
        "result_label": vote.get_result_display(),
        "casting_vote": vote.casting_vote_used,
        "present": vote.quorum_present,
        "required": vote.quorum_required,
        # Names for a public ballot only (L2121-15); a secret ballot never prints them.
        "ballots": [
            {
                "name": b.person.full_name,
                "choice": b.get_choice_display(),
                "by": _name(b.cast_by),
            }
            for b in ballots.get(vote.pk, [])
        ]
        if named
        else [],
    }


def _ballots(session: Session) -> dict[int, list[Ballot]]:
    """Named ballots of the session's roll-call votes, by vote id (1 query)."""
    by_vote: dict[int, list[Ballot]] = {}
    ballots = (
        Ballot.objects.filter(vote__item__session=session, vote__method="roll_call")
        .select_related("person", "cast_by")
        .order_by("vote", "person__last_name", "person__first_name", "pk")
    )
    for ballot in ballots:
        by_vote.setdefault(ballot.vote_id, []).append(ballot)
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
                "documents": [
                    {"id": d.pk, "name": d.name, "file": d.file.name, "size": d.size}
                    for d in item.documents.all()
                    if d.content_type == "application/pdf"
                ],
            }
            for item in items
        ],
    }


def attendance(session: Session) -> dict:
    """Who was in office, present, represented (and by whom) or absent, and the quorum at each
    item (the 8 queries of selectors_sitting.sitting)."""
    state = sitting(session)
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
    """The list of deliberations with their results (L2121-25), 10 queries."""
    ballots = _ballots(session)
    items = _items(session)
    return {
        "header": header(session),
        "attendance": attendance(session),
        "items": [
            {**_item(item), "vote": _vote(item, ballots)}
            for item in items
            if item.kind == AgendaItem.Kind.DELIBERATION or hasattr(item, "vote")
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


def _minutes_text(minutes: Minutes) -> str | None:
    """The full text of the minutes written by conferences.minutes_content (the adopted version's
    frozen text once adopted), or None while that module is not installed."""
    try:
        from conferences import minutes_content
    except ModuleNotFoundError as exc:
        if exc.name != "conferences.minutes_content":
            raise
        return None
    # Our own template's output, whose only free text (the debates) was sanitised with nh3
    # before it was stored; a frozen version holds that same HTML. Safe to print as HTML.
    return mark_safe(minutes_content.render_minutes_html(minutes))


def minutes(session: Session) -> dict:
    """The minutes (L2121-15): the text from conferences.minutes_content when available, else
    attendance, agenda with votes and debates printed from the data; plus the signatures of the
    current adopted version and the date put online (about 15 queries)."""
    record = Minutes.objects.filter(session=session).first()
    version = record.versions.order_by("-number").first() if record else None
    signatures = (
        list(
            MinutesSignature.objects.filter(version=version)
            .select_related("person")
            .order_by("role", "pk")
        )
        if version
        else []
    )
    text = _minutes_text(record) if record else None
    data = {
        "header": header(session),
        "status": record.status if record else Minutes.Status.DRAFT,
        "adopted": bool(version),
        "version": version.number if version else None,
        "adopted_at": version.adopted_at if version else None,
        "correction_note": version.correction_note if version else "",
        "published_at": record.published_at if record else None,
        "text": text,
        "signatures": [
            {
                "role": s.role,
                "role_label": s.get_role_display(),
                "name": s.person.full_name,
                "signed_at": s.signed_at,
            }
            for s in signatures
        ],
    }
    if text is None:
        ballots = _ballots(session)
        data["attendance"] = attendance(session)
        data["items"] = [
            {
                **_item(item),
                "summary_note": item.summary_note,
                "opinion": item.opinion,
                "vote": _vote(item, ballots),
            }
            for item in _items(session)
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
