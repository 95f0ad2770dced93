"""Reads of the request pages and the staff dashboard, each in a fixed number of queries, whatever
the number of rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import display
from governance.models import User
from mutualisation import perms
from mutualisation.models import (
    RequestAttachment,
    RequestMessage,
    RequestTransition,
    ServiceRequest,
    TimeEntry,
)


def request_list(user, *, status: str = ""):
    requests = perms.requests_for(user).for_list()
    if status in ServiceRequest.Status.values:
        requests = requests.filter(status=status)
    return requests


def request_page(user, *, status: str = "", number=None, per_page: int = 50) -> Page:
    """One page of the request list (2 queries: the count, then the page). The page's requests
    are picked by id in a subquery that reads the requests alone; only those rows are joined to
    their commune, offer and agent, however deep the page."""
    ids = request_list(user, status=status).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(number)
    page.object_list = list(ServiceRequest.objects.filter(pk__in=page.object_list).for_list())
    return page


STATUS_LABELS = dict(ServiceRequest.Status.choices)


class RequestLine(TypedDict):
    """A row of the request table (_request_table.html), printed as is."""

    number: str
    url: str
    subject: str
    commune: str
    offer: str
    status: str
    overdue: bool
    agent: str
    due_on: str


def request_lines(requests: Iterable[ServiceRequest]) -> list[RequestLine]:
    """The request table's rows, from requests read by for_list() (no query): one reverse() and
    one date for the whole table, each value formatted once."""
    detail_url = display.url_maker("mutualisation:request_detail")
    today = timezone.localdate()
    return [
        RequestLine(
            number=str(r.pk),
            url=detail_url(r.pk),
            subject=r.subject,
            commune=r.commune.name,
            offer=r.offer.name,
            status=STATUS_LABELS.get(r.status, r.status),
            overdue=r.is_overdue_on(today),
            agent=(r.assigned_to.get_full_name() if r.assigned_to else "") or "—",
            due_on=display.day(r.due_on) or "—",
        )
        for r in requests
    ]


def request_detail(user, pk: int) -> ServiceRequest:
    """The request with its log, thread, attachments and time entries (6 queries)."""
    return get_object_or_404(
        perms.requests_for(user)
        .select_related("commune", "offer", "assigned_to", "requested_by")
        .annotate(minutes_spent=Sum("time_entries__minutes"))
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=RequestTransition.objects.select_related("actor").order_by("at", "pk"),
            ),
            Prefetch(
                "messages",
                queryset=RequestMessage.objects.select_related("author").order_by("at", "pk"),
            ),
            Prefetch("attachments", queryset=RequestAttachment.objects.order_by("pk")),
            Prefetch(
                "time_entries",
                queryset=TimeEntry.objects.select_related("agent").order_by("spent_on", "pk"),
            ),
        ),
        pk=pk,
    )


def epci_agents(user):
    return User.objects.filter(
        epci_id=user.epci_id, role__in=[User.Role.AGENT, User.Role.SECRETARIAT], is_active=True
    ).order_by("last_name", "first_name", "pk")


def staff_dashboard(user) -> dict:
    """Counts by status, overdue requests, the agent's own open requests, unassigned ones."""
    requests = perms.requests_for(user)
    counts = requests.aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in ServiceRequest.Status.values}
    )
    return {
        "counts": [(label, counts[value]) for value, label in ServiceRequest.Status.choices],
        "overdue": request_lines(requests.overdue().for_list().order_by("due_on", "pk")),
        "mine": request_lines(
            requests.open().filter(assigned_to=user).for_list().order_by("due_on", "pk")
        ),
        "unassigned": request_lines(
            requests.filter(status=ServiceRequest.Status.SUBMITTED)
            .for_list()
            .order_by("submitted_at", "pk")
        ),
    }
