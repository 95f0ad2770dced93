"""Builders shared by the replies, sitting and page tests (not a test module)."""

import datetime

from django.utils import timezone

from conferences.models import AgendaItem, Session
from governance.models import Membership, User
from tests.conferences.factories import AgendaItemFactory, SessionFactory
from tests.factories import BodyFactory, MembershipFactory, UserFactory


def body_with_members(epci, n, **body_kwargs):
    """A body (a council by default) with n titular members, the first one chairing it."""
    body = BodyFactory(epci=epci, **body_kwargs)
    members = [
        MembershipFactory(
            body=body, role=Membership.Role.CHAIR if i == 0 else Membership.Role.MEMBER
        )
        for i in range(n)
    ]
    return body, members


def substitute_for(titular):
    return MembershipFactory(
        body=titular.body, role=Membership.Role.SUBSTITUTE, substitute_for=titular
    )


def convened(body, *, days=20, **kwargs):
    """A session convened for `days` days from now (negative: already started)."""
    starts_at = (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)
    kwargs.setdefault("status", Session.Status.CONVENED)
    return SessionFactory(body=body, starts_at=starts_at, convened_at=timezone.now(), **kwargs)


def with_items(session, n, kind=AgendaItem.Kind.DELIBERATION):
    return [
        AgendaItemFactory(session=session, position=i + 1, kind=kind, title=f"Point {i + 1}")
        for i in range(n)
    ]


def held(body, *, items=3, **kwargs):
    """A session that started an hour ago and is being held, with `items` deliberations."""
    session = convened(body, days=0, status=Session.Status.HELD, **kwargs)
    session.starts_at = timezone.now() - datetime.timedelta(hours=1)
    session.save(update_fields=["starts_at"])
    return session, with_items(session, items)


def account(person):
    """The person's account, created on first use."""
    existing = User.objects.filter(person=person).first()
    return existing or UserFactory(epci=person.epci, person=person, email=person.email)
