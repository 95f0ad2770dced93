from django.urls import path

from mutualisation import views, views_catalogue, views_reports

app_name = "mutualisation"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/pdf/", views.convention_pdf, name="convention_pdf"),
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/nouvelle/<int:offer_pk>/", views.request_create, name="request_create"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "demandes/<int:pk>/pieces/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("demandes/<int:pk>/<slug:action>/", views.request_action, name="request_action"),
    path("tableau-de-bord/", views.staff_dashboard, name="dashboard"),
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
    path("parametrage/", views_catalogue.setup, name="setup"),
    path("parametrage/offres/nouvelle/", views_catalogue.offer_create, name="setup_offer_create"),
    path("parametrage/offres/<int:pk>/", views_catalogue.offer_edit, name="setup_offer_edit"),
    path(
        "parametrage/materiel/nouveau/",
        views_catalogue.equipment_create,
        name="setup_equipment_create",
    ),
    path(
        "parametrage/materiel/<int:pk>/",
        views_catalogue.equipment_edit,
        name="setup_equipment_edit",
    ),
    path("parametrage/agents/nouveau/", views_catalogue.staff_create, name="setup_staff_create"),
    path("parametrage/agents/<int:pk>/", views_catalogue.staff_edit, name="setup_staff_edit"),
    path(
        "parametrage/formations/nouvelle/",
        views_catalogue.training_create,
        name="setup_training_create",
    ),
    path(
        "parametrage/formations/<int:pk>/",
        views_catalogue.training_edit,
        name="setup_training_edit",
    ),
    path("statistiques/", views_reports.statistics, name="statistics"),
    path(
        "statistiques/export.<export_format:fmt>",
        views_reports.statistics_export,
        name="statistics_export",
    ),
    path("enquetes/", views_reports.survey_list, name="survey_list"),
    path("enquetes/<int:pk>/", views_reports.survey_detail, name="survey_detail"),
    path("enquetes/<int:pk>/repondre/", views_reports.survey_answer, name="survey_answer"),
    path(
        "enquetes/<int:pk>/repondre/fichiers/<int:question_pk>/",
        views_reports.survey_answer_file,
        name="survey_answer_file",
    ),
    path("schema/", views_reports.schema_overview, name="schema"),
    path(
        "schema/rapports/<int:year>.pdf",
        views_reports.progress_report_pdf,
        name="progress_report_pdf",
    ),
]
