"""Browsing pages (my sessions, calendars) and iCalendar feeds. Thin views: reads through
conferences.browse.selectors, writes through one service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from conferences.browse import ics, selectors
from conferences.browse import services as feeds

# require_safe (GET and HEAD): calendar clients and link checkers probe the feeds with HEAD.


@require_safe
def my_sessions(request):
    return render(
        request, "conferences/browse/my_sessions.html", selectors.my_sessions(request.user)
    )


@require_safe
def session_calendar(request):
    page = selectors.session_calendar(request.user, request.GET)
    return render(
        request,
        "conferences/browse/calendar.html",
        {"cal": page, "url_name": "conferences:session_calendar", "public": False},
    )


@login_not_required
@require_safe
def public_calendar(request):
    page = selectors.public_calendar(request.GET)
    return render(
        request,
        "conferences/browse/calendar.html",
        {"cal": page, "url_name": "conferences:public_calendar", "public": True},
    )


def _ics_response(data: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Calendar clients poll; a short cache spares the database without delaying changes much.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@require_safe
@never_cache  # personal: no shared cache keeps a member's private calendar
def feed_private(request, token):
    """The token in the URL is the credential (calendar clients cannot log in)."""
    feed, sessions = selectors.private_feed(token)
    data = ics.calendar_bytes(sessions, name="Interco — mes séances")
    return _ics_response(data, filename="mes-seances.ics")


@login_not_required
@require_safe
def feed_public(request, body_pk):
    body, sessions = selectors.public_feed(body_pk)
    data = ics.calendar_bytes(sessions, name=f"Séances publiques — {body.name}")
    return _ics_response(data, filename=f"seances-{body.pk}.ics")


@require_http_methods(["GET", "POST"])
def feed_settings(request):
    if request.method == "POST":
        feeds.revoke_calendar_feed(user=request.user)
        messages.success(
            request,
            "Une nouvelle adresse a été créée. L'ancienne ne fonctionne plus : "
            "mettez à jour vos agendas abonnés.",
        )
        return redirect("conferences:feed_settings")
    feed = feeds.ensure_calendar_feed(user=request.user)
    feed_url = settings.SITE_URL + reverse("conferences:feed_private", args=[feed.token])
    public_bodies = [
        (body, settings.SITE_URL + reverse("conferences:feed_public", args=[body.pk]))
        for body in selectors.public_feed_bodies(request.user)
    ]
    return render(
        request,
        "conferences/browse/feed_settings.html",
        {
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
            "public_feeds": public_bodies,
        },
    )
