"""Receivers of other apps' signals."""

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from governance.middleware import TOTP_ACTIVATED_SESSION_KEY


@receiver(authenticator_added)
def remember_totp_activation(sender, request, user, authenticator, **kwargs):
    """The session that activates TOTP typed a valid code: it counts as a second-factor login
    (see governance.middleware)."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        request.session[TOTP_ACTIVATED_SESSION_KEY] = str(user.pk)
