"""URLs of service requests and the staff dashboard.
Included by mutualisation.urls (namespace "mutualisation")."""

from django.urls import path

from mutualisation.requests import views

urlpatterns = [
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/nouvelle/<int:offer_pk>/", views.request_create, name="request_create"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "demandes/<int:pk>/pieces/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("demandes/<int:pk>/<slug:action>/", views.request_action, name="request_action"),
    path("tableau-de-bord/", views.staff_dashboard, name="dashboard"),
]
