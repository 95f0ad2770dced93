"""Sending what was put online to the municipal councillors (L5211-40-2), through the outbox:
one persisted message per recipient and document version, under a unique key, so that running
the distribution twice (retry, redelivery, a second click) sends nothing more.

- The opinions of the conférence des maires go to **all** municipal councillors of the member
  communes (mayors, deputies, councillors): a broadcast of thousands of messages.
- For the council, the councillors who do not sit on it receive the list of deliberations and
  the minutes, within one month (legal_calendar.councillors_information_deadline).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from conferences.models import AgendaItem, Publication
from conferences.publication import selectors
from core.notifications import Notification, Rendered
from core.services import Email, queue_emails
from governance import legal_calendar
from governance.audit import record_event
from governance.rules import BodyKind

Kind = Publication.Kind


def public_link(publication: Publication) -> str:
    """Where the document can be read without logging in: the publication's download (served
    by conferences.pdf's views), else the session's page."""
    try:
        path = reverse("conferences:publication_download", args=[publication.pk])
    except NoReverseMatch:
        path = reverse("conferences:session_detail", args=[publication.session_id])
    return settings.SITE_URL + path


def _greeting(first_name: str, last_name: str) -> str:
    return f"Bonjour {first_name} {last_name},".replace("  ", " ")


OPINIONS = Notification(
    category="publication.opinions",
    subject='Avis de la {{ session.body.name }} — séance du {{ day|date:"d/m/Y" }}',
    text="email/conferences/minutes_opinions.txt",
)
# The list of deliberations and the minutes: the category and subject name the document.
COUNCILLORS_INFORMED = {
    kind: Notification(
        category=f"publication.councillors.{kind}",
        subject="{{ publication.get_kind_display }} — {{ session.body.name }} — séance du "
        '{{ day|date:"d/m/Y" }}',
        text="email/conferences/minutes_information.txt",
    )
    for kind in (Kind.DELIBERATIONS, Kind.MINUTES)
}


def _emails(*, recipients, prefix: str, rendered: Rendered) -> list[Email]:
    """One Email per recipient (dicts with pk, first_name, last_name, email): the notification
    is rendered once, only the greeting differs."""
    return [
        rendered.email(
            dedup_key=f"{prefix}:{r['pk']}",
            to_email=r["email"],
            to_name=f"{r['first_name']} {r['last_name']}",
            greeting=_greeting(r["first_name"], r["last_name"]),
        )
        for r in recipients
    ]


def broadcast_opinions(*, publication: Publication) -> int:
    """Send the opinions given to every municipal councillor of the member communes
    (L5211-40-2). Returns the number of messages newly queued."""
    session = publication.session
    day = legal_calendar.legal_day_of(session.starts_at)
    opinions = list(
        AgendaItem.objects.filter(session=session, kind=AgendaItem.Kind.OPINION)
        .exclude(opinion="")
        .order_by("position", "pk")
    )
    rendered = OPINIONS.render(
        {
            "session": session,
            "day": day,
            "opinions": opinions,
            "publication": publication,
            "link": public_link(publication),
        }
    )
    recipients = selectors.municipal_councillors(epci_id=session.body.epci_id, day=day)
    emails = _emails(
        recipients=recipients,
        prefix=f"opinions:{session.pk}:v{publication.version}",
        rendered=rendered,
    )
    queued = queue_emails(emails=emails)
    record_event(
        action="publication.opinions_broadcast",
        epci=session.body.epci,
        target=publication,
        recipients=len(emails),
        queued=len(queued),
    )
    return len(queued)


def inform_councillors(*, publication: Publication) -> int:
    """Send the list of deliberations or the minutes of a council session to the municipal
    councillors who do not sit on the council (L5211-40-2). Returns the number newly queued."""
    session = publication.session
    day = legal_calendar.legal_day_of(session.starts_at)
    rendered = COUNCILLORS_INFORMED[publication.kind].render(
        {
            "session": session,
            "day": day,
            "publication": publication,
            "link": public_link(publication),
        }
    )
    recipients = selectors.councillors_not_sitting(session=session, day=day)
    emails = _emails(
        recipients=recipients,
        prefix=f"councillors:{publication.kind}:{session.pk}:v{publication.version}",
        rendered=rendered,
    )
    queued = queue_emails(emails=emails)
    record_event(
        action="publication.councillors_informed",
        epci=session.body.epci,
        target=publication,
        recipients=len(emails),
        queued=len(queued),
    )
    return len(queued)


def distribute(*, publication: Publication) -> int:
    """What follows a publication: the opinions broadcast, or the information of the
    councillors for the council's deliberations and minutes."""
    if publication.kind == Kind.OPINIONS:
        return broadcast_opinions(publication=publication)
    if publication.session.body.kind == BodyKind.COUNCIL:
        return inform_councillors(publication=publication)
    return 0
