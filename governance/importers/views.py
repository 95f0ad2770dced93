"""Secretariat pages: upload an official file, then follow its import in the background."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from governance import perms
from governance.importers import selectors, services
from governance.importers.forms import ImportUploadForm
from governance.models import ImportRun

LIST_LIMIT = 50
ACTIVE = (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
ALWAYS_SHOWN = ("created", "updated", "unchanged", "ignored")


@require_http_methods(["GET", "POST"])
def import_list(request):
    if not perms.can_import(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            run = services.queue_import(
                epci=request.user.epci,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                vintage=form.cleaned_data["vintage"],
                actor=request.user,
            )
            messages.success(request, _("Import lancé"))
            return redirect("governance:import_detail", pk=run.pk)
    else:
        form = ImportUploadForm()
    runs = list(selectors.import_runs_for(request.user)[:LIST_LIMIT])
    for run in runs:
        run.detected_label = selectors.detected_label(run)
    return render(request, "governance/imports/list.html", {"form": form, "runs": runs})


@require_GET
def import_detail(request, pk: int):
    # Scope first (another EPCI's run: 404), then the right (same EPCI, not secretariat: 403).
    run = get_object_or_404(selectors.import_runs_for(request.user), pk=pk)
    if not perms.can_manage(request.user):
        raise PermissionDenied
    context = progress_context(run)
    template = (
        "governance/imports/_progress.html" if request.htmx else ("governance/imports/detail.html")
    )
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def progress_context(run: ImportRun) -> dict:
    summary = {} if run.status in ACTIVE else run.summary
    # A rejected file wrote nothing: only its error count is worth showing.
    always_shown = ALWAYS_SHOWN if run.status == ImportRun.Status.DONE else ()
    writing = (
        run.status == ImportRun.Status.RUNNING
        and run.rows_total
        and run.rows_done >= run.rows_total
    )
    if writing:
        phase = _("Enregistrement en base…")
    elif run.status == ImportRun.Status.RUNNING:
        phase = _("Lecture et vérification du fichier : %(done)s lignes sur %(total)s") % {
            "done": run.rows_done,
            "total": run.rows_total or "?",
        }
    else:
        phase = run.get_status_display()
    counts = [
        (_("Créées"), "created"),
        (_("Mises à jour"), "updated"),
        (_("Inchangées"), "unchanged"),
        (_("Ignorées (hors EPCI ou autre type de ligne)"), "ignored"),
        (_("Mandats terminés"), "ended"),
        (_("Personnes créées"), "people_created"),
        (_("Erreurs"), "rejected"),
    ]
    return {
        "run": run,
        "detected_label": selectors.detected_label(run),
        "polling": run.status in ACTIVE,
        "indeterminate": run.status == ImportRun.Status.QUEUED
        or (run.status == ImportRun.Status.RUNNING and not run.rows_total),
        "phase": phase,
        "summary_items": [
            (label, summary[key])
            for label, key in counts
            if key in summary and (key in always_shown or summary[key])
        ],
        "notes": summary.get("notes", []),
        "errors": [line.removeprefix("- ") for line in run.error.splitlines()],
    }
