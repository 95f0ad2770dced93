"""The test client of the portal's tests."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.test import Client


class PortalClient(Client):
    """``force_login`` leaves the session as the portal's own login leaves it: for an account
    with TOTP, with the record of the TOTP step that the middleware requires of such accounts.
    The login flow itself (password, then code) is tested without it in tests/security."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            session = self.session
            session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {"method": "password", "at": time.time(), "email": user.email},
                {"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"},
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            session.save()
