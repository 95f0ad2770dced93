"""Browsing and feed pages, included by the lead under "seances/"."""

from django.urls import path

from conferences import views_browse

urlpatterns = [
    path("mes-seances/", views_browse.my_sessions, name="my_sessions"),
    path("calendrier/", views_browse.session_calendar, name="session_calendar"),
    path("public/calendrier/", views_browse.public_calendar, name="public_calendar"),
    path("flux/", views_browse.feed_settings, name="feed_settings"),
    path("flux/public/<int:body_pk>.ics", views_browse.feed_public, name="feed_public"),
    path("flux/<token:token>.ics", views_browse.feed_private, name="feed_private"),
]
