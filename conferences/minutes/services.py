"""The minutes (procès-verbal, L2121-15): drafted after the session, submitted for adoption at the
next session of the same body, adopted (the text is then frozen), signed by the president and
the session secretary, published online within one week of adoption.

Each step is one atomic function that locks the minutes, refuses an out-of-order step with a
French message (ValidationError) and answers a repeated step with AlreadyDone ("Action déjà
effectuée"), and records an audit event.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conferences import perms
from conferences.minutes.content import render_live_html, sanitize_debates
from conferences.models import (
    AgendaItem,
    Minutes,
    MinutesSignature,
    MinutesVersion,
    Session,
    Vote,
)
from conferences.sessions import services as scheduling
from governance import legal_calendar
from governance.audit import record_event
from governance.models import Membership, Person, User
from governance.perms import ensure

# The sessions whose minutes may be drafted, and at which minutes may be adopted.
HELD_STATUSES = (Session.Status.HELD, Session.Status.CLOSED)
# Where an adoption item can still be put on the agenda (conferences.sessions.services).
OPEN_AGENDA_STATUSES = (Session.Status.DRAFT, Session.Status.CONVENED)
_ORDER = [
    Minutes.Status.DRAFT,
    Minutes.Status.SUBMITTED,
    Minutes.Status.ADOPTED,
    Minutes.Status.SIGNED,
    Minutes.Status.PUBLISHED,
]
FROZEN_MESSAGE = "Le procès-verbal adopté ne peut plus être modifié : adoptez une version corrigée."


class AlreadyDone(ValidationError):
    """The step was already done (a double submit, two secretaries at once): nothing changed."""

    def __init__(self, message: str = "Action déjà effectuée."):
        super().__init__(message)


def reached(status: str, step: str) -> bool:
    """Whether the minutes are at or beyond `step`."""
    return _ORDER.index(status) >= _ORDER.index(step)


def require_manager(actor: User, session: Session) -> None:
    ensure(perms.can_manage_session, actor, session)


def lock_minutes(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("session__body__epci", "adopting_session")
        .get(pk=minutes.pk)
    )


def day_label(session: Session) -> str:
    return f"{legal_calendar.legal_day_of(session.starts_at):%d/%m/%Y}"


def latest_version(minutes: Minutes) -> MinutesVersion | None:
    return MinutesVersion.objects.filter(minutes_id=minutes.pk).order_by("-number").first()


# --- Draft ----------------------------------------------------------------------------------------


@transaction.atomic
def start_minutes(*, actor: User, session: Session) -> Minutes:
    """Open the draft of a held session's minutes. Its pre-filled part is computed from the
    session's records until adoption (conferences.minutes.content)."""
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body__epci")
        .get(pk=session.pk)
    )
    require_manager(actor, session)
    if Minutes.objects.filter(session=session).exists():
        raise AlreadyDone
    if session.status not in HELD_STATUSES:
        raise ValidationError(
            "Le procès-verbal se rédige après la séance : celle-ci est "
            f"« {session.get_status_display().lower()} »."
        )
    minutes = Minutes.objects.create(session=session, created_by=actor)
    record_event(action="minutes.started", actor=actor, epci=session.body.epci, target=minutes)
    return minutes


@transaction.atomic
def update_debates(*, actor: User, minutes: Minutes, debates_html: str) -> Minutes:
    """Store the substance of the debates, sanitised (pasted Word HTML comes out clean)."""
    minutes = lock_minutes(minutes)
    require_manager(actor, minutes.session)
    if reached(minutes.status, Minutes.Status.ADOPTED):
        raise ValidationError(FROZEN_MESSAGE)
    clean = sanitize_debates(debates_html)
    if clean == minutes.debates_html:
        return minutes
    minutes.debates_html = clean
    minutes.save(update_fields=["debates_html"])
    record_event(
        action="minutes.debates_updated",
        actor=actor,
        epci=minutes.session.body.epci,
        target=minutes,
        length=len(clean),
    )
    return minutes


# --- Submission and adoption ----------------------------------------------------------------------


def next_session(session: Session) -> Session | None:
    """The session at which the minutes are adopted (L2121-15: "au cours de la séance qui suit"):
    the first session of the same body after the minuted one that is neither cancelled nor
    already held, i.e. whose agenda can still receive the adoption item."""
    return (
        Session.objects.filter(body_id=session.body_id, starts_at__gt=session.starts_at)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(status__in=HELD_STATUSES)
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def submit_minutes(*, actor: User, minutes: Minutes) -> Minutes:
    """Submit the draft to the next session of the same body: the item "Adoption du
    procès-verbal de la séance du JJ/MM/AAAA" is added to its agenda (members already convened
    receive the updated convocation). A submission whose adopting session was cancelled may be
    submitted again to the following one."""
    minutes = lock_minutes(minutes)
    session = minutes.session
    require_manager(actor, session)
    resubmission = (
        minutes.status == Minutes.Status.SUBMITTED
        and minutes.adopting_session is not None
        and minutes.adopting_session.status == Session.Status.CANCELLED
    )
    if reached(minutes.status, Minutes.Status.SUBMITTED) and not resubmission:
        raise AlreadyDone
    target = next_session(session)
    if target is None:
        raise ValidationError(
            f"Aucune séance suivante de « {session.body.name} » n'est programmée : programmez "
            "la prochaine séance pour y inscrire l'adoption du procès-verbal."
        )
    if target.status not in OPEN_AGENDA_STATUSES:
        raise ValidationError(
            f"La séance suivante du {day_label(target)} est "
            f"« {target.get_status_display().lower()} » : son ordre du jour ne peut pas "
            "recevoir l'adoption du procès-verbal. Convoquez-la à nouveau ou programmez-en une."
        )
    item = scheduling.add_agenda_item(
        actor=actor,
        session=target,
        title=f"Adoption du procès-verbal de la séance du {day_label(session)}",
        kind=AgendaItem.Kind.DELIBERATION,
    )
    minutes.status = Minutes.Status.SUBMITTED
    minutes.adopting_session = target
    minutes.adoption_item = item
    minutes.submitted_at = timezone.now()
    minutes.save(update_fields=["status", "adopting_session", "adoption_item", "submitted_at"])
    record_event(
        action="minutes.submitted",
        actor=actor,
        epci=session.body.epci,
        target=minutes,
        adopting_session=target.pk,
        item=item.pk,
    )
    return minutes


def _require_held(adopting: Session) -> None:
    if adopting.status not in HELD_STATUSES:
        raise ValidationError(
            "Le procès-verbal s'adopte en séance : ouvrez d'abord la séance du "
            f"{day_label(adopting)} (page des présences)."
        )


@transaction.atomic
def adopt_minutes(*, actor: User, minutes: Minutes) -> MinutesVersion:
    """The adopting session approves the minutes: the full text is frozen as version 1."""
    minutes = lock_minutes(minutes)
    require_manager(actor, minutes.session)
    if reached(minutes.status, Minutes.Status.ADOPTED):
        raise AlreadyDone
    if minutes.status != Minutes.Status.SUBMITTED or minutes.adopting_session is None:
        raise ValidationError(
            "Soumettez d'abord le procès-verbal à l'adoption de la séance suivante."
        )
    adopting = minutes.adopting_session
    _require_held(adopting)
    vote = Vote.objects.filter(item_id=minutes.adoption_item_id).first()
    if vote is not None and vote.result == Vote.Result.REJECTED:
        raise ValidationError(
            "L'assemblée a rejeté le procès-verbal : corrigez-le et soumettez-le à nouveau."
        )
    now = timezone.now()
    version = MinutesVersion.objects.create(
        minutes=minutes,
        number=1,
        content_html=render_live_html(minutes),
        adopted_at=now,
        adopting_session=adopting,
        created_by=actor,
    )
    minutes.status = Minutes.Status.ADOPTED
    minutes.adopted_at = now
    minutes.save(update_fields=["status", "adopted_at"])
    record_event(
        action="minutes.adopted",
        actor=actor,
        epci=minutes.session.body.epci,
        target=minutes,
        version=1,
        adopting_session=adopting.pk,
    )
    return version


@transaction.atomic
def adopt_correction(
    *,
    actor: User,
    minutes: Minutes,
    debates_html: str,
    correction_note: str,
    adopting_session: Session,
) -> MinutesVersion:
    """A correction adopted by the body: a new frozen version (number + 1), to be signed and
    published as a new publication. Earlier versions are kept unchanged."""
    minutes = lock_minutes(minutes)
    session = minutes.session
    require_manager(actor, session)
    if not reached(minutes.status, Minutes.Status.ADOPTED):
        raise ValidationError(
            "Seul un procès-verbal adopté se corrige par une nouvelle version : "
            "modifiez le brouillon."
        )
    note = (correction_note or "").strip()
    if not note:
        raise ValidationError({"correction_note": "Indiquez l'objet de la correction."})
    adopting = Session.objects.get(pk=adopting_session.pk)
    if adopting.body_id != session.body_id or adopting.starts_at <= session.starts_at:
        raise ValidationError(
            {
                "adopting_session": "La correction est adoptée par une séance ultérieure de la "
                "même instance."
            }
        )
    _require_held(adopting)
    clean = sanitize_debates(debates_html)
    previous = latest_version(minutes)
    if (
        previous is not None
        and previous.number > 1
        and previous.correction_note == note
        and previous.adopting_session_id == adopting.pk
        and minutes.debates_html == clean
    ):
        raise AlreadyDone
    number = previous.number + 1 if previous else 1
    minutes.debates_html = clean
    version = MinutesVersion.objects.create(
        minutes=minutes,
        number=number,
        content_html=render_live_html(minutes, debates_html=clean),
        adopted_at=timezone.now(),
        adopting_session=adopting,
        correction_note=note,
        created_by=actor,
    )
    minutes.status = Minutes.Status.ADOPTED
    minutes.save(update_fields=["status", "debates_html"])
    record_event(
        action="minutes.correction_adopted",
        actor=actor,
        epci=session.body.epci,
        target=minutes,
        version=number,
        adopting_session=adopting.pk,
        note=note,
    )
    return version


# --- Signatures -----------------------------------------------------------------------------------


def president_of(session: Session) -> Person | None:
    """Who presided: the session's chair, else the body's chair on the session's day."""
    if session.chair_id:
        return session.chair
    membership = (
        Membership.objects.current(legal_calendar.legal_day_of(session.starts_at))
        .filter(body_id=session.body_id, role=Membership.Role.CHAIR)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return membership.person if membership else None


def _secretary(session: Session, person: Person | None, actor: User) -> Person:
    """The session secretary; designated here (by the secretariat) when it was not recorded."""
    if session.secretary_id:
        if person is not None and person.pk != session.secretary_id:
            raise ValidationError(
                {"person": "Le secrétaire de séance est déjà désigné : lui seul signe."}
            )
        return session.secretary
    if person is None:
        raise ValidationError({"person": "Désignez le secrétaire de séance qui signe."})
    day = legal_calendar.legal_day_of(session.starts_at)
    if not Membership.objects.current(day).filter(body_id=session.body_id, person=person).exists():
        raise ValidationError({"person": "Le secrétaire de séance est un membre de l'instance."})
    Session.objects.filter(pk=session.pk).update(secretary=person)
    session.secretary = person
    record_event(
        action="session.secretary_set",
        actor=actor,
        epci=session.body.epci,
        target=session,
        person=person.pk,
    )
    return person


@transaction.atomic
def sign_minutes(
    *, actor: User, minutes: Minutes, role: str, person: Person | None = None
) -> MinutesSignature:
    """Record the signature of the current version by the president or the session secretary
    (L2121-15); once both have signed, the minutes are ready to be published."""
    minutes = lock_minutes(minutes)
    session = Session.objects.select_related("body__epci", "chair", "secretary").get(
        pk=minutes.session_id
    )
    require_manager(actor, session)
    if role not in MinutesSignature.Role.values:
        raise ValidationError("Signataire inconnu.")
    if not reached(minutes.status, Minutes.Status.ADOPTED):
        raise ValidationError("Le procès-verbal se signe une fois adopté.")
    version = latest_version(minutes)
    if MinutesSignature.objects.filter(version=version, role=role).exists():
        raise AlreadyDone
    if role == MinutesSignature.Role.PRESIDENT:
        signer = president_of(session)
        if signer is None:
            raise ValidationError(
                "Aucun président n'est connu pour cette séance : indiquez la présidence."
            )
    else:
        signer = _secretary(session, person, actor)
    signature = MinutesSignature.objects.create(
        version=version, role=role, person=signer, signed_by=actor
    )
    if MinutesSignature.objects.filter(version=version).count() == len(
        MinutesSignature.Role.values
    ):
        minutes.status = Minutes.Status.SIGNED
        minutes.save(update_fields=["status"])
    record_event(
        action="minutes.signed",
        actor=actor,
        epci=session.body.epci,
        target=minutes,
        version=version.number,
        role=role,
        person=signer.pk,
    )
    return signature
