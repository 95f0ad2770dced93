"""Statistics of the service desk (docs/DOMAIN.md §8: "38 communes have used legal support since
2019, 22 of them in 2022"). Each function is one grouped query over one EPCI's requests."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import ExtractYear

from mutualisation.models import ServiceOffer, ServiceRequest, TimeEntry


@dataclass(frozen=True)
class OfferUsage:
    offer: str
    communes_ever: int
    communes_in_year: int
    requests_in_year: int
    minutes_in_year: int
    rating_average: float | None
    ratings: int


def _requests(epci_id: int):
    return ServiceRequest.objects.filter(epci_id=epci_id).annotate(year=ExtractYear("submitted_at"))


def years(epci_id: int) -> list[int]:
    return sorted(set(_requests(epci_id).values_list("year", flat=True)), reverse=True)


def offer_usage(epci_id: int, year: int) -> list[OfferUsage]:
    """Per offer: communes that ever used it, those that used it in the year, the year's requests,
    time spent and satisfaction (2 queries)."""
    in_year = Q(requests__submitted_at__year=year)
    offers = list(
        ServiceOffer.objects.filter(epci_id=epci_id, kind__in=ServiceOffer.REQUEST_KINDS)
        .annotate(
            communes_ever=Count("requests__commune", distinct=True),
            communes_in_year=Count("requests__commune", filter=in_year, distinct=True),
            requests_in_year=Count("requests", filter=in_year, distinct=True),
            rating_average=Avg("requests__rating", filter=in_year),
            ratings=Count("requests__rating", filter=in_year),
        )
        .order_by("position", "name", "pk")
    )
    minutes = dict(
        TimeEntry.objects.filter(request__epci_id=epci_id, request__submitted_at__year=year)
        .values_list("request__offer_id")
        .annotate(total=Sum("minutes"))
        .values_list("request__offer_id", "total")
    )
    return [
        OfferUsage(
            offer=o.name,
            communes_ever=o.communes_ever,
            communes_in_year=o.communes_in_year,
            requests_in_year=o.requests_in_year,
            minutes_in_year=minutes.get(o.pk) or 0,
            rating_average=round(o.rating_average, 2) if o.rating_average is not None else None,
            ratings=o.ratings,
        )
        for o in offers
    ]


def requests_per_year(epci_id: int) -> list[tuple[int, int]]:
    return list(
        _requests(epci_id)
        .values_list("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
        .order_by("year")
    )


def requests_per_commune(epci_id: int, year: int) -> list[tuple[str, int]]:
    return list(
        ServiceRequest.objects.filter(epci_id=epci_id, submitted_at__year=year)
        .values_list("commune__name")
        .annotate(n=Count("pk"))
        .values_list("commune__name", "n")
        .order_by("-n", "commune__name")
    )


def requests_per_domain(epci_id: int, year: int) -> list[tuple[str, int]]:
    from mutualisation.models import Domain

    labels = dict(Domain.choices)
    rows = (
        ServiceRequest.objects.filter(epci_id=epci_id, submitted_at__year=year)
        .values_list("domain")
        .annotate(n=Count("pk"))
        .values_list("domain", "n")
        .order_by("-n", "domain")
    )
    return [(labels.get(domain, domain), n) for domain, n in rows]


EXPORT_HEADER = [
    "Année",
    "Offre",
    "Commune",
    "Code INSEE",
    "Demandes",
    "Demandes closes",
    "Temps passé (minutes)",
    "Satisfaction moyenne",
]


def export_rows(epci_id: int) -> list[list]:
    """Requests per year, offer and commune, for CSV and xlsx (2 queries)."""
    grouped = (
        _requests(epci_id)
        .values_list("year", "offer__name", "commune__name", "commune__insee_code")
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(status=ServiceRequest.Status.CLOSED)),
            rating=Avg("rating"),
        )
        .order_by("year", "offer__name", "commune__name")
    )
    minutes = {
        (y, offer, insee): total
        for y, offer, insee, total in TimeEntry.objects.filter(request__epci_id=epci_id)
        .annotate(year=ExtractYear("request__submitted_at"))
        .values_list("year", "request__offer__name", "request__commune__insee_code")
        .annotate(total=Sum("minutes"))
        .values_list("year", "request__offer__name", "request__commune__insee_code", "total")
    }
    return [
        [
            year,
            offer,
            commune,
            insee,
            n,
            closed,
            minutes.get((year, offer, insee), 0),
            round(rating, 2) if rating is not None else "",
        ]
        for year, offer, commune, insee, n, closed, rating in grouped
    ]
