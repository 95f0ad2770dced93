"""Included under "secretariat/journal/" in the governance namespace: the audit log and its
CSV export."""

from django.urls import path

from governance.audit import views

urlpatterns = [
    path("", views.audit_log, name="audit_log"),
    path("export.csv", views.audit_export, name="audit_export"),
]
