"""Reads for the import pages."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.importers.formats import FORMATS
from governance.models import ImportRun

FORMAT_LABELS = {fmt.key: fmt.label for fmt in FORMATS}


def import_runs_for(user) -> QuerySet[ImportRun]:
    """The imports of the user's EPCI, newest first, with who launched them (one query for the
    list whatever its length). Another EPCI's run is simply not there: a 404; a superuser sees
    every EPCI's (governance/perms.py)."""
    if not user.is_authenticated or not (user.epci_id or user.is_superuser):
        return ImportRun.objects.none()
    runs = (
        ImportRun.objects.all()
        if user.is_superuser
        else ImportRun.objects.filter(epci_id=user.epci_id)
    )
    return runs.select_related("created_by").order_by("-created_at", "-pk")


def detected_label(run: ImportRun) -> str:
    return FORMAT_LABELS.get(run.detected_kind, "")
