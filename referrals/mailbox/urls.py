"""URLs of the mayors' mailbox, included by referrals.urls (namespace "referrals")."""

from django.urls import path

from referrals.mailbox import views

urlpatterns = [
    path("boite-aux-lettres/", views.thread_list, name="thread_list"),
    path("boite-aux-lettres/nouveau/", views.thread_create, name="thread_create"),
    path("boite-aux-lettres/<int:pk>/", views.thread_detail, name="thread_detail"),
    path("boite-aux-lettres/<int:pk>/attribuer/", views.thread_assign, name="thread_assign"),
    path("boite-aux-lettres/<int:pk>/clore/", views.thread_close, name="thread_close"),
    path(
        "boite-aux-lettres/pieces/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
