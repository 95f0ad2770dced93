"""Pages of the shared services' reporting: statistics and exports, the schéma's indicators and
yearly report. Thin views, as in every feature."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import exports
from mutualisation import perms
from mutualisation.models import MutualisationSchema, ProgressReport
from mutualisation.pages import require_staff
from mutualisation.reports import charts, forms, indicators, services, stats


def _stats_year(request, available: list[int]) -> int:
    """The year asked for, or the latest with requests when absent or out of range."""
    query = forms.YearQuery(request.GET)
    if query.is_valid() and query.cleaned_data["annee"]:
        return query.cleaned_data["annee"]
    return available[0] if available else timezone.localdate().year


@require_safe
def statistics(request):
    require_staff(request.user)
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
    require_staff(request.user)
    return exports.export_response(
        fmt=fmt,
        basename="services-mutualises",
        header=stats.EXPORT_HEADER,
        rows=stats.export_rows(request.user.epci_id),
        title="Demandes",
    )


def schema_overview(request):
    require_staff(request.user)
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
        consultations=MutualisationSchema.consultation_choices(user.epci_id),
    )
    if request.method == "POST":
        if not perms.can_manage_own_epci(request.user):
            raise PermissionDenied
        try:
            if schema_form.is_bound and schema_form.is_valid():
                services.link_schema_consultation(
                    actor=user, epci=user.epci, **schema_form.cleaned_data
                )
                messages.success(request, "Schéma enregistré.")
                return redirect("mutualisation:schema")
            if saving_form.is_bound and saving_form.is_valid():
                services.record_saving(actor=user, epci=user.epci, **saving_form.cleaned_data)
                messages.success(request, "Économie enregistrée ; le rapport sera mis à jour.")
                return redirect("mutualisation:schema")
            if provision_form.is_bound and provision_form.is_valid():
                services.record_staff_provision(
                    actor=user, epci=user.epci, **provision_form.cleaned_data
                )
                messages.success(request, "ETP enregistrés ; le rapport sera mis à jour.")
                return redirect("mutualisation:schema")
            if request.POST.get("form") == "report":
                year = int(request.POST.get("year", timezone.localdate().year))
                services.request_progress_report(actor=user, epci=user.epci, year=year)
                messages.success(request, f"Rapport {year} en préparation.")
                return redirect("mutualisation:schema")
        except (ValidationError, ValueError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    year = timezone.localdate().year
    return render(
        request,
        "mutualisation/schema.html",
        {
            "indicators": indicators.indicators(epci_id=user.epci_id, year=year),
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
    require_staff(request.user)
    report = get_object_or_404(
        ProgressReport.objects.filter(epci_id=request.user.epci_id, status="ready"), year=year
    )
    return FileResponse(
        report.file.open("rb"),
        content_type="application/pdf",
        filename=f"rapport-schema-mutualisation-{year}.pdf",
    )
