"""URLs of the consultations, included by referrals.urls (namespace "referrals")."""

from django.urls import path

from referrals.consultation import views

urlpatterns = [
    path("", views.referral_list, name="referral_list"),
    path("nouvelle/", views.referral_create, name="referral_create"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/envoyer/", views.referral_send, name="referral_send"),
    path("<int:pk>/cloturer/", views.referral_close, name="referral_close"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path("<int:pk>/synthese.pdf", views.synthesis_download, name="synthesis_download"),
    path("<int:pk>/questionnaire/", views.questionnaire_edit, name="questionnaire_edit"),
    path(
        "<int:pk>/questionnaire/<int:question_pk>/retirer/",
        views.question_remove,
        name="question_remove",
    ),
    path("<int:pk>/reponses.<export_format:fmt>", views.answers_export, name="answers_export"),
    path("<int:pk>/communes/<insee:insee_code>/", views.opinion_detail, name="opinion_detail"),
    path(
        "<int:pk>/communes/<insee:insee_code>/reception/",
        views.receipt_record,
        name="receipt_record",
    ),
    path(
        "<int:pk>/communes/<insee:insee_code>/tardive/",
        views.late_deliberation_record,
        name="late_deliberation_record",
    ),
    path(
        "<int:pk>/communes/<insee:insee_code>/deliberation.pdf",
        views.deliberation_download,
        name="deliberation_download",
    ),
    path(
        "<int:pk>/communes/<insee:insee_code>/reponses/<int:question_pk>/fichier/",
        views.answer_file_download,
        name="answer_file_download",
    ),
]
