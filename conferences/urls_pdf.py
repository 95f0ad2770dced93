"""PDF documents and public pages, included by the lead under "seances/"."""

from django.urls import path

from conferences import views_pdf

urlpatterns = [
    path("<int:pk>/pdf/<str:kind>/", views_pdf.session_pdf, name="session_pdf"),
    path("public/instances/<int:pk>/", views_pdf.public_body, name="public_body"),
    path(
        "public/publications/<int:pk>/<str:filename>",
        views_pdf.publication_download,
        name="publication_download",
    ),
    path("public/publications.atom", views_pdf.publications_feed, name="publications_feed"),
    path("public/publications.rss", views_pdf.publications_rss, name="publications_rss"),
]
