"""Pages of the catalogue: the offers a commune may use, conventions, and the secretariat's set-up
of offers, equipment, lent staff and training sessions. Views are thin: scope through
perms/selectors, validate a form, call one service, show a message, redirect."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from core.uploads import serve_upload
from mutualisation import perms
from mutualisation.catalogue import forms, selectors, services
from mutualisation.models import (
    EquipmentItem,
    SeatReservation,
    ServiceOffer,
    StaffMember,
    TrainingSession,
)
from mutualisation.pages import report_errors, require_own_epci_manager
from mutualisation.uploads import SIGNED_CONVENTION


@require_safe
def catalogue(request):
    commune = perms.acting_commune(request.user)
    return render(
        request,
        "mutualisation/catalogue.html",
        {
            "entries": selectors.catalogue(request.user, commune),
            "commune": commune,
            "is_staff": perms.is_staff(request.user),
        },
    )


@require_safe
def convention_list(request):
    if not (perms.is_staff(request.user) or perms.acts_for_commune(request.user)):
        raise PermissionDenied
    return render(
        request,
        "mutualisation/convention_list.html",
        {
            "conventions": selectors.convention_list(request.user),
            "can_manage": perms.can_manage(request.user),
        },
    )


def convention_create(request):
    require_own_epci_manager(request.user)
    form = forms.ConventionForm(
        request.POST or None, request.FILES or None, epci_id=request.user.epci_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            convention = services.record_convention(
                actor=request.user,
                commune=data["commune"],
                options=list(data["options"]),
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                signed_on=data["signed_on"],
                signed_pdf=data["signed_pdf"],
            )
        except ValidationError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, f"Convention de {convention.commune.name} enregistrée.")
            return redirect("mutualisation:convention_detail", pk=convention.pk)
    return render(request, "mutualisation/convention_form.html", {"form": form})


def convention_detail(request, pk):
    convention = selectors.convention_detail(request.user, pk)
    can_manage = perms.can_manage(request.user)
    form = forms.SignedConventionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.attach_signed_convention(
                    actor=request.user,
                    convention=convention,
                    signed_on=form.cleaned_data["signed_on"],
                    signed_pdf=form.cleaned_data["signed_pdf"],
                )
            except ValidationError as exc:
                report_errors(request, exc, form)
            else:
                messages.success(request, "Convention signée enregistrée.")
                return redirect("mutualisation:convention_detail", pk=pk)
    return render(
        request,
        "mutualisation/convention_detail.html",
        {"convention": convention, "form": form, "can_manage": can_manage},
    )


@require_safe
def convention_pdf(request, pk):
    convention = selectors.convention_detail(request.user, pk)
    if not convention.signed_pdf:
        raise Http404
    return serve_upload(
        convention.signed_pdf,
        name=f"convention-{convention.commune.insee_code}.pdf",
        policy=SIGNED_CONVENTION,
    )


@dataclass(frozen=True)
class Kind:
    """One kind of catalogue object: its model, form, service and wording."""

    model: type
    form: type
    save: object
    instance_kwarg: str
    title_new: str
    title_edit: str
    saved: str
    select_related: tuple[str, ...] = ()


OFFER = Kind(
    ServiceOffer,
    forms.OfferForm,
    services.save_offer,
    "offer",
    "Nouvelle offre de service",
    "Modifier l'offre",
    "Offre enregistrée.",
)

EQUIPMENT = Kind(
    EquipmentItem,
    forms.EquipmentForm,
    services.save_equipment,
    "item",
    "Nouveau matériel",
    "Modifier le matériel",
    "Matériel enregistré.",
)

STAFF = Kind(
    StaffMember,
    forms.StaffMemberForm,
    services.save_staff_member,
    "member",
    "Nouvel agent mis à disposition",
    "Modifier l'agent mis à disposition",
    "Agent enregistré.",
    ("person",),
)

TRAINING = Kind(
    TrainingSession,
    forms.TrainingSessionForm,
    services.save_training_session,
    "session",
    "Nouvelle session de formation",
    "Modifier la session de formation",
    "Session de formation enregistrée.",
)


def _secretariat_only(user):
    if not perms.can_manage(user):
        raise PermissionDenied


@require_safe
def setup(request):
    _secretariat_only(request.user)
    epci_id = request.user.epci_id
    return render(
        request,
        "mutualisation/setup/index.html",
        {
            "offers": list(
                ServiceOffer.objects.filter(epci_id=epci_id).order_by("position", "name", "pk")
            ),
            "equipment": list(
                EquipmentItem.objects.filter(epci_id=epci_id)
                .select_related("offer")
                .order_by("kind", "name", "pk")
            ),
            "staff": list(
                StaffMember.objects.filter(epci_id=epci_id)
                .select_related("person")
                .order_by("role", "person__last_name", "person__first_name", "pk")
            ),
            "trainings": list(
                TrainingSession.objects.filter(epci_id=epci_id)
                .select_related("offer")
                .annotate(
                    confirmed=Count(
                        "reservations",
                        filter=Q(reservations__status=SeatReservation.Status.CONFIRMED),
                    )
                )
                .order_by("-starts_at", "pk")
            ),
        },
    )


def _edit(request, kind: Kind, pk: int | None):
    instance = None
    if pk is not None:
        # Scope first: another EPCI's object is a 404 whoever asks, a 403 only inside the EPCI.
        instance = get_object_or_404(
            perms.in_epci_scope(kind.model.objects.all(), request.user).select_related(
                *kind.select_related
            ),
            pk=pk,
        )
    if instance is None and not perms.can_manage_own_epci(request.user):
        raise PermissionDenied  # a new entry goes into the account's EPCI
    _secretariat_only(request.user)
    epci_id = instance.epci_id if instance is not None else request.user.epci_id
    form = kind.form(request.POST or None, instance=instance, epci_id=epci_id)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        try:
            kind.save(actor=request.user, **{kind.instance_kwarg: instance}, **fields)
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            messages.success(request, kind.saved)
            return redirect("mutualisation:setup")
    return render(
        request,
        "mutualisation/setup/form.html",
        {
            "form": form,
            "title": kind.title_edit if instance else kind.title_new,
            "object": instance,
        },
    )


def offer_create(request):
    return _edit(request, OFFER, None)


def offer_edit(request, pk):
    return _edit(request, OFFER, pk)


def equipment_create(request):
    return _edit(request, EQUIPMENT, None)


def equipment_edit(request, pk):
    return _edit(request, EQUIPMENT, pk)


def staff_create(request):
    return _edit(request, STAFF, None)


def staff_edit(request, pk):
    return _edit(request, STAFF, pk)


def training_create(request):
    return _edit(request, TRAINING, None)


def training_edit(request, pk):
    return _edit(request, TRAINING, pk)
