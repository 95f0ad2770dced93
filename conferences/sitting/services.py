"""The session itself: attendance, withdrawals, quorum, votes and opinions, and the second
convocation when the quorum is not reached.

- L2121-17: quorum of the members in office present, proxies not counted, checked at each item;
  without quorum the body is convened again at least three days later and then deliberates
  without quorum, on the same agenda.
- L2121-20, L2121-21: votes counted with proxies; absolute majority of the votes cast; the chair's
  casting vote on a tie, except in a secret ballot; named results for a roll-call vote.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conferences import perms
from conferences.models import (
    AgendaDocument,
    AgendaItem,
    AttendanceEvent,
    Ballot,
    Recusal,
    Session,
    Vote,
)
from conferences.sitting import votes
from conferences.sitting.selectors import answering_membership
from conferences.sitting.selectors import sitting as load_sitting
from governance import legal_calendar
from governance.audit import record_event
from governance.models import Membership, Person, User
from governance.perms import ensure

# Where arrivals, departures, withdrawals and votes may be recorded: the secretariat opens the
# session (HELD) on the day, but may start recording as soon as it is convened.
SITTING_STATUSES = (Session.Status.CONVENED, Session.Status.HELD)


@dataclass(frozen=True)
class BallotInput:
    """One named vote of a roll-call ballot: `person` votes `choice`; `cast_by` is the member
    who votes for them by proxy (None when they vote themself)."""

    person: Person
    choice: str
    cast_by: Person | None = None


def _require_manager(actor: User, session: Session) -> None:
    ensure(perms.can_manage_session, actor, session)


def _locked(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("body__epci")
        .get(pk=session.pk)
    )


def _require_sitting(session: Session) -> None:
    if session.status not in SITTING_STATUSES:
        raise ValidationError(
            f"La séance est « {session.get_status_display().lower()} » : "
            "rien ne peut plus y être enregistré."
        )


# --- Attendance -----------------------------------------------------------------------------------


def record_arrival(
    *, actor: User, session: Session, person: Person, from_item: AgendaItem, by_video: bool = False
) -> AttendanceEvent:
    """The member is in the room (or on the video link) from this item on."""
    return _record_movement(
        actor=actor,
        session=session,
        person=person,
        from_item=from_item,
        by_video=by_video,
        kind=AttendanceEvent.Kind.ARRIVAL,
    )


def record_departure(
    *, actor: User, session: Session, person: Person, from_item: AgendaItem, by_video: bool = False
) -> AttendanceEvent:
    """The member has left before this item: not counted from it on."""
    return _record_movement(
        actor=actor,
        session=session,
        person=person,
        from_item=from_item,
        by_video=by_video,
        kind=AttendanceEvent.Kind.DEPARTURE,
    )


@transaction.atomic
def _record_movement(
    *,
    actor: User,
    session: Session,
    person: Person,
    from_item: AgendaItem,
    by_video: bool,
    kind: str,
) -> AttendanceEvent:
    session = _locked(session)
    _require_manager(actor, session)
    _require_sitting(session)
    if from_item.session_id != session.pk:
        raise ValidationError({"from_item": "Ce point n'est pas à l'ordre du jour de la séance."})
    current = load_sitting(session)
    if person.pk not in current.people:
        raise ValidationError(
            {"person": "Seuls les membres en exercice et leurs suppléants sont pointés."}
        )
    event = AttendanceEvent.objects.create(
        session=session,
        person=person,
        kind=kind,
        from_item=from_item,
        by_video=by_video,
        recorded_by=actor,
    )
    record_event(
        action="attendance.recorded",
        actor=actor,
        epci=session.body.epci,
        target=event,
        session=session.pk,
        person=person.pk,
        kind=kind,
        from_item=from_item.pk,
        by_video=by_video,
    )
    return event


@transaction.atomic
def record_recusal(*, actor: User, item: AgendaItem, person: Person) -> Recusal:
    """A member withdraws from an item (conflict of interest, L2131-11): not counted present
    for it, and does not vote on it. Recording it twice is harmless."""
    session = _locked(item.session)
    _require_manager(actor, session)
    _require_sitting(session)
    if Vote.objects.filter(item_id=item.pk).exists():
        raise ValidationError("Le vote de ce point est déjà enregistré.")
    if item.session_id != session.pk or answering_membership(session, person.pk) is None:
        raise ValidationError({"person": "Seul un membre de l'instance peut se déporter."})
    recusal, created = Recusal.objects.get_or_create(item=item, person=person)
    if created:
        record_event(
            action="recusal.recorded",
            actor=actor,
            epci=session.body.epci,
            target=recusal,
            session=session.pk,
            item=item.pk,
            person=person.pk,
        )
    return recusal


# --- Session status -------------------------------------------------------------------------------


def _advance(*, actor: User, session: Session, source: str, target: str, refusal: str) -> Session:
    """One step of draft → convened → held → closed: done once, repeated steps are no-ops."""
    session = _locked(session)
    _require_manager(actor, session)
    if session.status == target:
        return session  # Already done.
    if session.status != source:
        raise ValidationError(refusal)
    session.status = target
    session.save(update_fields=["status"])
    record_event(action=f"session.{target}", actor=actor, epci=session.body.epci, target=session)
    return session


@transaction.atomic
def mark_session_held(*, actor: User, session: Session) -> Session:
    """The session opens: answers close, attendance and votes are recorded."""
    return _advance(
        actor=actor,
        session=session,
        source=Session.Status.CONVENED,
        target=Session.Status.HELD,
        refusal="Seule une séance convoquée peut être ouverte.",
    )


@transaction.atomic
def close_session(*, actor: User, session: Session) -> Session:
    return _advance(
        actor=actor,
        session=session,
        source=Session.Status.HELD,
        target=Session.Status.CLOSED,
        refusal="Seule une séance tenue peut être close.",
    )


# --- Votes and opinions ---------------------------------------------------------------------------


@transaction.atomic
def record_vote(
    *,
    actor: User,
    item: AgendaItem,
    method: str,
    votes_for: int = 0,
    votes_against: int = 0,
    abstentions: int = 0,
    not_voting: int = 0,
    ballots: list[BallotInput] | None = None,
    chair_choice: str | None = None,
) -> Vote:
    """Record the vote on a deliberation, counted with proxies (L2121-20).

    Refused when the quorum is not reached at the item (L2121-17), except at a second
    convocation. For a roll-call vote (scrutin public) `ballots` names every vote and the counts
    are taken from them; `chair_choice` (for / against) is how the chair voted in a show of hands,
    used only on a tie. The result is decided by conferences.sitting.votes.decide().
    """
    session = _locked(item.session)
    _require_manager(actor, session)
    _require_sitting(session)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.kind != AgendaItem.Kind.DELIBERATION:
        raise ValidationError("Seuls les points soumis à délibération sont votés.")
    if Vote.objects.filter(item=item).exists():
        raise ValidationError("Le vote de ce point est déjà enregistré.")
    if method not in Vote.Method.values:
        raise ValidationError({"method": "Choisissez le mode de scrutin."})

    state = load_sitting(session)
    item = next(it for it in state.items if it.pk == item.pk)
    at_item = state.quorum_at(item)
    if not at_item.reached:
        raise ValidationError(
            f"Le quorum n'est pas atteint au point {item.position} : {at_item.present} "
            f"présent{'s' if at_item.present > 1 else ''} pour {at_item.required} requis "
            f"sur {at_item.in_office} membres en exercice (article L2121-17 du CGCT). "
            "Le vote ne peut pas avoir lieu ; une seconde convocation est possible."
        )
    voters = state.voters_at(item)
    chair_id = session.chair_id or _chair_of(state)

    if method == Vote.Method.ROLL_CALL:
        if not ballots:
            raise ValidationError("Un scrutin public nomme chaque vote : saisissez les bulletins.")
        counts = _check_ballots(ballots, voters)
        votes_for, votes_against = counts[Ballot.Choice.FOR], counts[Ballot.Choice.AGAINST]
        abstentions, not_voting = counts[Ballot.Choice.ABSTAIN], counts[Ballot.Choice.NOT_VOTING]
        chair_choice = next((b.choice for b in ballots if b.person.pk == chair_id), None)
    elif ballots:
        raise ValidationError("Les bulletins nominatifs ne valent que pour un scrutin public.")

    numbers = (votes_for, votes_against, abstentions, not_voting)
    if any(not isinstance(n, int) or n < 0 for n in numbers):
        raise ValidationError("Les nombres de voix sont des entiers positifs.")
    if sum(numbers) > len(voters):
        raise ValidationError(
            f"{sum(numbers)} voix saisies pour {len(voters)} votants possibles "
            "(membres présents et pouvoirs) : vérifiez le décompte."
        )
    outcome = votes.decide(
        votes_for=votes_for,
        votes_against=votes_against,
        secret=method == Vote.Method.SECRET,
        chair_choice=chair_choice,
    )
    vote = Vote.objects.create(
        item=item,
        method=method,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        not_voting=not_voting,
        casting_vote_used=outcome.casting_vote_used,
        result=outcome.result,
        quorum_present=at_item.present,
        quorum_required=at_item.required,
        recorded_by=actor,
    )
    if method == Vote.Method.ROLL_CALL:
        Ballot.objects.bulk_create(
            Ballot(vote=vote, person=b.person, choice=b.choice, cast_by=b.cast_by) for b in ballots
        )
    if session.status == Session.Status.CONVENED:
        session.status = Session.Status.HELD
        session.save(update_fields=["status"])
    record_event(
        action="vote.recorded",
        actor=actor,
        epci=session.body.epci,
        target=vote,
        session=session.pk,
        item=item.pk,
        method=method,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        not_voting=not_voting,
        result=outcome.result,
        casting_vote_used=outcome.casting_vote_used,
        quorum_present=at_item.present,
        quorum_required=at_item.required,
    )
    return vote


def _chair_of(state) -> int | None:
    chair = next((r for r in state.seats if r.membership.role == Membership.Role.CHAIR), None)
    return chair.membership.person_id if chair else None


def _check_ballots(ballots: list[BallotInput], voters) -> Counter:
    """Each ballot is a voter of the item, cast by themself or by the holder of their proxy."""
    allowed = {voter.pk: holder.pk if holder else None for voter, holder in voters}
    seen = set()
    for ballot in ballots:
        pid = ballot.person.pk
        if pid in seen:
            raise ValidationError(f"{ballot.person} a deux bulletins.")
        seen.add(pid)
        if pid not in allowed:
            raise ValidationError(
                f"{ballot.person} n'est ni présent(e) ni représenté(e) à ce point."
            )
        cast_by = ballot.cast_by.pk if ballot.cast_by and ballot.cast_by.pk != pid else None
        if cast_by != allowed[pid]:
            raise ValidationError(
                f"Le bulletin de {ballot.person} doit être déposé par "
                f"{'son mandataire' if allowed[pid] else 'lui-même ou elle-même'}."
            )
        if ballot.choice not in Ballot.Choice.values:
            raise ValidationError(f"Choix de vote inconnu pour {ballot.person}.")
    return Counter(b.choice for b in ballots)


@transaction.atomic
def record_opinion(*, actor: User, item: AgendaItem, opinion: str) -> AgendaItem:
    """The opinion the body gives on an item (conférence des maires, L5211-11-3)."""
    session = _locked(item.session)
    _require_manager(actor, session)
    _require_sitting(session)
    if item.kind != AgendaItem.Kind.OPINION:
        raise ValidationError("Seuls les points soumis à avis reçoivent un avis.")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": "Saisissez l'avis rendu."})
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.opinion = opinion
    item.save(update_fields=["opinion"])
    record_event(
        action="opinion.recorded",
        actor=actor,
        epci=session.body.epci,
        target=item,
        session=session.pk,
    )
    return item


# --- Second convocation ---------------------------------------------------------------------------


@transaction.atomic
def create_second_convocation(*, actor: User, session: Session, starts_at: datetime) -> Session:
    """Convene the body again after a meeting without quorum (L2121-17).

    The new session (origin "second convocation", status draft: the secretariat convenes it
    through the normal convocation service, on the body's notice) is held at the same place,
    with the same agenda: every item of the first session not already voted or given its
    opinion there, with its note, rapporteur and documents (new rows pointing at the same stored
    files). It must be at least three days later (legal_calendar.second_convocation_earliest).
    Creating it twice returns the first one.
    """
    session = _locked(session)
    _require_manager(actor, session)
    existing = (
        Session.objects.filter(first_session=session)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing  # Already done.
    if session.origin == Session.Origin.SECOND_CONVOCATION:
        raise ValidationError(
            "Cette séance est déjà une seconde convocation : elle délibère sans quorum."
        )
    _require_sitting(session)
    state = load_sitting(session)
    if not state.quorum_failed:
        raise ValidationError("Le quorum est atteint à chaque point : pas de seconde convocation.")
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Indiquez une date et une heure."})
    earliest = legal_calendar.second_convocation_earliest(
        legal_calendar.legal_day_of(session.starts_at)
    )
    if legal_calendar.legal_day_of(starts_at) < earliest:
        raise ValidationError(
            {
                "starts_at": "La seconde convocation doit se tenir trois jours francs au moins "
                f"après la première (article L2121-17 du CGCT) : le {earliest:%d/%m/%Y} au plus "
                "tôt."
            }
        )

    second = Session.objects.create(
        body=session.body,
        title=session.title,
        starts_at=starts_at,
        place_commune=session.place_commune,
        address=session.address,
        video_url=session.video_url,
        mode=session.mode,
        origin=Session.Origin.SECOND_CONVOCATION,
        status=Session.Status.DRAFT,
        first_session=session,
        mayors_request=session.mayors_request,
        chair=session.chair,
        secretary=session.secretary,
    )
    _copy_agenda(source=state.items, target=second)
    record_event(
        action="second_convocation.created",
        actor=actor,
        epci=session.body.epci,
        target=second,
        first_session=session.pk,
        starts_at=starts_at.isoformat(),
    )
    return second


def _copy_agenda(*, source: list[AgendaItem], target: Session) -> None:
    pending = [
        item
        for item in source
        if not hasattr(item, "vote") and not (item.kind == AgendaItem.Kind.OPINION and item.opinion)
    ]
    copies = AgendaItem.objects.bulk_create(
        AgendaItem(
            session=target,
            position=n,
            title=item.title,
            rapporteur_id=item.rapporteur_id,
            kind=item.kind,
            summary_note=item.summary_note,
        )
        for n, item in enumerate(pending, start=1)
    )
    by_source = {item.pk: copy for item, copy in zip(pending, copies, strict=True)}
    documents = AgendaDocument.objects.filter(item_id__in=by_source).order_by("pk")
    AgendaDocument.objects.bulk_create(
        AgendaDocument(
            item=by_source[doc.item_id],
            file=doc.file.name,  # the same stored file: nothing is copied on disk
            name=doc.name,
            size=doc.size,
            content_type=doc.content_type,
            uploaded_at=doc.uploaded_at,
            uploaded_by_id=doc.uploaded_by_id,
        )
        for doc in documents
    )
