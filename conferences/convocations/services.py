"""Convening a session on legal notice, and every message about it afterwards.

Each recipient gets one persisted message per version of the session (core outbox, dedup key
``convocation:<session>:v<version>:<person>``): convening twice, retrying or restarting a
worker never sends a second copy of the same version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from conferences import perms
from conferences.models import Convocation, Reply, Session
from core.notifications import Notification
from core.services import queue_emails
from governance import legal_calendar
from governance.audit import record_event
from governance.models import Mandate, Membership, Person, User
from governance.perms import ensure
from governance.rules import BodyKind

# A reminder goes to members who have not answered, this long before the session (once).
REMINDER_BEFORE = timedelta(hours=48)

MUNICIPAL_MANDATES = (
    Mandate.Kind.MAYOR,
    Mandate.Kind.DEPUTY_MAYOR,
    Mandate.Kind.MUNICIPAL_COUNCILLOR,
)


@dataclass(frozen=True)
class NoticeCheck:
    meeting_day: date
    notice_days: int
    last_sending_day: date
    today: date

    @property
    def on_time(self) -> bool:
        return self.today <= self.last_sending_day


def notice_check(session: Session, *, emergency: bool = False, now=None) -> NoticeCheck:
    """The last legal sending date for this session (jours francs, L2121-11/12): the meeting day
    minus (n + 1) days, n being the body's notice period, or its emergency period."""
    body = session.body
    days = body.emergency_notice_days if emergency else body.notice_days
    meeting_day = legal_calendar.legal_day_of(session.starts_at)
    return NoticeCheck(
        meeting_day=meeting_day,
        notice_days=days,
        last_sending_day=legal_calendar.last_sending_date(meeting_day, days),
        today=legal_calendar.legal_day_of(now or timezone.now()),
    )


def _check_notice(session: Session, *, emergency: bool, emergency_reason: str) -> None:
    normal = notice_check(session)
    if normal.on_time and not emergency:
        return
    if not emergency:
        raise ValidationError(
            f"Le délai de convocation de {normal.notice_days} jours francs est dépassé : "
            f"il fallait convoquer au plus tard le {normal.last_sending_day:%d/%m/%Y} pour une "
            f"séance le {normal.meeting_day:%d/%m/%Y}. Reportez la séance ou invoquez l'urgence "
            "en la motivant."
        )
    if session.body.emergency_notice_days is None:
        raise ValidationError("Cette instance ne prévoit pas de convocation en urgence.")
    if not emergency_reason.strip():
        raise ValidationError(
            {
                "emergency_reason": "Motivez l'urgence : elle sera affichée à la "
                "séance et soumise à l'assemblée."
            }
        )
    urgent = notice_check(session, emergency=True)
    if not urgent.on_time:
        raise ValidationError(
            f"Même en urgence ({urgent.notice_days} jour franc), il fallait convoquer au plus "
            f"tard le {urgent.last_sending_day:%d/%m/%Y}."
        )


def recipients(session: Session) -> list[tuple[Person, Membership | None, str]]:
    """Who receives the convocation: every member in office on the meeting day, the substitute
    of a single-seat commune (L5211-6), and for the council the municipal councillors of the
    member communes who do not sit on it (L5211-40-2), as a copy."""
    day = legal_calendar.legal_day_of(session.starts_at)
    memberships = list(
        Membership.objects.current(day)
        .filter(body_id=session.body_id)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    result: list[tuple[Person, Membership | None, str]] = []
    seen: set[int] = set()
    for membership in memberships:
        if membership.person_id in seen:
            continue
        seen.add(membership.person_id)
        kind = {
            Membership.Role.SUBSTITUTE: Convocation.Kind.SUBSTITUTE,
            Membership.Role.STAFF: Convocation.Kind.COPY,
            Membership.Role.GUEST: Convocation.Kind.COPY,
        }.get(membership.role, Convocation.Kind.MEMBER)
        result.append((membership.person, membership, kind))
    if session.body.kind == BodyKind.COUNCIL:
        sits = Membership.objects.current(day).filter(
            body_id=session.body_id, person=OuterRef("pk")
        )
        councillors = (
            Person.objects.filter(
                mandates__in=Mandate.objects.current(day).filter(
                    kind__in=MUNICIPAL_MANDATES, commune__epci_id=session.body.epci_id
                ),
            )
            .exclude(Exists(sits))
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )
        for person in councillors:
            if person.pk not in seen:
                seen.add(person.pk)
                result.append((person, None, Convocation.Kind.COPY))
    return result


@transaction.atomic
def convene_session(
    *, actor: User, session: Session, emergency: bool = False, emergency_reason: str = ""
) -> tuple[Session, bool]:
    """Send the convocation. Returns (session, sent); sent is False when the session was already
    convened (a double submit or two secretaries at once: one convocation only)."""
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body__epci")
        .get(pk=session.pk)
    )
    ensure(perms.can_manage_session, actor, session)
    if session.status == Session.Status.CONVENED:
        return session, False
    if session.status not in (Session.Status.DRAFT, Session.Status.POSTPONED):
        raise ValidationError("Cette séance ne peut plus être convoquée.")
    if session.starts_at <= timezone.now():
        raise ValidationError("La date de la séance est passée : modifiez-la avant de convoquer.")
    if not session.items.exists():
        raise ValidationError("L'ordre du jour est vide : ajoutez au moins un point.")
    _check_notice(session, emergency=emergency, emergency_reason=emergency_reason)

    people = recipients(session)
    existing = set(session.convocations.values_list("person_id", flat=True))
    Convocation.objects.bulk_create(
        [
            Convocation(
                session=session, person=person, membership=membership, kind=kind, email=person.email
            )
            for person, membership, kind in people
            if person.pk not in existing
        ],
        batch_size=500,
    )
    session.status = Session.Status.CONVENED
    session.emergency = emergency
    session.emergency_reason = emergency_reason.strip() if emergency else ""
    session.convened_at = timezone.now()
    session.convened_by = actor
    session.version += 1
    session.save(
        update_fields=[
            "status",
            "emergency",
            "emergency_reason",
            "convened_at",
            "convened_by",
            "version",
        ]
    )
    count = _queue_messages(session=session, purpose="convocation")
    record_event(
        action="session.convened",
        actor=actor,
        epci=session.body.epci,
        target=session,
        recipients=count,
        emergency=emergency,
        version=session.version,
        last_legal_sending_day=notice_check(session).last_sending_day.isoformat(),
    )
    return session, True


def notify_change(*, actor: User, session: Session, reason: str, purpose: str = "update") -> int:
    """A new version of the convocation (changed agenda, date or place; cancellation;
    postponement) goes to every recipient once. Runs inside the caller's transaction."""
    session.version += 1
    session.save(update_fields=["version"])
    count = _queue_messages(session=session, purpose=purpose, reason=reason)
    record_event(
        action=f"session.{purpose}_sent",
        actor=actor,
        epci=session.body.epci,
        target=session,
        recipients=count,
        version=session.version,
        reason=reason,
    )
    return count


@transaction.atomic
def cancel_session(*, actor: User, session: Session, reason: str) -> Session:
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body__epci")
        .get(pk=session.pk)
    )
    ensure(perms.can_manage_session, actor, session)
    if session.status not in (
        Session.Status.DRAFT,
        Session.Status.CONVENED,
        Session.Status.POSTPONED,
    ):
        raise ValidationError("Une séance tenue ne peut plus être annulée.")
    was_sent = session.status != Session.Status.DRAFT
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    if was_sent:
        notify_change(actor=actor, session=session, reason=reason, purpose="cancellation")
    else:
        record_event(
            action="session.cancelled",
            actor=actor,
            epci=session.body.epci,
            target=session,
            reason=reason,
        )
    return session


@transaction.atomic
def postpone_session(*, actor: User, session: Session, reason: str) -> Session:
    """Postpone a convened session: everyone is told; set a new date and convene again (the
    notice runs again from the new convocation)."""
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body__epci")
        .get(pk=session.pk)
    )
    ensure(perms.can_manage_session, actor, session)
    if session.status != Session.Status.CONVENED:
        raise ValidationError("Seule une séance convoquée peut être reportée.")
    session.status = Session.Status.POSTPONED
    session.save(update_fields=["status"])
    notify_change(actor=actor, session=session, reason=reason, purpose="postponement")
    return session


SUBJECTS = {
    "convocation": "Convocation",
    "update": "Modification de la convocation",
    "cancellation": "Annulation",
    "postponement": "Report",
    "reminder": "Rappel : merci de répondre à la convocation",
}


# One notification per purpose (the outbox category names it); the same subject and text.
CONVOCATIONS = {
    purpose: Notification(
        category=f"session.{purpose}",
        subject='{{ heading }} — {{ session.body.name }} — {{ starts_at|date:"d/m/Y à H\\hi" }}',
        text="email/conferences/convocation.txt",
    )
    for purpose in SUBJECTS
}


def _queue_messages(*, session: Session, purpose: str, reason: str = "", convocations=None) -> int:
    from conferences.browse.ics import calendar_bytes

    session = (
        Session.objects.select_related("body__epci", "place_commune")
        .prefetch_related("items__documents", "items__rapporteur")
        .get(pk=session.pk)
    )
    if convocations is None:
        convocations = session.convocations.select_related("person").order_by("pk")
    method = "CANCEL" if purpose == "cancellation" else "REQUEST"
    ics = calendar_bytes([session], name=session.body.name, method=method).decode()
    local = timezone.localtime(session.starts_at)
    common = {
        "heading": SUBJECTS[purpose],
        "session": session,
        "items": list(session.items.all()),
        "purpose": purpose,
        "reason": reason,
        "site_url": settings.SITE_URL,
        "starts_at": local,
    }
    emails = []
    for convocation in convocations:
        if not convocation.email:
            continue
        link = settings.SITE_URL + reverse("conferences:convocation_open", args=[convocation.token])
        emails.append(
            CONVOCATIONS[purpose].email(
                dedup_key=f"{purpose}:{session.pk}:v{session.version}:{convocation.person_id}"
                if purpose != "reminder"
                else f"reminder:{session.pk}:{convocation.person_id}",
                to_email=convocation.email,
                to_name=convocation.person.full_name,
                context={**common, "convocation": convocation, "link": link},
                attachments=(
                    {
                        "filename": "seance.ics",
                        "content": ics,
                        "mimetype": f"text/calendar; method={method}",
                    },
                ),
            )
        )
    queue_emails(emails=emails)
    return len(emails)


class LinkExpired(Exception):
    """The convocation link was used after its session's day."""

    def __init__(self, convocation: Convocation):
        self.convocation = convocation


def link_expires_at(session: Session):
    """A convocation link opens the session's page without an account: it serves until the end
    of the session's day (Paris time), after which the session page is reached by signing in.
    A link forwarded or leaked later gives nothing."""
    day = legal_calendar.legal_day_of(session.starts_at)
    return timezone.make_aware(
        datetime.combine(day + timedelta(days=1), datetime.min.time()),
        timezone.get_default_timezone(),
    )


def open_convocation_link(*, token: str, user, user_agent: str) -> Convocation | None:
    """Someone opened the link of a convocation mail. Each opening is logged (time, user agent,
    the signed-in account if any), but opening is not a receipt: mail scanners and link
    previews open links too, and the link may have been forwarded. The read receipt is legal
    evidence, so it is recorded only when the addressee signed in views it, or by
    ``acknowledge_convocation`` (a deliberate click). Raises LinkExpired after the session."""
    convocation = (
        Convocation.objects.select_related("session__body", "person").filter(token=token).first()
    )
    if convocation is None:
        return None
    addressee = _is_addressee(user, convocation)
    record_event(
        action="convocation.link_opened",
        actor=user,
        epci=convocation.session.body.epci,
        target=convocation,
        user_agent=user_agent[:300],
        addressee=addressee,
    )
    if timezone.now() >= link_expires_at(convocation.session):
        raise LinkExpired(convocation)
    if addressee:
        _record_receipt(convocation, channel="signed_in_view", user_agent=user_agent)
    return convocation


def acknowledge_convocation(*, token: str, user, user_agent: str) -> Convocation | None:
    """The addressee confirmed from the link that they received the convocation (the first
    time only). A signed-in account other than the addressee's cannot confirm for them."""
    convocation = (
        Convocation.objects.select_related("session__body", "person").filter(token=token).first()
    )
    if convocation is None:
        return None
    if timezone.now() >= link_expires_at(convocation.session):
        raise LinkExpired(convocation)
    if user.is_authenticated and not _is_addressee(user, convocation):
        raise PermissionDenied("Seul le destinataire de la convocation peut en accuser réception.")
    _record_receipt(convocation, channel="link", user_agent=user_agent)
    return convocation


def _is_addressee(user, convocation: Convocation) -> bool:
    return bool(user.is_authenticated and user.person_id == convocation.person_id)


def _record_receipt(convocation: Convocation, *, channel: str, user_agent: str) -> None:
    if convocation.acknowledged_at is not None:
        return
    now = timezone.now()
    updated = Convocation.objects.filter(pk=convocation.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now
    )
    if updated:
        convocation.acknowledged_at = now
        record_event(
            action="convocation.acknowledged",
            epci=convocation.session.body.epci,
            target=convocation,
            channel=channel,
            user_agent=user_agent[:300],
        )


def send_due_reminders(*, now=None) -> int:
    """Remind members who have not answered, once, REMINDER_BEFORE the session."""
    now = now or timezone.now()
    answered = Reply.objects.filter(
        session=OuterRef("session"), person=OuterRef("person"), is_current=True
    )
    total = 0
    sessions = Session.objects.filter(
        status=Session.Status.CONVENED, starts_at__gt=now, starts_at__lte=now + REMINDER_BEFORE
    )
    for session in sessions:
        with transaction.atomic():
            due = list(
                session.convocations.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    reminder_sent_at__isnull=True,
                    kind__in=[Convocation.Kind.MEMBER, Convocation.Kind.SUBSTITUTE],
                )
                .exclude(Exists(answered))
                .select_related("person")
                .order_by("pk")
            )
            if not due:
                continue
            Convocation.objects.filter(pk__in=[c.pk for c in due]).update(reminder_sent_at=now)
            total += _queue_messages(session=session, purpose="reminder", convocations=due)
    return total
