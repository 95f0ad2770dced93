"""URLs of statistics and the schéma's indicators and report.
Included by mutualisation.urls (namespace "mutualisation")."""

from django.urls import path

from mutualisation.reports import views

urlpatterns = [
    path("statistiques/", views.statistics, name="statistics"),
    path(
        "statistiques/export.<export_format:fmt>",
        views.statistics_export,
        name="statistics_export",
    ),
    path("schema/", views.schema_overview, name="schema"),
    path(
        "schema/rapports/<int:year>.pdf",
        views.progress_report_pdf,
        name="progress_report_pdf",
    ),
]
