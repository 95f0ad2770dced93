from django.urls import path

from conferences.sitting import views

urlpatterns = [
    path("<int:pk>/presences/", views.session_attendance, name="session_attendance"),
    path("points/<int:pk>/vote/", views.item_vote, name="item_vote"),
    path(
        "<int:pk>/seconde-convocation/",
        views.session_second_convocation,
        name="session_second_convocation",
    ),
]
