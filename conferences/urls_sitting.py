"""Replies, attendance, votes and second convocation, included by the lead under "seances/"."""

from django.urls import path

from conferences import views_sitting as views

urlpatterns = [
    path("<int:pk>/reponse/", views.session_reply, name="session_reply"),
    path("<int:pk>/presences/", views.session_attendance, name="session_attendance"),
    path("points/<int:pk>/vote/", views.item_vote, name="item_vote"),
    path(
        "<int:pk>/seconde-convocation/",
        views.session_second_convocation,
        name="session_second_convocation",
    ),
]
