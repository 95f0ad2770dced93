"""Reads for the home page's dashboards: what each persona finds on arriving, in a fixed number
of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import Count, Sum

from governance import perms
from governance.models import AuditEvent, Commune, ImportRun, Mandate, Membership


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
