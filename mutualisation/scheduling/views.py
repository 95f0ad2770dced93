"""Pages of equipment bookings, missions and training seats. Thin views, as in every feature."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from governance.models import Commune
from mutualisation import perms
from mutualisation.models import (
    SeatReservation,
    TrainingSession,
)
from mutualisation.pages import (
    report_done,
    report_errors,
    require_manager,
    require_own_epci_manager,
    require_staff,
)
from mutualisation.scheduling import forms, selectors, services


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
    commune = perms.acting_commune(request.user)
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
            booking = services.book_item(
                actor=request.user,
                commune=commune,
                item=data["item"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                purpose=data["purpose"],
            )
        except ValidationError as exc:
            report_errors(request, exc, form)
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
        _, changed = services.cancel_booking(actor=request.user, booking=booking)
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        report_done(request, changed, "Réservation annulée.")
    return redirect("mutualisation:booking_detail", pk=pk)


@require_POST
def booking_return(request, pk):
    booking = get_object_or_404(perms.bookings_for(request.user), pk=pk)
    require_staff(request.user)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            _, changed = services.record_return(
                actor=request.user, booking=booking, **form.cleaned_data
            )
        except ValidationError as exc:
            report_errors(request, exc)
        else:
            report_done(request, changed, "Retour enregistré.")
    return redirect("mutualisation:booking_detail", pk=pk)


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
    require_own_epci_manager(request.user)
    form = forms.MissionForm(
        request.POST or None,
        communes=Commune.objects.filter(epci_id=request.user.epci_id).order_by("name", "pk"),
        secretaries=selectors.secretaries(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            mission = services.plan_mission(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, f"Mission prévue à {mission.commune.name}.")
            return redirect("mutualisation:mission_list")
    return render(request, "mutualisation/mission_form.html", {"form": form})


@require_POST
def mission_cancel(request, pk):
    mission = get_object_or_404(perms.missions_for(request.user), pk=pk)
    require_manager(request.user)
    _, changed = services.cancel_mission(actor=request.user, mission=mission)
    report_done(request, changed, "Mission annulée.")
    return redirect("mutualisation:mission_list")


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
    commune = perms.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    form = forms.SeatForm(request.POST)
    if form.is_valid():
        try:
            seat, changed = services.reserve_seat(
                actor=request.user, session=session, commune=commune, **form.cleaned_data
            )
        except ValidationError as exc:
            report_errors(request, exc)
        else:
            confirmed = seat.status == SeatReservation.Status.CONFIRMED
            report_done(
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
    _, changed = services.cancel_seat(actor=request.user, seat=seat)
    report_done(request, changed, "Inscription annulée.")
    return redirect("mutualisation:training_list")
