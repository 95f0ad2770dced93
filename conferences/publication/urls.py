from django.urls import path

from conferences.publication import views

urlpatterns = [
    path("publications/a-faire/", views.publication_dashboard, name="publication_dashboard"),
    path("public/instances/<int:pk>/", views.public_body, name="public_body"),
    path(
        "public/publications/<int:pk>/<str:filename>",
        views.publication_download,
        name="publication_download",
    ),
    path("public/publications.atom", views.publications_feed, name="publications_feed"),
    path("public/publications.rss", views.publications_rss, name="publications_rss"),
]
