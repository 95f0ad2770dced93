from django.urls import path

from governance.seats import views

# Under the council's own URL: the body's scope decides who reaches the page (perms.bodies_for).
urlpatterns = [
    path("instances/<int:pk>/sieges/", views.council_seats, name="council_seats"),
    path(
        "instances/<int:pk>/sieges/arretes/<int:order_pk>/",
        views.council_order_download,
        name="council_order_download",
    ),
]
