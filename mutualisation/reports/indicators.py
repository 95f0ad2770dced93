"""The schéma de mutualisation's yearly progress report (docs/DOMAIN.md §8), for the budget debate:
full-time equivalents placed at disposal per direction, the services communs, the requests the
service desk handled, the savings the secretariat recorded."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string

from governance.models import EPCI
from mutualisation.models import (
    CommonService,
    SavingRecord,
    ServiceRequest,
    StaffProvision,
)
from mutualisation.reports.stats import offer_usage

HANDLED = (ServiceRequest.Status.ANSWERED, ServiceRequest.Status.CLOSED)


def indicators(*, epci_id: int, year: int) -> dict:
    """Everything the report shows, as plain data (also what its fingerprint is computed on)."""
    provisions = list(
        StaffProvision.objects.filter(epci_id=epci_id, year=year)
        .order_by("direction", "pk")
        .values_list("direction", "fte")
    )
    end_of_year = date(year, 12, 31)
    services = list(
        CommonService.objects.filter(started_on__lte=end_of_year, epci_id=epci_id)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(year, 1, 1)))
        .annotate(commune_count=Count("communes"))
        .order_by("name", "pk")
        .values_list("name", "direction", "commune_count")
    )
    requests = ServiceRequest.objects.filter(epci_id=epci_id, submitted_at__year=year)
    request_totals = requests.aggregate(
        received=Count("pk"), handled=Count("pk", filter=Q(status__in=HANDLED))
    )
    savings = list(
        SavingRecord.objects.filter(epci_id=epci_id, year=year)
        .order_by("label", "pk")
        .values_list("label", "amount")
    )
    return {
        "year": year,
        "provisions": [(d, str(fte)) for d, fte in provisions],
        "fte_total": str(sum((fte for _, fte in provisions), Decimal(0))),
        "common_services": [list(s) for s in services],
        "requests_received": request_totals["received"],
        "requests_handled": request_totals["handled"],
        "usage": [
            [u.offer, u.communes_ever, u.communes_in_year, u.requests_in_year, u.minutes_in_year]
            for u in offer_usage(epci_id, year)
        ],
        "savings": [(label, str(amount)) for label, amount in savings],
        "savings_total": str(
            SavingRecord.objects.filter(epci_id=epci_id, year=year).aggregate(t=Sum("amount"))["t"]
            or Decimal("0.00")
        ),
    }


def fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def render_pdf(*, epci: EPCI, data: dict) -> bytes:
    from core.pdf import html_document

    html = render_to_string("pdf/mutualisation/progress_report.html", {"epci": epci, **data})
    return html_document(html).write_pdf()
