"""The URLs the portal takes from its frameworks: Django's admin and allauth's account and
second-factor pages, filled with objects of the security world, for the permission matrix."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import get_resolver, reverse

from core.models import OutboundMessage
from core.services import Email, queue_emails

PREFIXES = ("admin/", "comptes/")


def framework_patterns(walk) -> list[tuple[str, str, tuple[str, ...]]]:
    """(route, key, group names): the key is the URL name, or the route for the admin's few
    unnamed patterns (its object redirect and its catch-all)."""
    return [
        (route, name or route, groups)
        for route, name, groups in walk(get_resolver().url_patterns)
        if route.startswith(PREFIXES)
    ]


def framework_objects(world) -> dict:
    """One object of each model the admin shows."""
    queue_emails(
        emails=[
            Email(
                dedup_key="matrice:1",
                category="test",
                to_email="destinataire@exemple.test",
                subject="Essai",
                body_text="Texte",
            )
        ]
    )
    member = world.users["member"]
    return {
        "auth_group": Group.objects.create(name="Groupe d'essai").pk,
        "account_emailaddress": EmailAddress.objects.get(user=member).pk,
        "mfa_authenticator": Authenticator.objects.get(user=world.users["secretariat"]).pk,
        "core_outboundmessage": OutboundMessage.objects.get(dedup_key="matrice:1").pk,
        "user_type": ContentType.objects.get_for_model(type(member)).pk,
        "user": member.pk,
    }


def framework_url(route: str, key: str, groups: tuple[str, ...], objects: dict) -> str:
    if key == "admin/(?P<url>.*)$":
        return "/admin/nimportequoi/"
    if key.startswith("admin/") and key.endswith("<path:object_id>/"):
        model = key.split("/")[1] + "_" + key.split("/")[2]
        change = reverse(f"admin:{model}_change", args=[objects[model]])
        return change.removesuffix("change/")
    kwargs = {}
    if key == "admin:view_on_site":
        kwargs = {"content_type_id": objects["user_type"], "object_id": objects["user"]}
    elif key == "admin:app_list":
        kwargs = {"app_label": "core"}
    elif key == "account_confirm_email":
        kwargs = {"key": "cle-inconnue"}
    elif key == "account_reset_password_from_key":
        kwargs = {"uidb36": "1", "key": "cle-inconnue"}
    elif "object_id" in groups:
        model = key.removeprefix("admin:").rsplit("_", 1)[0]
        kwargs = {"object_id": objects[model]}
    return reverse(key, kwargs=kwargs)
