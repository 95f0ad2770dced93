"""The portal's URLs plus a minimal page, the "floor" every page is compared with: the same
middleware stack (session, authentication, TOTP check, CSP...), one trivial query, a tiny
template. Used only through benchmarks.settings_bench (ROOT_URLCONF)."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import urlpatterns as portal_urlpatterns
from governance.models import EPCI


@require_GET
def floor(request):
    epci = EPCI.objects.order_by("pk").only("name").first()
    return render(request, "benchmarks/floor.html", {"epci": epci})


urlpatterns = [path("__bench__/plancher/", floor, name="bench_floor"), *portal_urlpatterns]
