from django.conf import settings

from governance import perms


def portal(request):
    user = getattr(request, "user", None)
    return {
        "DATA_ATTRIBUTION": settings.DATA_ATTRIBUTION,
        "is_secretariat": bool(user and perms.is_secretariat(user)),
    }
