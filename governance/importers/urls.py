"""Included under "secretariat/imports/" in the governance namespace."""

from django.urls import path

from governance.importers import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
]
