"""URLs of the catalogue, conventions and the secretariat's set-up.
Included by mutualisation.urls (namespace "mutualisation")."""

from django.urls import path

from mutualisation.catalogue import views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/pdf/", views.convention_pdf, name="convention_pdf"),
    path("parametrage/", views.setup, name="setup"),
    path("parametrage/offres/nouvelle/", views.offer_create, name="setup_offer_create"),
    path("parametrage/offres/<int:pk>/", views.offer_edit, name="setup_offer_edit"),
    path(
        "parametrage/materiel/nouveau/",
        views.equipment_create,
        name="setup_equipment_create",
    ),
    path(
        "parametrage/materiel/<int:pk>/",
        views.equipment_edit,
        name="setup_equipment_edit",
    ),
    path("parametrage/agents/nouveau/", views.staff_create, name="setup_staff_create"),
    path("parametrage/agents/<int:pk>/", views.staff_edit, name="setup_staff_edit"),
    path(
        "parametrage/formations/nouvelle/",
        views.training_create,
        name="setup_training_create",
    ),
    path(
        "parametrage/formations/<int:pk>/",
        views.training_edit,
        name="setup_training_edit",
    ),
]
