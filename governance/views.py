"""Governance pages. Views are thin: scope through perms/selectors, call one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.forms import apply_errors
from governance import perms, selectors, services
from governance.forms import InviteForm


@require_safe
def commune_list(request):
    directory = selectors.commune_directory(request.user, request.GET)
    return render(
        request, "governance/commune_list.html", {"filter": directory, "communes": directory.qs}
    )


@require_safe
def commune_detail(request, insee_code):
    commune = selectors.commune_detail(request.user, insee_code)
    return render(request, "governance/commune_detail.html", {"commune": commune})


@require_safe
def body_list(request):
    return render(
        request, "governance/body_list.html", {"bodies": selectors.body_list(request.user)}
    )


@require_safe
def body_detail(request, pk):
    body = selectors.body_detail(request.user, pk)
    return render(request, "governance/body_detail.html", {"body": body})


@require_safe
def person_detail(request, pk):
    person = selectors.person_detail(request.user, pk)
    return render(
        request,
        "governance/person_detail.html",
        {
            "person": person,
            "show_contact": perms.can_see_contact_details(request.user, person),
        },
    )


def invite_user(request):
    if not perms.can_invite_user(request.user):
        raise PermissionDenied
    form = InviteForm(request.POST or None, epci_id=request.user.epci_id)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.invite_user(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Invitation envoyée à {invited.email}.")
            return redirect("governance:invite_user")
    return render(request, "governance/invite.html", {"form": form})
