"""The URLs of every feature of the conferences app, under "seances/", in one namespace."""

from django.urls import include, path

app_name = "conferences"

urlpatterns = [
    path("", include(f"conferences.{feature}.urls"))
    for feature in (
        "sessions",
        "convocations",
        "replies",
        "sitting",
        "browse",
        "mayors",
        "minutes",
        "publication",
        "pdf",
    )
]
