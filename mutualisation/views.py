"""Shared-services pages. Views are thin: scope through perms/selectors, validate a form, call
one service, show a message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.uploads import serve_upload
from governance.models import Commune
from mutualisation import forms, perms, selectors
from mutualisation.models import (
    SeatReservation,
    ServiceRequest,
    TrainingSession,
)
from mutualisation.services import offers as offer_services
from mutualisation.services import requests as request_services
from mutualisation.services import scheduling
from mutualisation.services.common import ALREADY_DONE
from mutualisation.uploads import ATTACHMENT, SIGNED_CONVENTION


def _staff_only(user):
    if not perms.is_staff(user):
        raise PermissionDenied


def _manager_only(user):
    if not perms.can_manage(user):
        raise PermissionDenied


def _own_epci_manager_only(user):
    """Creating writes into the account's EPCI (governance/perms.py, superusers)."""
    if not perms.can_manage_own_epci(user):
        raise PermissionDenied


def _report_errors(request, exc: ValidationError, form=None):
    for text in exc.messages:
        if form is not None:
            form.add_error(None, text)
        else:
            messages.error(request, text)


def _done(request, changed: bool, success: str):
    if changed:
        messages.success(request, success)
    else:
        messages.info(request, ALREADY_DONE)


# ---------------------------------------------------------------------------- offers


@require_safe
def catalogue(request):
    commune = selectors.acting_commune(request.user)
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
    _own_epci_manager_only(request.user)
    form = forms.ConventionForm(
        request.POST or None, request.FILES or None, epci_id=request.user.epci_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            convention = offer_services.record_convention(
                actor=request.user,
                commune=data["commune"],
                options=list(data["options"]),
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                signed_on=data["signed_on"],
                signed_pdf=data["signed_pdf"],
            )
        except ValidationError as exc:
            _report_errors(request, exc, form)
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
                offer_services.attach_signed_convention(
                    actor=request.user,
                    convention=convention,
                    signed_on=form.cleaned_data["signed_on"],
                    signed_pdf=form.cleaned_data["signed_pdf"],
                )
            except ValidationError as exc:
                _report_errors(request, exc, form)
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


# ---------------------------------------------------------------------------- requests


@require_safe
def request_list(request):
    if not (perms.is_staff(request.user) or perms.acts_for_commune(request.user)):
        raise PermissionDenied
    status = request.GET.get("etat", "")
    page = selectors.request_page(request.user, status=status, number=request.GET.get("page"))
    return render(
        request,
        "mutualisation/request_list.html",
        {
            "page": page,
            "requests": selectors.request_lines(page.object_list),
            "status": status,
            "statuses": ServiceRequest.Status.choices,
        },
    )


def request_create(request, offer_pk):
    offer = get_object_or_404(perms.offers_for(request.user).active(), pk=offer_pk)
    commune = selectors.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    form = forms.RequestForm(request.POST or None, request.FILES or None)
    refusal = None
    try:
        offer_services.check_offer_usable(commune=commune, offer=offer)
    except ValidationError as exc:
        refusal = exc.messages[0]
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        try:
            service_request = request_services.file_request(
                actor=request.user,
                commune=commune,
                offer=offer,
                subject=data["subject"],
                domain=data["domain"],
                description=data["description"],
                desired_start=data["desired_start"],
                desired_end=data["desired_end"],
                attachments=(data["attachment"],) if data["attachment"] else (),
            )
        except ValidationError as exc:
            _report_errors(request, exc, form)
        else:
            messages.success(request, f"Demande n° {service_request.pk} déposée.")
            return redirect("mutualisation:request_detail", pk=service_request.pk)
    return render(
        request,
        "mutualisation/request_form.html",
        {"form": form, "offer": offer, "commune": commune, "refusal": refusal},
    )


@require_safe
def request_detail(request, pk):
    service_request = selectors.request_detail(request.user, pk)
    staff = perms.can_handle_request(request.user, service_request)
    context = {
        "req": service_request,
        "staff": staff,
        "requester": perms.is_requesting_side(request.user, service_request),
        "message_form": forms.MessageForm(),
        "attachment_form": forms.AttachmentForm(),
    }
    if staff:
        context.update(
            accept_form=forms.AcceptForm(
                agents=selectors.epci_agents(request.user),
                initial={"agent": request.user.pk},
            ),
            decline_form=forms.DeclineForm(),
            answer_form=forms.AnswerForm(),
            time_form=forms.TimeForm(),
        )
    else:
        context["rate_form"] = forms.RateForm()
    return render(request, "mutualisation/request_detail.html", context)


_STAFF_ACTIONS = {"accept", "decline", "start", "answer", "time"}
_COMMUNE_ACTIONS = {"rate"}


@require_POST
def request_action(request, pk, action):
    service_request = get_object_or_404(perms.requests_for(request.user), pk=pk)
    user = request.user
    staff = perms.can_handle_request(user, service_request)
    if action in _STAFF_ACTIONS and not staff:
        raise PermissionDenied
    if action in _COMMUNE_ACTIONS and not perms.is_requesting_side(user, service_request):
        raise PermissionDenied
    back = redirect("mutualisation:request_detail", pk=pk)
    try:
        if action == "accept":
            form = forms.AcceptForm(request.POST, agents=selectors.epci_agents(user))
            if form.is_valid():
                _, changed = request_services.accept_request(
                    actor=user, request=service_request, agent=form.cleaned_data["agent"]
                )
                _done(request, changed, "Demande acceptée et confiée.")
        elif action == "decline":
            form = forms.DeclineForm(request.POST)
            if form.is_valid():
                _, changed = request_services.decline_request(
                    actor=user, request=service_request, reason=form.cleaned_data["reason"]
                )
                _done(request, changed, "Demande refusée ; la commune en est informée.")
        elif action == "start":
            form = None
            _, changed = request_services.start_request(actor=user, request=service_request)
            _done(request, changed, "Demande en cours de traitement.")
        elif action == "answer":
            form = forms.AnswerForm(request.POST)
            if form.is_valid():
                _, changed = request_services.answer_request(
                    actor=user, request=service_request, answer=form.cleaned_data["answer"]
                )
                _done(request, changed, "Réponse envoyée à la commune.")
        elif action == "close":
            form = None
            _, changed = request_services.close_request(actor=user, request=service_request)
            _done(request, changed, "Demande close.")
        elif action == "rate":
            form = forms.RateForm(request.POST)
            if form.is_valid():
                _, changed = request_services.rate_request(
                    actor=user,
                    request=service_request,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
                _done(request, changed, "Merci pour votre évaluation.")
        elif action == "message":
            form = forms.MessageForm(request.POST)
            if form.is_valid():
                request_services.post_message(
                    actor=user,
                    request=service_request,
                    body=form.cleaned_data["body"],
                    from_staff=staff,
                )
                messages.success(request, "Message envoyé.")
        elif action == "time":
            form = forms.TimeForm(request.POST)
            if form.is_valid():
                request_services.record_time(
                    actor=user, request=service_request, **form.cleaned_data
                )
                messages.success(request, "Temps passé enregistré.")
        elif action == "attachment":
            form = forms.AttachmentForm(request.POST, request.FILES)
            if form.is_valid():
                request_services.add_attachment(
                    actor=user, request=service_request, upload=form.cleaned_data["file"]
                )
                messages.success(request, "Pièce jointe ajoutée.")
        else:
            raise Http404
    except ValidationError as exc:
        _report_errors(request, exc)
        return back
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return back


@require_safe
def attachment_download(request, pk, attachment_pk):
    service_request = get_object_or_404(perms.requests_for(request.user), pk=pk)
    attachment = get_object_or_404(service_request.attachments, pk=attachment_pk)
    return serve_upload(attachment.file, name=attachment.original_name, policy=ATTACHMENT)


@require_safe
def staff_dashboard(request):
    _staff_only(request.user)
    context = selectors.staff_dashboard(request.user)
    context["can_manage"] = perms.can_manage(request.user)
    return render(request, "mutualisation/dashboard.html", context)


# ---------------------------------------------------------------------------- equipment


def _month(request) -> tuple[int, int]:
    """The month asked for, or the current one when the query string is not a valid month."""
    today = timezone.localdate()
    query = forms.MonthQuery(request.GET)
    if not query.is_valid():
        return today.year, today.month
    return query.cleaned_data["annee"] or today.year, query.cleaned_data["mois"] or today.month


@require_safe
def booking_calendar(request):
    if not perms.sees_epci_pages(request.user):
        raise PermissionDenied
    year, month = _month(request)
    context = selectors.booking_calendar(request.user, year=year, month=month)
    context["can_book"] = perms.acts_for_commune(request.user)
    return render(request, "mutualisation/calendar.html", context)


def _preselected_item(request) -> int | None:
    query = forms.BookingQuery(request.GET)
    return query.cleaned_data["materiel"] if query.is_valid() else None


def booking_create(request):
    commune = selectors.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    form = forms.BookingForm(
        request.POST or None,
        items=selectors.bookable_items(request.user),
        initial={"item": _preselected_item(request)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = scheduling.book_item(
                actor=request.user,
                commune=commune,
                item=data["item"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                purpose=data["purpose"],
            )
        except ValidationError as exc:
            _report_errors(request, exc, form)
        else:
            driver = f" avec {booking.driver.person.full_name}" if booking.driver else ""
            messages.success(request, f"{booking.item.name} réservé{driver}.")
            return redirect("mutualisation:booking_detail", pk=booking.pk)
    return render(request, "mutualisation/booking_form.html", {"form": form, "commune": commune})


@require_safe
def booking_list(request):
    if not perms.sees_epci_pages(request.user):
        raise PermissionDenied
    page = Paginator(selectors.booking_list(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "mutualisation/booking_list.html", {"page": page})


@require_safe
def booking_detail(request, pk):
    booking = selectors.booking_detail(request.user, pk)
    return render(
        request,
        "mutualisation/booking_detail.html",
        {
            "booking": booking,
            "staff": perms.is_staff(request.user),
            "return_form": forms.ReturnForm(),
        },
    )


@require_POST
def booking_cancel(request, pk):
    booking = get_object_or_404(perms.bookings_for(request.user), pk=pk)
    try:
        _, changed = scheduling.cancel_booking(actor=request.user, booking=booking)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        _done(request, changed, "Réservation annulée.")
    return redirect("mutualisation:booking_detail", pk=pk)


@require_POST
def booking_return(request, pk):
    booking = get_object_or_404(perms.bookings_for(request.user), pk=pk)
    _staff_only(request.user)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            _, changed = scheduling.record_return(
                actor=request.user, booking=booking, **form.cleaned_data
            )
        except ValidationError as exc:
            _report_errors(request, exc)
        else:
            _done(request, changed, "Retour enregistré.")
    return redirect("mutualisation:booking_detail", pk=pk)


# ---------------------------------------------------------------------------- missions


@require_safe
def mission_list(request):
    if not perms.sees_epci_pages(request.user):
        raise PermissionDenied
    return render(
        request,
        "mutualisation/mission_list.html",
        {
            "missions": selectors.mission_list(request.user),
            "can_manage": perms.can_manage(request.user),
        },
    )


def mission_create(request):
    _own_epci_manager_only(request.user)
    form = forms.MissionForm(
        request.POST or None,
        communes=Commune.objects.filter(epci_id=request.user.epci_id).order_by("name", "pk"),
        secretaries=selectors.secretaries(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            mission = scheduling.plan_mission(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _report_errors(request, exc, form)
        else:
            messages.success(request, f"Mission prévue à {mission.commune.name}.")
            return redirect("mutualisation:mission_list")
    return render(request, "mutualisation/mission_form.html", {"form": form})


@require_POST
def mission_cancel(request, pk):
    mission = get_object_or_404(perms.missions_for(request.user), pk=pk)
    _manager_only(request.user)
    _, changed = scheduling.cancel_mission(actor=request.user, mission=mission)
    _done(request, changed, "Mission annulée.")
    return redirect("mutualisation:mission_list")


# ---------------------------------------------------------------------------- trainings


@require_safe
def training_list(request):
    if not perms.sees_epci_pages(request.user):
        raise PermissionDenied
    context = selectors.training_sessions(request.user)
    context.update(seat_form=forms.SeatForm(), can_reserve=perms.acts_for_commune(request.user))
    return render(request, "mutualisation/training_list.html", context)


@require_POST
def training_reserve(request, pk):
    session = get_object_or_404(
        perms.in_epci_scope(TrainingSession.objects.all(), request.user), pk=pk
    )
    commune = selectors.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    form = forms.SeatForm(request.POST)
    if form.is_valid():
        try:
            seat, changed = scheduling.reserve_seat(
                actor=request.user, session=session, commune=commune, **form.cleaned_data
            )
        except ValidationError as exc:
            _report_errors(request, exc)
        else:
            confirmed = seat.status == SeatReservation.Status.CONFIRMED
            _done(
                request,
                changed,
                "Place réservée."
                if confirmed
                else "Session complète : inscription en liste d'attente.",
            )
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("mutualisation:training_list")


@require_POST
def seat_cancel(request, pk):
    seat = get_object_or_404(perms.seats_for(request.user), pk=pk)
    _, changed = scheduling.cancel_seat(actor=request.user, seat=seat)
    _done(request, changed, "Inscription annulée.")
    return redirect("mutualisation:training_list")
