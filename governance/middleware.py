from allauth.account.authentication import get_authentication_records
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from governance import perms

# Pages a secretariat account may reach before it has set up its authenticator app.
_ALLOWED_PREFIXES = ("/comptes/", "/static/", "/media/", "/public/")
# Set in the session when the account activates TOTP: typing the first code of the new
# authenticator proves the second factor as much as a TOTP login does.
TOTP_ACTIVATED_SESSION_KEY = "interco_totp_activated_user"


def session_used_second_factor(request) -> bool:
    """Whether this session's login went through the second factor. Having TOTP set up is not
    enough: a login that skipped the TOTP step (any path other than allauth's login, such as
    Django's own admin login or ``auth.login`` after a bare password check) must not count."""
    user = request.user
    if request.session.get(TOTP_ACTIVATED_SESSION_KEY) == str(user.pk):
        return True
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


class RequireSecretariatTOTPMiddleware:
    """Secretariat accounts, staff and superusers manage everything: every page they open must
    come from a login that used TOTP two-factor authentication.

    Until one has activated TOTP, every page sends it to the activation page. Once it has, a
    session that did not use the code is signed out and sent back to the login, which asks for
    it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and perms.requires_totp(user):
            if not request.path.startswith(_ALLOWED_PREFIXES):
                if not perms.has_totp(user):
                    return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
                if not session_used_second_factor(request):
                    return self._sign_out(request)
            # Account pages too (a password-only session must not manage the authenticator),
            # except while the first authenticator is being set up.
            elif (
                not request.path.startswith("/static/")
                and not session_used_second_factor(request)
                and perms.has_totp(user)
            ):
                return self._sign_out(request)
        return self.get_response(request)

    @staticmethod
    def _sign_out(request):
        next_path = request.get_full_path()
        logout(request)
        messages.warning(
            request,
            "Votre compte est protégé par une double authentification : reconnectez-vous avec "
            "votre mot de passe puis le code de votre application d'authentification.",
        )
        return redirect(reverse("account_login") + "?" + urlencode({"next": next_path}))
