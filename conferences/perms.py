"""Access to sessions. A session is visible to whoever sees its body (governance.perms), and
drafts only to the EPCI staff. Outside that scope: 404. Inside without the right: 403."""

from __future__ import annotations

from django.db.models import QuerySet

from conferences.models import Session
from governance import perms as gov_perms
from governance.models import Membership


def sessions_for(user) -> QuerySet[Session]:
    sessions = Session.objects.filter(body__in=gov_perms.bodies_for(user))
    if gov_perms.is_epci_staff(user) or user.is_superuser:
        return sessions
    return sessions.visible()


def public_sessions() -> QuerySet[Session]:
    """Sessions anyone may see without logging in: those of public bodies (the council)."""
    return Session.objects.visible().filter(body__is_public=True, body__active=True)


def can_manage_sessions(user) -> bool:
    return gov_perms.is_secretariat(user)


# Writes, asked by the services through governance.perms.ensure (actor None: the system).


def can_create_session(user, body) -> bool:
    return gov_perms.can_manage_epci(user, body.epci_id)


def can_manage_session(user, session: Session) -> bool:
    """Edit, convene, cancel, postpone, sit, vote, write the minutes, publish: the secretariat of
    the session's EPCI (a superuser: any, governance/perms.py)."""
    return gov_perms.can_manage_epci(user, session.body.epci_id)


def sits_on(user, session: Session) -> bool:
    """Whether the user is a current member (titular or substitute) of the session's body."""
    if not user.is_authenticated or not user.person_id:
        return False
    on = session.starts_at.date()
    return (
        Membership.objects.current(on)
        .filter(body_id=session.body_id, person_id=user.person_id)
        .exists()
    )
