"""Reads of the catalogue pages, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from governance.models import Commune
from mutualisation import perms
from mutualisation.models import (
    Convention,
    Eligibility,
    ServiceOffer,
)


@dataclass
class CatalogueEntry:
    offer: ServiceOffer
    eligibility: Eligibility | None = None
    covered: bool = False

    @property
    def orderable(self) -> bool:
        return bool(
            self.eligibility
            and self.eligibility.eligible
            and (self.covered or not self.offer.requires_convention)
        )


def catalogue(user, commune: Commune | None) -> list[CatalogueEntry]:
    """Offers with, for a commune, eligibility and convention cover (2 queries)."""
    offers = list(perms.offers_for(user).for_catalogue())
    covered: set[int] = set()
    if commune is not None:
        covered = set(
            Convention.objects.in_force()
            .filter(commune=commune)
            .values_list("options__pk", flat=True)
        )
    return [
        CatalogueEntry(
            offer=offer,
            eligibility=offer.eligibility_for(commune) if commune else None,
            covered=offer.pk in covered,
        )
        for offer in offers
    ]


def convention_list(user):
    return (
        perms.conventions_for(user)
        .select_related("commune")
        .prefetch_related(Prefetch("options", queryset=ServiceOffer.objects.order_by("position")))
        .order_by("commune__name", "-valid_from", "pk")
    )


def convention_detail(user, pk: int) -> Convention:
    return get_object_or_404(
        perms.conventions_for(user)
        .select_related("commune")
        .prefetch_related(Prefetch("options", queryset=ServiceOffer.objects.order_by("position"))),
        pk=pk,
    )
