"""The secretariat's audit log: every recorded event of the EPCI, filterable by action and date,
paginated, and exportable as CSV (the legal trail of convocations, opinions and minutes)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core import exports
from governance import perms
from governance.audit import selectors
from governance.audit.filters import AuditEventFilter
from governance.audit.presenters import ACTION_LABELS, EXPORT_HEADER, export_rows

PAGE_SIZE = 50


def _filtered(request) -> AuditEventFilter:
    if not perms.can_manage(request.user):
        raise PermissionDenied
    events, actions = selectors.legal_log_for(request.user)
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


@require_safe
def audit_export(request):
    """The filtered log as CSV, streamed (the log has no bound); formulas neutralised by the
    shared writer."""
    filterset = _filtered(request)
    return exports.export_response(
        fmt=exports.CSV,
        basename="journal-audit",
        header=EXPORT_HEADER,
        rows=export_rows(filterset.qs),
        title="Journal",
        stream=True,
    )
