"""Reads for the public pages (no login): public bodies, their publications (R2131-1) and the
feed. Each in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from conferences.models import Publication
from governance.models import Body

HOME_PUBLICATIONS = 10
FEED_PUBLICATIONS = 50


def public_bodies() -> QuerySet[Body]:
    """Bodies whose sessions and publications are public (the councils), by EPCI."""
    return (
        Body.objects.filter(is_public=True, active=True)
        .select_related("epci")
        .order_by("epci__name", "kind", "name", "pk")
    )


def public_publications() -> QuerySet[Publication]:
    """Everything put online by a public body, newest first. Never filtered by age: publications
    stay online (R2131-1 requires at least two months; the portal keeps them)."""
    return (
        Publication.objects.filter(body__is_public=True, body__active=True)
        .select_related("body__epci", "session")
        .order_by("-published_at", "-pk")
    )


def public_body(pk: int) -> Body:
    """A public body (404 for any other: private bodies have no public page). 1 query."""
    return get_object_or_404(public_bodies(), pk=pk)


def body_publications(body: Body) -> list[Publication]:
    """The body's publications, newest first (1 query)."""
    return list(
        Publication.objects.filter(body=body)
        .select_related("session")
        .order_by("-published_at", "-pk")
    )


def latest_publications(limit: int = HOME_PUBLICATIONS) -> list[Publication]:
    return list(public_publications()[:limit])


def public_publication(pk: int) -> Publication:
    return get_object_or_404(public_publications(), pk=pk)
