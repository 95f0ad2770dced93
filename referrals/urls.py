from django.urls import path

from referrals import views, views_mailbox

app_name = "referrals"

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
    path("boite-aux-lettres/", views_mailbox.thread_list, name="thread_list"),
    path("boite-aux-lettres/nouveau/", views_mailbox.thread_create, name="thread_create"),
    path("boite-aux-lettres/<int:pk>/", views_mailbox.thread_detail, name="thread_detail"),
    path(
        "boite-aux-lettres/<int:pk>/attribuer/", views_mailbox.thread_assign, name="thread_assign"
    ),
    path("boite-aux-lettres/<int:pk>/clore/", views_mailbox.thread_close, name="thread_close"),
    path(
        "boite-aux-lettres/pieces/<int:pk>/",
        views_mailbox.attachment_download,
        name="attachment_download",
    ),
]
