"""The secretariat's audit log: every recorded event of the EPCI, filterable by action and date,
paginated, and exportable as CSV (the legal trail of convocations, opinions and minutes)."""

from __future__ import annotations

import json

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import exports
from governance import perms
from governance.models import AuditEvent

PAGE_SIZE = 50

# Labels of the legal events (the others are shown by their technical name).
ACTION_LABELS = {
    "session.convened": "Convocation envoyée",
    "session.update_sent": "Convocation modifiée envoyée",
    "session.cancellation_sent": "Annulation envoyée",
    "session.postponement_sent": "Report envoyé",
    "reply.filed": "Réponse à une convocation",
    "referral.sent": "Saisine envoyée aux communes",
    "referral.opinion_filed": "Avis d'une commune déposé",
    "referral.opinion_corrected": "Avis d'une commune corrigé",
    "referral.tacit_opinion": "Avis tacite constaté",
    "referral.closed": "Saisine close",
    "minutes.adopted": "Procès-verbal adopté",
    "minutes.published": "Procès-verbal publié",
}


def _date_filter(label: str, lookup: str) -> django_filters.DateFilter:
    """A day in Paris time (the legal day), entered with the browser's date picker."""
    return django_filters.DateFilter(
        label=label,
        field_name="at",
        lookup_expr=lookup,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label="Action", empty_label="Toutes les actions")
    start = _date_filter("Du", "date__gte")
    end = _date_filter("Au", "date__lte")

    class Meta:
        model = AuditEvent
        fields = ["action", "start", "end"]

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = [
            (action, ACTION_LABELS.get(action, action)) for action in actions
        ]


def _filtered(request) -> AuditEventFilter:
    if not perms.can_manage(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.legal_log_for(request.user)
    actions = list(events.order_by("action").values_list("action", flat=True).distinct())
    return AuditEventFilter(request.GET or None, queryset=events, actions=actions)


@require_safe
def audit_log(request):
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/audit/list.html",
        {
            "filter": filterset,
            "page": page,
            "events": [(event, ACTION_LABELS.get(event.action, "")) for event in page],
            "query": query.urlencode(),
        },
    )


def _newest_first(events, *, size: int = 2000):
    """The events newest first, read `size` at a time by keyset on (at, pk): memory stays
    bounded however long the log, without a server-side cursor (they are disabled on
    PostgreSQL, see config/env.py)."""
    events = events.order_by("-at", "-pk")
    batch = list(events[:size])
    while batch:
        yield from batch
        last = batch[-1]
        batch = list(events.filter(Q(at__lt=last.at) | Q(at=last.at, pk__lt=last.pk))[:size])


EXPORT_HEADER = ["date", "action", "libellé", "auteur", "objet", "identifiant", "détails"]


def _rows(events):
    for event in _newest_first(events):
        actor = event.actor
        yield [
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.action,
            ACTION_LABELS.get(event.action, ""),
            actor.email if actor else "système",
            event.object_type,
            event.object_id,
            json.dumps(event.data, ensure_ascii=False, sort_keys=True, default=str),
        ]


@require_safe
def audit_export(request):
    """The filtered log as CSV, streamed (the log has no bound); formulas neutralised by the
    shared writer."""
    filterset = _filtered(request)
    return exports.export_response(
        fmt=exports.CSV,
        basename="journal-audit",
        header=EXPORT_HEADER,
        rows=_rows(filterset.qs),
        title="Journal",
        stream=True,
    )
