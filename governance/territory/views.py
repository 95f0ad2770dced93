"""The operator's page: type a SIREN, preview the EPCI and its communes from the shipped list,
create it and invite its first secretariat. Superusers only (whose login used TOTP: the
middleware requires it of them on every page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.forms import apply_errors
from governance import perms
from governance.models import EPCI
from governance.territory import catalogue, selectors, services
from governance.territory.forms import InstallForm, SirenForm


@require_http_methods(["GET", "POST"])
def epci_install(request):
    if not perms.can_install_epci(request.user):
        raise PermissionDenied
    if request.method == "POST":
        install = InstallForm(request.POST)
        if install.is_valid():
            try:
                result, user = services.install_epci(actor=request.user, **install.cleaned_data)
            except ValidationError as exc:
                apply_errors(install, exc)
            else:
                _report(request, result, user)
                return redirect("governance:epci_install")
        search = SirenForm({"siren": request.POST.get("siren", "")})
    else:
        search = SirenForm(request.GET or None)
        install = None
    preview = None
    if search.is_valid():
        try:
            preview = selectors.preview_epci(search.cleaned_data["siren"])
        except ValidationError as exc:
            apply_errors(search, exc)
    if preview is not None and install is None:
        install = InstallForm(initial={"siren": preview.record.siren})
    context = {
        "search": search,
        "preview": preview,
        "nature_label": EPCI.Nature(preview.record.nature).label if preview else "",
        "install": install,
        "attribution": catalogue.ATTRIBUTION,
        "licence": catalogue.LICENCE,
    }
    return render(request, "governance/territory/install.html", context)


def _report(request, result: services.EpciCreation, user) -> None:
    epci = result.epci
    communes = len(result.created) + len(result.attached)
    messages.success(
        request,
        f"EPCI créé : {epci.name} (SIREN {epci.siren}), {communes} commune(s). "
        f"Invitation envoyée au secrétariat : {user.email}.",
    )
    for commune in result.elsewhere:
        messages.warning(
            request,
            f"{commune.name} ({commune.insee_code}) est déjà membre de {commune.epci} "
            "dans ce portail : laissée dans cet EPCI.",
        )
