"""Reads for the governance pages. Each function fetches what one page needs in a fixed number
of queries, whatever the number of rows."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from governance import perms
from governance.filters import CommuneFilter
from governance.models import Body, Commune, Mandate, Membership, Person


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
