"""The text of the minutes (procès-verbal, L2121-15): the part the portal already knows, computed
from the session's records, and the substance of the debates written by the secretariat.

API shared with the PDF rendering (conferences.pdf):

- ``minutes_context(minutes) -> dict``: structured data, see its docstring for the keys;
- ``render_minutes_html(minutes) -> str``: the full text as an HTML fragment (no <html>), the
  frozen text of the latest adopted version once the minutes are adopted;
- ``sanitize_debates(html) -> str``: the allow-list applied to the debates (pasted Word HTML).

Until adoption the pre-filled part is computed live, so a correction of the attendance or of a
vote shows up in the draft; from adoption on it is frozen in MinutesVersion.content_html.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nh3
from django.template.loader import render_to_string
from django.utils import timezone

from conferences.models import AgendaItem, Ballot, Minutes, MinutesVersion, Reply, Session
from conferences.sitting.selectors import Sitting, sitting
from governance.models import Membership, Person

# --- Sanitising the debates -----------------------------------------------------------------------

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
# Word wraps text in <span>, <font>, <o:p>...: their content is kept, the tag dropped. These tags
# lose their content too (Word's <style> and <xml> blocks, scripts).
CLEAN_CONTENT_TAGS = {"script", "style", "xml", "title", "head", "meta", "link"}
# Word's conditional comments survive as text in some pastes ("<![if !supportLists]>").
_CONDITIONAL = re.compile(r"<!\[(?:end)?if[^\]]*\]>|<!--\[if.*?<!\[endif\]-->", re.I | re.S)
# Word's list bullets are typed text inside "supportLists" blocks: drop them with their content.
_FAKE_BULLET = re.compile(r"<!\[if !supportLists\]>.*?<!\[endif\]>", re.I | re.S)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\xa0|<br>)*</p>")


def sanitize_debates(html: str) -> str:
    """Keep the structure of the debates (paragraphs, emphasis, lists, headings, quotes, tables,
    links) and drop everything else: Word's classes, styles, <o:p>, spans, comments and
    conditional comments, scripts and event handlers. Links may only be http(s) or mailto."""
    html = _FAKE_BULLET.sub("", html or "")
    html = _CONDITIONAL.sub("", html)
    # Word uses <b> and <i>: keep the emphasis with the allowed tags.
    html = re.sub(r"<(/?)b(\s[^>]*)?>", r"<\1strong>", html, flags=re.I)
    html = re.sub(r"<(/?)i(\s[^>]*)?>", r"<\1em>", html, flags=re.I)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    cleaned = _EMPTY_PARAGRAPH.sub("", cleaned)
    return cleaned.replace("\xa0", " ").strip()


# --- The pre-filled part --------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    person: Person
    commune: str = ""
    # Items the member was present at, as "1 à 3, 5", when not all of them ("" otherwise).
    items: str = ""
    by_video: bool = False
    # A suppléant sitting in place of the titular member (L5211-6).
    substitute_for: Person | None = None
    # The member holding the proxy (represented members).
    holder: Person | None = None
    excused: bool = False

    @property
    def name(self) -> str:
        return f"{self.person.last_name} {self.person.first_name}"


@dataclass(frozen=True)
class ItemRecord:
    """One agenda item as the minutes record it."""

    item: AgendaItem
    quorum_present: int
    quorum_required: int
    in_office: int
    quorum_reached: bool
    recused: list[Person] = field(default_factory=list)
    vote: object | None = None  # conferences.models.Vote
    # For a roll-call vote: choice label -> names, in the order Pour, Contre, Abstention, NPPV.
    roll_call: list[tuple[str, list[str]]] = field(default_factory=list)
    opinion: str = ""

    @property
    def decision(self) -> str:
        if self.vote is not None:
            return self.vote.get_result_display()
        if self.item.kind == AgendaItem.Kind.OPINION:
            return "Avis rendu" if self.opinion else "Pas d'avis enregistré"
        if self.item.kind == AgendaItem.Kind.DELIBERATION:
            return "Pas de vote enregistré"
        return self.item.get_kind_display()


def _name(person: Person | None) -> str:
    return f"{person.first_name} {person.last_name}" if person else ""


def _chair(session: Session, state: Sitting) -> Person | None:
    if session.chair_id:
        return session.chair
    row = next((r for r in state.seats if r.membership.role == Membership.Role.CHAIR), None)
    return row.membership.person if row else None


def _ranges(positions: list[int]) -> str:
    from conferences.sitting.selectors import _ranges as ranges

    return ranges(positions)


def attendance(state: Sitting) -> tuple[list[Attendee], list[Attendee], list[Attendee]]:
    """(present, represented, absent), seat by seat: a member present at one item at least is
    present; a suppléant sitting for an absent titular is present in their place; a member absent
    from every item with a proxy in force is represented by its holder; the others are absent
    (excused when they answered the convocation). Proxies do not make anyone present."""
    positions: dict[int, list[int]] = {}
    for item, present in zip(state.items, state.presence, strict=True):
        for pid in present:
            positions.setdefault(pid, []).append(item.position)
    video = {e.person_id for e in state.events if e.by_video and e.kind == "arrival"}
    all_positions = [item.position for item in state.items]

    def attendee(membership: Membership, **extra) -> Attendee:
        pid = membership.person_id
        seen = positions.get(pid, [])
        return Attendee(
            person=membership.person,
            commune=membership.commune.name if membership.commune_id else "",
            items="" if seen == all_positions else _ranges(seen),
            by_video=pid in video,
            **extra,
        )

    present, represented, absent = [], [], []
    for seat in state.seats:
        titular = seat.membership
        if titular.person_id in positions:
            present.append(attendee(titular))
            continue
        if seat.substitute_sits and seat.substitute.person_id in positions:
            present.append(attendee(seat.substitute, substitute_for=titular.person))
        holder_id = state.proxies.get(titular.person_id)
        if holder_id and holder_id in state.people:
            represented.append(attendee(titular, holder=state.people[holder_id]))
            continue
        if seat.substitute_sits and seat.substitute.person_id in positions:
            continue  # Replaced by the suppléant: listed among the present.
        reply = state.replies.get(titular.person_id)
        absent.append(
            attendee(
                titular,
                excused=reply is not None
                and reply.answer in (Reply.Answer.ABSENT, Reply.Answer.PROXY),
            )
        )
    return present, represented, absent


def _ballots_by_vote(items: list[AgendaItem]) -> dict[int, list[Ballot]]:
    vote_ids = [it.vote.pk for it in items if _vote_of(it) is not None]
    result: dict[int, list[Ballot]] = {}
    if not vote_ids:
        return result
    for ballot in (
        Ballot.objects.filter(vote_id__in=vote_ids)
        .select_related("person", "cast_by")
        .order_by("vote_id", "person__last_name", "person__first_name", "pk")
    ):
        result.setdefault(ballot.vote_id, []).append(ballot)
    return result


def _vote_of(item: AgendaItem):
    try:
        return item.vote
    except AgendaItem.vote.RelatedObjectDoesNotExist:
        return None


def item_records(state: Sitting) -> list[ItemRecord]:
    ballots = _ballots_by_vote(state.items)
    records = []
    for item, at_item in zip(state.items, state.quorums, strict=True):
        vote = _vote_of(item)
        roll_call = []
        if vote is not None and vote.method == vote.Method.ROLL_CALL:
            for choice, label in Ballot.Choice.choices:
                names = [
                    f"{b.person.last_name} {b.person.first_name}"
                    + (f" (par pouvoir, voté par {_name(b.cast_by)})" if b.cast_by_id else "")
                    for b in ballots.get(vote.pk, [])
                    if b.choice == choice
                ]
                if names:
                    roll_call.append((label, names))
        records.append(
            ItemRecord(
                item=item,
                quorum_present=at_item.present,
                quorum_required=at_item.required,
                in_office=at_item.in_office,
                quorum_reached=at_item.reached,
                recused=[
                    state.people[r.person_id]
                    for r in item.recusals.all()
                    if r.person_id in state.people
                ],
                vote=vote,
                roll_call=roll_call,
                opinion=item.opinion if item.kind == AgendaItem.Kind.OPINION else "",
            )
        )
    return records


def _load_session(minutes: Minutes) -> Session:
    return Session.objects.select_related(
        "body__epci", "place_commune", "chair", "secretary", "first_session"
    ).get(pk=minutes.session_id)


def minutes_context(minutes: Minutes) -> dict:
    """Everything the minutes record, from the session's data (about 12 queries, whatever the
    number of members and items). Keys:

    - ``minutes``, ``session``, ``body``, ``epci``;
    - ``starts_at`` (aware, local time), ``date_label`` ("jeudi 12 juin 2025"), ``time_label``
      ("18h30"), ``place`` (commune and address, or "en visioconférence"), ``mode``;
    - ``chair`` and ``secretary`` (Person or None);
    - ``present``, ``represented``, ``absent``: lists of ``Attendee`` (``person``, ``name``,
      ``commune``, ``items`` when not present at every item, ``by_video``, ``substitute_for``,
      ``holder`` for the represented, ``excused``);
    - ``in_office`` (number of members in office), ``second_convocation`` (bool: no quorum
      needed, L2121-17);
    - ``items``: list of ``ItemRecord`` (``item``, ``quorum_present``, ``quorum_required``,
      ``in_office``, ``quorum_reached``, ``recused``, ``vote`` (conferences.Vote or None),
      ``roll_call`` [(choice label, [names])], ``opinion``, ``decision``);
    - ``opinions``: the ``ItemRecord``s of the opinions given;
    - ``debates_html``: the sanitised debates of the draft;
    - ``version``: the latest adopted MinutesVersion or None; ``signatures``: its signatures.
    """
    session = _load_session(minutes)
    state = sitting(session)
    present, represented, absent = attendance(state)
    records = item_records(state)
    local = timezone.localtime(session.starts_at)
    version = (
        MinutesVersion.objects.filter(minutes_id=minutes.pk).order_by("-number").first()
        if minutes.pk
        else None
    )
    signatures = (
        list(version.signatures.select_related("person").order_by("role")) if version else []
    )
    return {
        "minutes": minutes,
        "session": session,
        "body": session.body,
        "epci": session.body.epci,
        "starts_at": local,
        "date_label": _date_label(local),
        "time_label": f"{local:%H}h{local:%M}",
        "place": _place(session),
        "mode": session.get_mode_display(),
        "chair": _chair(session, state),
        "secretary": session.secretary,
        "present": present,
        "represented": represented,
        "absent": absent,
        "in_office": len(state.seats),
        "second_convocation": session.origin == Session.Origin.SECOND_CONVOCATION,
        "items": records,
        "opinions": [r for r in records if r.item.kind == AgendaItem.Kind.OPINION and r.opinion],
        # Stored sanitised; sanitised again because the text is output as is (idempotent).
        "debates_html": sanitize_debates(minutes.debates_html),
        "version": version,
        "signatures": signatures,
    }


_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _date_label(moment) -> str:
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{_WEEKDAYS[moment.weekday()]} {day} {_MONTHS[moment.month - 1]} {moment.year}"


def _place(session: Session) -> str:
    parts = [p for p in (session.place_commune.name if session.place_commune else "",) if p]
    if session.address:
        parts.append(session.address)
    place = ", ".join(parts)
    if session.mode == Session.Mode.VIDEO:
        return "en visioconférence"
    if session.mode == Session.Mode.HYBRID:
        return f"{place} et en visioconférence" if place else "en visioconférence"
    return place


# --- The full text --------------------------------------------------------------------------------


def render_live_html(minutes: Minutes, *, debates_html: str | None = None) -> str:
    """The text computed from the current data (the draft, or a correction being adopted)."""
    context = minutes_context(minutes)
    if debates_html is not None:
        context["debates_html"] = sanitize_debates(debates_html)
    return render_to_string("conferences/minutes/_content.html", context)


def render_minutes_html(minutes: Minutes) -> str:
    """The full text of the minutes: the frozen text of the latest adopted version once adopted
    (MinutesVersion.content_html, never recomputed), else the live draft."""
    if minutes.pk and minutes.status != Minutes.Status.DRAFT and minutes.adopted_at:
        version = MinutesVersion.objects.filter(minutes_id=minutes.pk).order_by("-number").first()
        if version is not None:
            return version.content_html
    return render_live_html(minutes)


__all__ = [
    "ALLOWED_TAGS",
    "Attendee",
    "ItemRecord",
    "minutes_context",
    "render_live_html",
    "render_minutes_html",
    "sanitize_debates",
]
