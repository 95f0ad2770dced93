"""Reads for the mayors' request pages (conférence des maires, L5211-11-3), in a constant
number of queries."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from conferences.models import MayorsRequest, MayorsRequestSignature, Session
from governance import perms as gov_perms
from governance.models import Body, Mandate
from governance.rules import BodyKind


def my_mayor_mandate(user) -> Mandate | None:
    """The user's current mandate of mayor of a commune of their EPCI."""
    if not user.person_id or not user.epci_id:
        return None
    return (
        Mandate.objects.current()
        .filter(kind=Mandate.Kind.MAYOR, person_id=user.person_id, commune__epci_id=user.epci_id)
        .select_related("commune")
        .order_by("pk")
        .first()
    )


def _scope(user) -> QuerySet[MayorsRequest]:
    if user.is_superuser:
        return MayorsRequest.objects.all()
    return (
        MayorsRequest.objects.filter(body__epci_id=user.epci_id)
        if user.epci_id
        else (MayorsRequest.objects.none())
    )


def _check_can_view(user, mandate: Mandate | None) -> None:
    """The requests are for the mayors and the EPCI staff; other users of the EPCI: 403."""
    if mandate is None and not (gov_perms.is_epci_staff(user) or user.is_superuser):
        raise PermissionDenied


def conferences_for_requests(user) -> QuerySet[Body]:
    return Body.objects.filter(
        epci_id=user.epci_id, kind=BodyKind.MAYORS_CONFERENCE, active=True
    ).order_by("name", "pk")


def request_list(user, mandate: Mandate | None) -> list[MayorsRequest]:
    """Every request of the EPCI, newest first, with its signature count and whether the
    user's commune signed (1 query)."""
    _check_can_view(user, mandate)
    requests = (
        _scope(user)
        .select_related("body", "created_by")
        .annotate(signature_count=Count("signatures"))
        .order_by("-created_at", "-pk")
    )
    if mandate is not None:
        requests = requests.annotate(
            my_commune_signed=Exists(
                MayorsRequestSignature.objects.filter(
                    request=OuterRef("pk"), commune_id=mandate.commune_id
                )
            )
        )
    return list(requests)


def request_detail(user, pk: int, mandate: Mandate | None) -> MayorsRequest:
    """A request with its signatures (2 queries); 404 outside the user's EPCI."""
    request = get_object_or_404(
        _scope(user)
        .select_related("body", "created_by")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=MayorsRequestSignature.objects.select_related(
                    "person", "commune"
                ).order_by("signed_at", "pk"),
            ),
            Prefetch("sessions", queryset=Session.objects.visible().order_by("starts_at", "pk")),
        ),
        pk=pk,
    )
    _check_can_view(user, mandate)
    signatures = list(request.signatures.all())
    request.signature_count = len(signatures)
    request.my_commune_signed = mandate is not None and any(
        s.commune_id == mandate.commune_id for s in signatures
    )
    request.can_sign = (
        mandate is not None
        and not request.my_commune_signed
        and request.status in (MayorsRequest.Status.OPEN, MayorsRequest.Status.REACHED)
    )
    return request
