"""Included under "secretariat/imports/" (no namespace)."""

from django.urls import path

from governance import views_imports

urlpatterns = [
    path("", views_imports.import_list, name="import_list"),
    path("<int:pk>/", views_imports.import_detail, name="import_detail"),
]
