"""Pages of the needs surveys: list, questions, a commune's answers and their files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

import questionnaires.forms
import questionnaires.selectors
import questionnaires.services
import questionnaires.views
from mutualisation import perms
from mutualisation.models import NeedsSurvey
from mutualisation.pages import report_errors, require_manager, require_staff
from mutualisation.surveys import forms, selectors, services


def _survey(request, pk):

    return get_object_or_404(
        perms.in_epci_scope(NeedsSurvey.objects.all(), request.user).select_related(
            "questionnaire"
        ),
        pk=pk,
    )


def survey_list(request):

    if not perms.sees_epci_pages(request.user):
        raise PermissionDenied
    manage = perms.can_manage(request.user)
    form = forms.SurveyForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not perms.can_manage_own_epci(request.user):
            raise PermissionDenied
        if form.is_valid():
            survey = services.create_needs_survey(
                actor=request.user, epci=request.user.epci, **form.cleaned_data
            )
            messages.success(request, "Enquête créée : ajoutez-lui ses questions.")
            return redirect("mutualisation:survey_detail", pk=survey.pk)
    surveys = NeedsSurvey.objects.filter(epci_id=request.user.epci_id).select_related(
        "questionnaire"
    )
    return render(
        request,
        "mutualisation/survey_list.html",
        {
            "surveys": surveys.order_by("-year", "-created_at", "pk"),
            "form": form,
            "can_manage": manage,
            "is_staff": perms.is_staff(request.user),
        },
    )


def survey_detail(request, pk):
    survey = _survey(request, pk)  # scope first: 404 outside the EPCI, then 403 inside
    require_staff(request.user)
    form = questionnaires.forms.QuestionForm(request.POST or None)
    if request.method == "POST":
        require_manager(request.user)
        if form.is_valid():
            try:
                questionnaires.services.add_question(
                    actor=request.user, questionnaire=survey.questionnaire, **form.cleaned_data
                )
            except ValidationError as exc:
                report_errors(request, exc, form)
            else:
                messages.success(request, "Question ajoutée.")
                return redirect("mutualisation:survey_detail", pk=pk)
    return render(
        request,
        "mutualisation/survey_detail.html",
        {
            "survey": survey,
            "questions": questionnaires.selectors.questions_of(survey.questionnaire),
            "analysis": selectors.analyse(survey),
            "form": form,
            "can_manage": perms.can_manage(request.user),
        },
    )


def survey_answer(request, pk):

    survey = _survey(request, pk)
    commune = perms.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    response = questionnaires.selectors.response_of(
        questionnaire=survey.questionnaire, commune=commune
    )
    form = questionnaires.forms.build_response_form(
        questionnaire=survey.questionnaire,
        response=response,
        data=request.POST or None,
        files=request.FILES or None,
        file_url=lambda question: reverse(
            "mutualisation:survey_answer_file", args=[survey.pk, question.pk]
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_needs_survey(
                actor=request.user,
                survey=survey,
                commune=commune,
                values=form.cleaned_data,
                submit="submit" in request.POST,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                report_errors(request, exc, form)
        else:
            messages.success(
                request,
                "Réponse transmise." if "submit" in request.POST else "Brouillon enregistré.",
            )
            return redirect("mutualisation:survey_list")
    return render(
        request,
        "mutualisation/survey_answer.html",
        {"survey": survey, "form": form, "response": response, "commune": commune},
    )


@require_safe
def survey_answer_file(request, pk, question_pk):
    """A file the user's commune gave in answer to the survey (same scope as answering)."""

    survey = _survey(request, pk)
    commune = perms.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    return questionnaires.views.file_answer_download(
        questionnaire=survey.questionnaire, commune=commune, question_pk=question_pk
    )
