"""Reads for the governance pages. Each function fetches what one page needs in a fixed number
of queries, whatever the number of rows."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from governance import perms
from governance.filters import CommuneFilter
from governance.models import AuditEvent, Body, Commune, ImportRun, Mandate, Membership, Person


def commune_directory(user, params) -> CommuneFilter:
    """The filtered directory: communes with sector and current mayor (2 queries + sectors)."""
    return CommuneFilter(
        params, queryset=perms.communes_for(user).for_directory(), epci_id=user.epci_id
    )


def commune_detail(user, insee_code: str) -> Commune:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        perms.communes_for(user)
        .select_related("sector", "epci")
        .prefetch_related(
            Prefetch(
                "mandates",
                queryset=Mandate.objects.current()
                .select_related("person")
                .order_by("kind", "rank", "person__last_name", "pk"),
                to_attr="current_mandates",
            ),
            Prefetch(
                "memberships",
                queryset=Membership.objects.current()
                .filter(body__in=perms.bodies_for(user))
                .select_related("body", "person")
                .order_by("body__name", "pk"),
                to_attr="current_memberships",
            ),
        ),
        insee_code=insee_code,
    )


def body_list(user):
    today = timezone.localdate()
    current = Q(memberships__start_date__lte=today) & (
        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today)
    )
    return (
        perms.bodies_for(user)
        .select_related("sector")
        .annotate(member_count=Count("memberships", filter=current))
        .order_by("kind", "name", "pk")
    )


def body_detail(user, pk: int) -> Body:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        perms.bodies_for(user)
        .select_related("sector", "epci")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current()
                .select_related("person", "commune", "substitute_for__person")
                .order_by("role", "person__last_name", "person__first_name", "pk"),
                to_attr="current_memberships",
            ),
        ),
        pk=pk,
    )


def person_detail(user, pk: int) -> Person:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        perms.people_for(user).prefetch_related(
            Prefetch(
                "mandates",
                queryset=Mandate.objects.select_related("commune", "epci").order_by(
                    "-end_date", "kind", "rank", "pk"
                ),
                to_attr="all_mandates",
            ),
            Prefetch(
                "memberships",
                queryset=Membership.objects.current()
                .filter(body__in=perms.bodies_for(user))
                .select_related("body", "commune")
                .order_by("body__name", "pk"),
                to_attr="visible_memberships",
            ),
        ),
        pk=pk,
    )


def secretariat_dashboard(user) -> dict:
    communes = perms.communes_for(user)
    totals = communes.aggregate(count=Count("pk"), population=Sum("population"))
    return {
        "commune_count": totals["count"],
        "population": totals["population"] or 0,
        "body_count": perms.bodies_for(user).count(),
        "person_count": perms.people_for(user).count(),
        "recent_imports": list(
            ImportRun.objects.filter(epci_id=user.epci_id).order_by("-created_at", "-pk")[:5]
        ),
        "recent_events": list(
            AuditEvent.objects.filter(epci_id=user.epci_id)
            .select_related("actor")
            .order_by("-at", "-pk")[:10]
        ),
    }


def my_memberships(user) -> list[Membership]:
    if not user.person_id:
        return []
    return list(
        Membership.objects.current()
        .filter(person_id=user.person_id)
        .select_related("body", "commune")
        .order_by("body__kind", "body__name", "pk")
    )


def my_mandates(user) -> list[Mandate]:
    if not user.person_id:
        return []
    return list(
        Mandate.objects.current()
        .filter(person_id=user.person_id)
        .select_related("commune", "epci")
        .order_by("kind", "rank", "pk")
    )


def dgs_commune(user) -> Commune | None:
    commune_id = perms.acting_commune_id(user)
    if commune_id is None:
        return None
    return perms.communes_for(user).select_related("sector").filter(pk=commune_id).first()
