"""Included under "secretariat/journal/" (no namespace): the audit log and its CSV export."""

from django.urls import path

from governance import views_audit

urlpatterns = [
    path("", views_audit.audit_log, name="audit_log"),
    path("export.csv", views_audit.audit_export, name="audit_export"),
]
