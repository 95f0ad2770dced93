from django.conf import settings


def portal(request):
    return {"DATA_ATTRIBUTION": settings.DATA_ATTRIBUTION}
