"""Putting documents online (R2131-1): the minutes within one week of their adoption (L2121-15),
the list of deliberations within one week of the session (L2121-25), and the opinions of the
conférence des maires.

The secretariat's action (publish_*) records the request and queues the task
conferences.publication.tasks.publish_document on commit; the task renders the PDF
(conferences.pdf.render_pdf_bytes) and stores an immutable Publication: a publication is never
overwritten, a correction is a new version next to it. Distributing it by email follows
(conferences.publication.distribution).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from conferences.minutes.services import (
    HELD_STATUSES,
    AlreadyDone,
    day_label,
    latest_version,
    lock_minutes,
    reached,
    require_manager,
)
from conferences.models import AgendaItem, Minutes, MinutesVersion, Publication, Session
from core.queue import enqueue_on_commit
from governance import legal_calendar
from governance.audit import record_event
from governance.models import AuditEvent, User
from governance.rules import BodyKind

logger = logging.getLogger(__name__)

Kind = Publication.Kind
REQUESTED = "publication.requested"


def render_pdf(*, session: Session, kind: str) -> tuple[bytes, int]:
    """The PDF of a session's document (conferences.pdf, rendered from the session's data; for
    the minutes, from the frozen text of the latest adopted version). Tests replace this."""
    from conferences.pdf import render_pdf_bytes

    return render_pdf_bytes(session=session, kind=kind)


# --- Due dates ------------------------------------------------------------------------------------


def session_day(session: Session) -> date:
    return legal_calendar.legal_day_of(session.starts_at)


def due_on(*, session: Session, kind: str, version: MinutesVersion | None = None) -> date | None:
    """The last legal day to put the document online: one week after the session for the list
    of deliberations (L2121-25), one week after adoption for the minutes (L2121-15). The texts
    set no deadline for the opinions of the conférence des maires."""
    if kind == Kind.DELIBERATIONS:
        return legal_calendar.publication_deadline(session_day(session))
    if kind == Kind.MINUTES and version is not None:
        return legal_calendar.publication_deadline(legal_calendar.legal_day_of(version.adopted_at))
    return None


# --- Requests (secretariat) -----------------------------------------------------------------------


def _queue(*, actor: User, session: Session, kind: str, version: int) -> None:
    from conferences.publication.tasks import publish_document

    record_event(
        action=REQUESTED,
        actor=actor,
        epci=session.body.epci,
        target=session,
        kind=kind,
        version=version,
    )
    enqueue_on_commit(publish_document, session.pk, kind, version, getattr(actor, "pk", None))


def _already_requested(session: Session, kind: str, version: int) -> bool:
    return (
        Publication.objects.filter(session=session, kind=kind, version=version).exists()
        or AuditEvent.objects.filter(
            action=REQUESTED,
            object_type="conferences.session",
            object_id=str(session.pk),
            data__kind=kind,
            data__version=version,
        ).exists()
    )


def _locked_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("body__epci")
        .get(pk=session.pk)
    )


@transaction.atomic
def publish_minutes(*, actor: User, minutes: Minutes) -> Minutes:
    """Put the signed minutes online (L2121-15, R2131-1); due within one week of adoption."""
    minutes = lock_minutes(minutes)
    session = minutes.session
    require_manager(actor, session)
    if minutes.status == Minutes.Status.PUBLISHED:
        raise AlreadyDone
    if not reached(minutes.status, Minutes.Status.ADOPTED):
        raise ValidationError("Le procès-verbal doit d'abord être adopté, puis signé.")
    if minutes.status != Minutes.Status.SIGNED:
        raise ValidationError(
            "Le procès-verbal doit être signé par le président et le secrétaire de séance "
            "avant d'être publié."
        )
    version = latest_version(minutes)
    minutes.status = Minutes.Status.PUBLISHED
    minutes.published_at = timezone.now()
    minutes.save(update_fields=["status", "published_at"])
    _queue(actor=actor, session=session, kind=Kind.MINUTES, version=version.number)
    record_event(
        action="minutes.published",
        actor=actor,
        epci=session.body.epci,
        target=minutes,
        version=version.number,
        due_on=due_on(session=session, kind=Kind.MINUTES, version=version).isoformat(),
    )
    return minutes


@transaction.atomic
def publish_deliberations_list(*, actor: User, session: Session) -> int:
    """Put the list of the session's deliberations online (L2121-25), due within one week of
    the session. Returns the publication's version."""
    session = _locked_session(session)
    require_manager(actor, session)
    if session.status not in HELD_STATUSES:
        raise ValidationError("La liste des délibérations se publie après la séance.")
    if not session.items.filter(kind=AgendaItem.Kind.DELIBERATION).exists():
        raise ValidationError("Cette séance n'a pris aucune délibération.")
    if _already_requested(session, Kind.DELIBERATIONS, 1):
        raise AlreadyDone
    _queue(actor=actor, session=session, kind=Kind.DELIBERATIONS, version=1)
    return 1


@transaction.atomic
def publish_opinions(*, actor: User, session: Session) -> int:
    """Put online the opinions of a body that gives opinions (conférence des maires) and send
    them to every municipal councillor of the member communes (L5211-40-2). Returns the
    publication's version."""
    session = _locked_session(session)
    require_manager(actor, session)
    if not session.body.gives_opinions:
        raise ValidationError("Cette instance ne rend pas d'avis.")
    if session.status not in HELD_STATUSES:
        raise ValidationError("Les avis se publient après la séance.")
    if not session.items.filter(kind=AgendaItem.Kind.OPINION).exclude(opinion="").exists():
        raise ValidationError("Aucun avis n'a été enregistré pour cette séance.")
    if _already_requested(session, Kind.OPINIONS, 1):
        raise AlreadyDone
    _queue(actor=actor, session=session, kind=Kind.OPINIONS, version=1)
    return 1


# --- The stored publication (task) ----------------------------------------------------------------


def title_of(session: Session, kind: str, version: int) -> str:
    label = {
        Kind.MINUTES: "Procès-verbal",
        Kind.DELIBERATIONS: "Liste des délibérations",
        Kind.OPINIONS: "Avis rendus",
    }[kind]
    title = f"{label} — {session.body.name} — séance du {day_label(session)}"
    return f"{title} (version {version}, corrigée)" if version > 1 else title


def filename_of(session: Session, kind: str, version: int) -> str:
    suffix = f"-v{version}" if version > 1 else ""
    day = session_day(session)
    return f"{slugify(session.body.name)}-{day:%Y-%m-%d}-{slugify(Kind(kind).label)}{suffix}.pdf"


def store_publication(
    *, session_id: int, kind: str, version: int, actor_id: int | None = None
) -> Publication | None:
    """Render and store the publication once: a second run (retry, redelivery) returns the row
    already stored. Minutes are stored only for their latest adopted version (a correction
    adopted in between is published by its own request). Returns None when skipped."""
    from conferences.publication.tasks import distribute_publication

    existing = Publication.objects.filter(session_id=session_id, kind=kind, version=version)
    if publication := existing.first():
        return publication
    session = Session.objects.select_related("body__epci").get(pk=session_id)
    minutes_version = None
    if kind == Kind.MINUTES:
        minutes_version = latest_version(Minutes.objects.get(session_id=session_id))
        if minutes_version is None or minutes_version.number != version:
            logger.info("Procès-verbal %s v%s dépassé : non publié", session_id, version)
            return None
    content, _pages = render_pdf(session=session, kind=kind)
    name = filename_of(session, kind, version)
    publication = Publication(
        body=session.body,
        session=session,
        kind=kind,
        version=version,
        title=title_of(session, kind, version),
        filename=name,
        size=len(content),
        author=f"{session.body.name} — {session.body.epci.name}",
        published_by_id=actor_id,
        due_on=due_on(session=session, kind=kind, version=minutes_version),
    )
    publication.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            publication.published_at = timezone.now()
            publication.save()
            record_event(
                action="publication.stored",
                epci=session.body.epci,
                target=publication,
                session=session.pk,
                kind=kind,
                version=version,
                late=publication.late,
            )
            enqueue_on_commit(distribute_publication, publication.pk)
    except IntegrityError:
        # Another worker stored it first: keep theirs, drop our copy of the file.
        publication.file.delete(save=False)
        return existing.first()
    return publication


# --- Catching up (periodic task) ------------------------------------------------------------------

# A request or a publication younger than this is left to the task queued for it; an older one
# still not done was lost on the way (a broker that was down, a worker killed between storing a
# publication and queuing its distribution) and is queued again.
CATCH_UP_AFTER = timedelta(minutes=10)
# How far back the sweep looks: the legal delays run in weeks (one week to put online, one month
# to inform the councillors, docs/DOMAIN.md), so two months covers any outage.
CATCH_UP_WINDOW = timedelta(days=60)
DISTRIBUTED = ("publication.opinions_broadcast", "publication.councillors_informed")


def requests_to_publish(*, now=None) -> list[tuple[int, str, int, int | None]]:
    """(session id, kind, version, actor id) of each publication requested between
    CATCH_UP_WINDOW and CATCH_UP_AFTER ago and not stored, leaving out minutes superseded by a
    later adopted version (their own request publishes them). Four queries."""
    now = now or timezone.now()
    requested = {}
    for object_id, data, actor_id in AuditEvent.objects.filter(
        action=REQUESTED,
        object_type="conferences.session",
        at__lt=now - CATCH_UP_AFTER,
        at__gte=now - CATCH_UP_WINDOW,
    ).values_list("object_id", "data", "actor_id"):
        key = (int(object_id), data.get("kind"), data.get("version"))
        requested.setdefault(key, actor_id)
    if not requested:
        return []
    session_ids = {session_id for session_id, _, _ in requested}
    stored = set(
        Publication.objects.filter(session_id__in=session_ids).values_list(
            "session_id", "kind", "version"
        )
    )
    latest_minutes = dict(
        MinutesVersion.objects.filter(minutes__session_id__in=session_ids)
        .values("minutes__session_id")
        .annotate(latest=Max("number"))
        .values_list("minutes__session_id", "latest")
    )
    return [
        (session_id, kind, version, actor_id)
        for (session_id, kind, version), actor_id in sorted(requested.items())
        if (session_id, kind, version) not in stored
        and (kind != Kind.MINUTES or latest_minutes.get(session_id) == version)
    ]


def publications_to_distribute(*, now=None) -> list[int]:
    """Ids of the publications stored between CATCH_UP_WINDOW and CATCH_UP_AFTER ago that call
    for a distribution (the opinions; the council's documents, docs/DOMAIN.md) and have none
    recorded. Two queries."""
    now = now or timezone.now()
    candidates = list(
        Publication.objects.filter(
            published_at__lt=now - CATCH_UP_AFTER, published_at__gte=now - CATCH_UP_WINDOW
        )
        .filter(Q(kind=Kind.OPINIONS) | Q(body__kind=BodyKind.COUNCIL))
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)
    )
    if not candidates:
        return []
    done = set(
        AuditEvent.objects.filter(
            action__in=DISTRIBUTED,
            object_type="conferences.publication",
            object_id__in=[str(pk) for pk in candidates],
        ).values_list("object_id", flat=True)
    )
    return [pk for pk in candidates if str(pk) not in done]
