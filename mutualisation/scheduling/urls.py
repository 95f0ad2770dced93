"""URLs of equipment bookings, missions and training seats.
Included by mutualisation.urls (namespace "mutualisation")."""

from django.urls import path

from mutualisation.scheduling import views

urlpatterns = [
    path("materiel/", views.booking_calendar, name="calendar"),
    path("materiel/reserver/", views.booking_create, name="booking_create"),
    path("reservations/", views.booking_list, name="booking_list"),
    path("reservations/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("reservations/<int:pk>/annuler/", views.booking_cancel, name="booking_cancel"),
    path("reservations/<int:pk>/retour/", views.booking_return, name="booking_return"),
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/nouvelle/", views.mission_create, name="mission_create"),
    path("missions/<int:pk>/annuler/", views.mission_cancel, name="mission_cancel"),
    path("formations/", views.training_list, name="training_list"),
    path("formations/<int:pk>/reserver/", views.training_reserve, name="training_reserve"),
    path("formations/places/<int:pk>/annuler/", views.seat_cancel, name="seat_cancel"),
]
