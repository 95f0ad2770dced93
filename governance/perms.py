"""Who may see and do what. Deny by default: views reach objects only through these scoped
querysets, so an object outside one's scope is a 404 and a forbidden action inside it a 403."""

from __future__ import annotations

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


def acting_commune_id(user) -> int | None:
    """The commune a DGS (or secretary of a town hall) acts for."""
    return user.commune_id if user.is_authenticated and user.role == User.Role.DGS else None


def can_install_epci(user) -> bool:
    """Installing an EPCI is the platform operator's: a superuser (its login used TOTP, which
    the middleware requires of superusers on every page)."""
    return user.is_authenticated and user.is_superuser
