from django.urls import path

from conferences.browse import views

urlpatterns = [
    path("mes-seances/", views.my_sessions, name="my_sessions"),
    path("calendrier/", views.session_calendar, name="session_calendar"),
    path("public/calendrier/", views.public_calendar, name="public_calendar"),
    path("flux/", views.feed_settings, name="feed_settings"),
    path("flux/public/<int:body_pk>.ics", views.feed_public, name="feed_public"),
    path("flux/<token:token>.ics", views.feed_private, name="feed_private"),
]
