"""Reads of the council's seats page: a constant number of queries whatever the communes."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404

from governance import perms
from governance.models import Body, Commune, Membership
from governance.rules import BodyKind
from governance.seats.models import CouncilOrder


def council(user, pk: int) -> Body:
    """The conseil communautaire within the user's scope; any other body is a 404."""
    return get_object_or_404(
        perms.bodies_for(user).select_related("epci"), pk=pk, kind=BodyKind.COUNCIL
    )


def communes(body: Body) -> list[Commune]:
    return list(Commune.objects.for_epci(body.epci_id).order_by("name", "pk"))


def members_by_commune(body: Body) -> dict[int | None, int]:
    """Current voting members (titulaires) of the council per commune represented; the
    suppléants of L5211-6 do not hold a seat."""
    rows = (
        Membership.objects.current()
        .filter(body=body, role__in=Membership.VOTING_ROLES)
        .values("commune_id")
        .annotate(count=Count("pk"))
        .order_by("commune_id")
    )
    return {row["commune_id"]: row["count"] for row in rows}


def orders(body: Body) -> list[CouncilOrder]:
    return list(CouncilOrder.objects.for_epci(body.epci_id).latest_first())


def order(user, body_pk: int, order_pk: int) -> CouncilOrder:
    body = council(user, body_pk)
    return get_object_or_404(CouncilOrder.objects.for_epci(body.epci_id), pk=order_pk)
