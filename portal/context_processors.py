from django.conf import settings

from governance import perms
from portal.navigation import main_nav


def portal(request):
    user = getattr(request, "user", None)
    is_secretariat = bool(user and perms.is_secretariat(user))
    return {
        "DATA_ATTRIBUTION": settings.DATA_ATTRIBUTION,
        "is_secretariat": is_secretariat,
        "main_nav": (
            main_nav(request, secretariat=is_secretariat)
            if user is not None and user.is_authenticated
            else ""
        ),
    }
