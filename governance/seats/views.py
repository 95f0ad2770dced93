"""The council's seats page (secretariat): the computation step by step, the prefectoral
orders, and the communes whose actual members differ from the computed seats."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.forms import apply_errors
from core.uploads import serve_upload
from governance import perms
from governance.seats import selectors, services
from governance.seats.forms import CouncilOrderForm
from governance.seats.presenters import seats_page
from governance.seats.uploads import ORDER_PDF


def council_seats(request, pk):
    body = selectors.council(request.user, pk)
    if not perms.can_manage(request.user):
        raise PermissionDenied
    form = CouncilOrderForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_council_order(
                actor=request.user,
                epci=body.epci,
                renewal_year=data["renewal_year"],
                signed_on=data["signed_on"],
                number=data["number"],
                uploaded=data["file"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Arrêté préfectoral enregistré.")
            return redirect("governance:council_seats", pk=body.pk)
    page = seats_page(body, selectors.communes(body), selectors.members_by_commune(body))
    return render(
        request,
        "governance/seats/council_seats.html",
        {"page": page, "orders": selectors.orders(body), "form": form},
    )


@require_safe
def council_order_download(request, pk, order_pk):
    order = selectors.order(request.user, pk, order_pk)
    if not perms.can_manage(request.user):
        raise PermissionDenied
    return serve_upload(order.file, name=order.name, policy=ORDER_PDF)
