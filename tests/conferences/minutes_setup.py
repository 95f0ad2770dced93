"""Builders shared by the minutes, publication and broadcast tests (not a test module)."""

import datetime

from django.utils import timezone

from conferences.minutes.services import adopt_minutes, sign_minutes, start_minutes, submit_minutes
from conferences.models import Reply, Session
from conferences.publication import services as publication
from conferences.sitting.services import BallotInput, record_arrival, record_vote
from tests.conferences.factories import ReplyFactory, SessionFactory
from tests.conferences.sitting_setup import body_with_members, held

FAKE_PDF = b"%PDF-1.4\n% fake minutes\n%%EOF\n"


def install_fake_pdf(monkeypatch) -> list:
    """Replace the PDF rendering (conferences.pdf) by a fixed document; returns the calls."""
    calls = []

    def render(*, session, kind):
        calls.append((session.pk, kind))
        return FAKE_PDF, 1

    monkeypatch.setattr(publication, "render_pdf", render)
    return calls


def recorded_session(epci, actor, *, size=5):
    """A council of `size` held with 3 deliberations: all members but 3 and 4 present from item 1
    (members 0-2 when size is 5), member 4
    represented by member 0, member 3 absent; item 1 by show of hands (3 for, 1 against), item 2
    by roll call, item 3 not voted."""
    body, members = body_with_members(epci, size)
    people = [m.person for m in members]
    session, items = held(body)
    ReplyFactory(
        session=session, person=people[4], answer=Reply.Answer.PROXY, proxy_holder=people[0]
    )
    ReplyFactory(session=session, person=people[3], answer=Reply.Answer.ABSENT)
    for person in people[:3] + people[5:]:
        record_arrival(actor=actor, session=session, person=person, from_item=items[0])
    record_vote(actor=actor, item=items[0], method="hands", votes_for=3, votes_against=1)
    record_vote(
        actor=actor,
        item=items[1],
        method="roll_call",
        ballots=[
            BallotInput(people[0], "for"),
            BallotInput(people[1], "against"),
            BallotInput(people[2], "abstain"),
            BallotInput(people[4], "for", cast_by=people[0]),
        ],
    )
    return session, items, people


def next_session_of(session, *, days=10, **kwargs):
    kwargs.setdefault("status", Session.Status.DRAFT)
    starts_at = (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)
    return SessionFactory(body=session.body, starts_at=starts_at, **kwargs)


def hold(session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.HELD)
    session.refresh_from_db()
    return session


def signed_minutes(epci, secretariat):
    """The minutes of a recorded session, adopted at the next session and signed by both."""
    session, items, people = recorded_session(epci, secretariat)
    minutes = start_minutes(actor=secretariat, session=session)
    nxt = next_session_of(session)
    submit_minutes(actor=secretariat, minutes=minutes)
    hold(nxt)
    version = adopt_minutes(actor=secretariat, minutes=minutes)
    sign_minutes(actor=secretariat, minutes=minutes, role="president")
    sign_minutes(actor=secretariat, minutes=minutes, role="secretary", person=people[1])
    minutes.refresh_from_db()
    return session, people, minutes, version
