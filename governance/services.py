"""Writes of the governance core. Keyword-only, atomic, each recording an audit event."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from core.notifications import Notification
from core.services import queue_emails
from governance.audit import record_event
from governance.models import EPCI, Commune, Person, User
from governance.perms import can_invite_user, ensure


@transaction.atomic
def invite_user(
    *,
    actor: User | None,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    commune: Commune | None = None,
    person: Person | None = None,
    epci: EPCI | None = None,
) -> User:
    """Create an account for someone of the actor's EPCI and mail them a link to choose their
    password. There is no open sign-up: this is the only way in (besides the admin).
    ``epci`` is given only by an operator installing an EPCI (a superuser, or the system:
    ``actor=None``), whose own EPCI is not the new one."""
    if epci is None:
        ensure(can_invite_user, actor)
        epci = actor.epci
    elif actor is not None and not actor.is_superuser:
        raise PermissionDenied
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Un compte existe déjà avec cette adresse."})
    if role == User.Role.DGS and commune is None:
        raise ValidationError({"commune": "Indiquez la commune pour laquelle ce DGS agit."})
    for obj in (commune, person):
        if obj is not None and obj.epci_id != (epci.pk if epci else None):
            raise ValidationError("Cette commune ou cette personne n'appartient pas à votre EPCI.")
    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        epci=epci,
        commune=commune if role == User.Role.DGS else None,
        person=person,
    )
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    record_event(
        action="account.invited", actor=actor, epci=epci, target=user, email=email, role=role
    )
    _queue_invitation(user=user, inviter=actor)
    return user


INVITATION = Notification(
    category="invitation",
    subject="Invitation au portail Interco — {{ epci.name }}",
    text="email/invitation.txt",
)


def _queue_invitation(*, user: User, inviter: User | None) -> None:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    context = {
        "user": user,
        "inviter": inviter,
        "epci": user.epci,
        "link": settings.SITE_URL + path.replace("UID-KEY", key),
        "role": user.get_role_display(),
    }
    queue_emails(
        emails=[
            INVITATION.email(
                dedup_key=f"invitation:user:{user.pk}",
                to_email=user.email,
                to_name=user.get_full_name(),
                context=context,
            )
        ]
    )
