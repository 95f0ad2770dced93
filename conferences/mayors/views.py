"""Mayors' requests to convene the conférence des maires (L5211-11-3). Thin views: reads
through conferences.mayors.selectors, writes through conferences.mayors.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from conferences.mayors import selectors
from conferences.mayors import services as mayors
from conferences.mayors.forms import MayorsRequestForm
from conferences.models import MayorsRequest
from core.forms import apply_errors


@require_http_methods(["GET", "POST"])
def mayors_request_list(request):
    mandate = selectors.my_mayor_mandate(request.user)
    requests = selectors.request_list(request.user, mandate)
    form = None
    if mandate is not None:
        form = MayorsRequestForm(
            request.POST or None, bodies=selectors.conferences_for_requests(request.user)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                created = mayors.start_mayors_request(
                    user=request.user,
                    body=form.cleaned_data["body"],
                    subject=form.cleaned_data["subject"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if created.status == MayorsRequest.Status.REFUSED:
                    messages.error(request, f"Demande refusée : {created.refusal_reason}.")
                else:
                    messages.success(request, "Demande enregistrée avec votre signature.")
                return redirect("conferences:mayors_request_detail", pk=created.pk)
    return render(
        request,
        "conferences/mayors/request_list.html",
        {"requests": requests, "form": form, "mandate": mandate},
    )


@require_http_methods(["GET", "POST"])
def mayors_request_detail(request, pk):
    mandate = selectors.my_mayor_mandate(request.user)
    mayors_request = selectors.request_detail(request.user, pk, mandate)
    if request.method == "POST":
        if mandate is None:
            raise PermissionDenied
        try:
            result = mayors.sign_mayors_request(user=request.user, request=mayors_request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            (messages.success if result.signed else messages.info)(request, result.message)
            if result.request.status == MayorsRequest.Status.REFUSED:
                messages.error(request, f"Demande refusée : {result.request.refusal_reason}.")
        return redirect("conferences:mayors_request_detail", pk=pk)
    return render(
        request,
        "conferences/mayors/request_detail.html",
        {"req": mayors_request, "mandate": mandate},
    )
