"""URLs of needs surveys.
Included by mutualisation.urls (namespace "mutualisation")."""

from django.urls import path

from mutualisation.surveys import views

urlpatterns = [
    path("enquetes/", views.survey_list, name="survey_list"),
    path("enquetes/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("enquetes/<int:pk>/repondre/", views.survey_answer, name="survey_answer"),
    path(
        "enquetes/<int:pk>/repondre/fichiers/<int:question_pk>/",
        views.survey_answer_file,
        name="survey_answer_file",
    ),
]
