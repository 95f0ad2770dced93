from django.shortcuts import redirect
from django.urls import reverse

from governance import perms

# Pages a secretariat account may reach before it has set up its authenticator app.
_ALLOWED_PREFIXES = ("/comptes/", "/static/", "/media/", "/public/")


class RequireSecretariatTOTPMiddleware:
    """Secretariat accounts manage everything: they must use TOTP two-factor authentication.

    Until one has activated TOTP, every page sends it to the activation page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and perms.requires_totp(user)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not perms.has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
