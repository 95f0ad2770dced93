"""Mayors' requests (conférence des maires), included by the lead under "seances/"."""

from django.urls import path

from conferences import views_mayors

urlpatterns = [
    path("demandes-des-maires/", views_mayors.mayors_request_list, name="mayors_request_list"),
    path(
        "demandes-des-maires/<int:pk>/",
        views_mayors.mayors_request_detail,
        name="mayors_request_detail",
    ),
]
