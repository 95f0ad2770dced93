"""Who may see and do what. Deny by default: views reach objects only through these scoped
querysets, so an object outside one's scope is a 404 and a forbidden action inside it a 403.

Writes: every state-changing service asks a ``can_<verb>(user, obj)`` predicate of its app's
perms module through ``ensure()``, which raises PermissionDenied (a 403), so a view that forgets
its check cannot open a hole. The system is not checked, since no request reaches its paths: it
acts with ``actor=None`` (Celery tasks, periodic sweeps, importers), or inside ``system_writes()``
(the demo loader, which writes as its invented people to fill the audit log like real use).

Superusers (one rule for every app, ARCHITECTURE.md "How data flows"): a superuser is the
platform's administrator and acts as the secretariat of every EPCI. Every scoped queryset gives
it every EPCI's objects, and every secretariat predicate allows it on any EPCI's object. It is no
commune's DGS and no elected member, so what only a commune or a member does (answering a
consultation, filing a request, booking, replying to a convocation, writing to the mailbox) is a
403 to it, as to the secretariat. A page that works on the account's own EPCI, with no object
in its URL (creating a session, a referral, an offer; the EPCI's statistics), uses the
superuser's EPCI; a superuser without an EPCI has none there: creating is a 403, as the imports
already were, and the lists it reaches through a scoped queryset show every EPCI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from governance.models import Body, Commune, Membership, Person, User


def is_secretariat(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == User.Role.SECRETARIAT)


def is_epci_staff(user) -> bool:
    return user.is_authenticated and user.role in (User.Role.SECRETARIAT, User.Role.AGENT)


def requires_totp(user) -> bool:
    """Secretariat accounts, staff and superusers must use two-factor authentication."""
    return user.is_superuser or user.is_staff or user.role == User.Role.SECRETARIAT


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _epci_filter(user, field: str = "epci_id") -> Q:
    if user.is_superuser:
        return Q()
    return Q(**{field: user.epci_id}) if user.epci_id else Q(pk__in=[])


def communes_for(user) -> QuerySet[Commune]:
    """Every signed-in user of an EPCI sees its directory of communes."""
    return Commune.objects.filter(_epci_filter(user))


def people_for(user) -> QuerySet[Person]:
    return Person.objects.filter(_epci_filter(user))


def bodies_for(user) -> QuerySet[Body]:
    """Secretariat and EPCI staff see every body of their EPCI; others the bodies they sit on
    and the public ones."""
    bodies = Body.objects.filter(_epci_filter(user))
    if is_epci_staff(user) or user.is_superuser:
        return bodies
    sits = Membership.objects.current().filter(body=OuterRef("pk"), person__user=user)
    return bodies.filter(Q(is_public=True) | Exists(sits))


def can_see_contact_details(user, person: Person) -> bool:
    """Email and phone are for the secretariat and the person themself."""
    return is_epci_staff(user) or (user.person_id is not None and user.person_id == person.pk)


def can_manage(user) -> bool:
    return is_secretariat(user)


def in_scope(user, epci_id: int | None) -> bool:
    """Whether an object of EPCI `epci_id` lies in the user's scope (a superuser: every EPCI)."""
    return user.is_authenticated and (
        user.is_superuser or (epci_id is not None and user.epci_id == epci_id)
    )


def can_manage_epci(user, epci_id: int | None) -> bool:
    """The secretariat of that EPCI, or a superuser (see the module docstring)."""
    return is_secretariat(user) and in_scope(user, epci_id)


def can_create_in_own_epci(user) -> bool:
    """Creating with no object in the URL writes into the account's EPCI: a secretariat (or a
    superuser) attached to one."""
    return is_secretariat(user) and bool(user.epci_id)


def can_invite_user(user) -> bool:
    return can_create_in_own_epci(user)


def can_import(user) -> bool:
    return can_create_in_own_epci(user)


_SYSTEM_WRITES: ContextVar[bool] = ContextVar("system_writes", default=False)


@contextmanager
def system_writes() -> Iterator[None]:
    """Inside this block the services do not check their actor (module docstring)."""
    token = _SYSTEM_WRITES.set(True)
    try:
        yield
    finally:
        _SYSTEM_WRITES.reset(token)


def ensure(predicate: Callable[..., bool], actor, *objects) -> None:
    """Raise PermissionDenied unless ``predicate(actor, *objects)``; the system (actor None, or
    inside ``system_writes()``) is not checked (module docstring)."""
    if actor is None or _SYSTEM_WRITES.get():
        return
    if not predicate(actor, *objects):
        raise PermissionDenied


def acting_commune_id(user) -> int | None:
    """The commune a DGS (or secretary of a town hall) acts for."""
    return user.commune_id if user.is_authenticated and user.role == User.Role.DGS else None


def can_install_epci(user) -> bool:
    """Installing an EPCI is the platform operator's: a superuser (its login used TOTP, which
    the middleware requires of superusers on every page)."""
    return user.is_authenticated and user.is_superuser
