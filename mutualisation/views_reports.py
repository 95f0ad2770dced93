"""Pages of the shared services' reporting: statistics and exports, the schéma's indicators
and yearly report, needs surveys. Thin views, as in mutualisation.views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import exports
from mutualisation import charts, forms, perms, reports, selectors, stats
from mutualisation.models import MutualisationSchema, NeedsSurvey, ProgressReport
from mutualisation.services import schema
from mutualisation.services import surveys as survey_services
from mutualisation.views import _manager_only, _report_errors, _staff_only
from referrals.models import Referral
from referrals.rules import LegalBasis

# ---------------------------------------------------------------------------- statistics


def _stats_year(request, available: list[int]) -> int:
    """The year asked for, or the latest with requests when absent or out of range."""
    query = forms.YearQuery(request.GET)
    if query.is_valid() and query.cleaned_data["annee"]:
        return query.cleaned_data["annee"]
    return available[0] if available else timezone.localdate().year


@require_safe
def statistics(request):
    _staff_only(request.user)
    epci_id = request.user.epci_id
    available = stats.years(epci_id)
    year = _stats_year(request, available)
    usage = stats.offer_usage(epci_id, year)
    per_year = stats.requests_per_year(epci_id)
    return render(
        request,
        "mutualisation/statistics.html",
        {
            "year": year,
            "years": available,
            "usage": usage,
            "per_year": per_year,
            "per_commune": stats.requests_per_commune(epci_id, year),
            "per_domain": stats.requests_per_domain(epci_id, year),
            "offer_chart": charts.bar_chart(
                f"Demandes par offre en {year}", [(u.offer, u.requests_in_year) for u in usage]
            ),
            "year_chart": charts.bar_chart("Demandes par année", per_year),
        },
    )


@require_safe
def statistics_export(request, fmt):
    """Requests per year, offer and commune as CSV or xlsx (`fmt`: the URL pattern admits only
    the export formats; the file name is ours)."""
    _staff_only(request.user)
    return exports.export_response(
        fmt=fmt,
        basename="services-mutualises",
        header=stats.EXPORT_HEADER,
        rows=stats.export_rows(request.user.epci_id),
        title="Demandes",
    )


# ---------------------------------------------------------------------------- schéma


def schema_overview(request):
    _staff_only(request.user)
    user = request.user
    manage = perms.can_manage(user)
    saving_form = forms.SavingForm(
        request.POST if request.POST.get("form") == "saving" else None,
        initial={"year": timezone.localdate().year},
    )
    provision_form = forms.ProvisionForm(
        request.POST if request.POST.get("form") == "provision" else None,
        initial={"year": timezone.localdate().year},
    )
    schema_form = forms.SchemaForm(
        request.POST if request.POST.get("form") == "schema" else None,
        consultations=Referral.objects.filter(
            epci_id=user.epci_id, legal_basis=LegalBasis.MUTUALISATION
        ).order_by("-created_at", "pk"),
    )
    if request.method == "POST":
        if not perms.can_manage_own_epci(request.user):
            raise PermissionDenied
        try:
            if schema_form.is_bound and schema_form.is_valid():
                survey_services.link_schema_consultation(
                    actor=user, epci=user.epci, **schema_form.cleaned_data
                )
                messages.success(request, "Schéma enregistré.")
                return redirect("mutualisation:schema")
            if saving_form.is_bound and saving_form.is_valid():
                schema.record_saving(actor=user, epci=user.epci, **saving_form.cleaned_data)
                messages.success(request, "Économie enregistrée ; le rapport sera mis à jour.")
                return redirect("mutualisation:schema")
            if provision_form.is_bound and provision_form.is_valid():
                schema.record_staff_provision(
                    actor=user, epci=user.epci, **provision_form.cleaned_data
                )
                messages.success(request, "ETP enregistrés ; le rapport sera mis à jour.")
                return redirect("mutualisation:schema")
            if request.POST.get("form") == "report":
                year = int(request.POST.get("year", timezone.localdate().year))
                schema.request_progress_report(actor=user, epci=user.epci, year=year)
                messages.success(request, f"Rapport {year} en préparation.")
                return redirect("mutualisation:schema")
        except (ValidationError, ValueError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    year = timezone.localdate().year
    return render(
        request,
        "mutualisation/schema.html",
        {
            "indicators": reports.indicators(epci_id=user.epci_id, year=year),
            "reports": ProgressReport.objects.filter(epci_id=user.epci_id).order_by("-year", "pk"),
            "saving_form": saving_form,
            "schema_form": schema_form,
            "schemas": MutualisationSchema.objects.filter(epci_id=user.epci_id)
            .select_related("consultation")
            .order_by("-created_at", "pk"),
            "provision_form": provision_form,
            "can_manage": manage,
            "year": year,
        },
    )


@require_safe
def progress_report_pdf(request, year):
    _staff_only(request.user)
    report = get_object_or_404(
        ProgressReport.objects.filter(epci_id=request.user.epci_id, status="ready"), year=year
    )
    return FileResponse(
        report.file.open("rb"),
        content_type="application/pdf",
        filename=f"rapport-schema-mutualisation-{year}.pdf",
    )


# ---------------------------------------------------------------------------- needs surveys


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
            survey = survey_services.create_needs_survey(
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
    from mutualisation import surveys
    from referrals import questionnaires
    from referrals.forms import QuestionForm

    survey = _survey(request, pk)  # scope first: 404 outside the EPCI, then 403 inside
    _staff_only(request.user)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        _manager_only(request.user)
        if form.is_valid():
            try:
                questionnaires.add_question(
                    actor=request.user, questionnaire=survey.questionnaire, **form.cleaned_data
                )
            except ValidationError as exc:
                _report_errors(request, exc, form)
            else:
                messages.success(request, "Question ajoutée.")
                return redirect("mutualisation:survey_detail", pk=pk)
    return render(
        request,
        "mutualisation/survey_detail.html",
        {
            "survey": survey,
            "questions": questionnaires.questions_of(survey.questionnaire),
            "analysis": surveys.analyse(survey),
            "form": form,
            "can_manage": perms.can_manage(request.user),
        },
    )


def survey_answer(request, pk):

    from referrals import questionnaires

    survey = _survey(request, pk)
    commune = selectors.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    response = questionnaires.response_of(questionnaire=survey.questionnaire, commune=commune)
    form = questionnaires.build_response_form(
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
            survey_services.answer_needs_survey(
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
                _report_errors(request, exc, form)
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
    from referrals import questionnaires

    survey = _survey(request, pk)
    commune = selectors.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    return questionnaires.file_answer_download(
        questionnaire=survey.questionnaire, commune=commune, question_pk=question_pk
    )
