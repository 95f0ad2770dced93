"""Pages of the service requests and the staff dashboard. Thin views, as in every feature."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from core.uploads import serve_upload
from mutualisation import perms
from mutualisation.catalogue import services as catalogue_services
from mutualisation.models import ServiceRequest
from mutualisation.pages import report_done, report_errors, require_staff
from mutualisation.requests import forms, selectors, services
from mutualisation.uploads import ATTACHMENT


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
    commune = perms.acting_commune(request.user)
    if commune is None:
        raise PermissionDenied
    form = forms.RequestForm(request.POST or None, request.FILES or None)
    refusal = None
    try:
        catalogue_services.check_offer_usable(commune=commune, offer=offer)
    except ValidationError as exc:
        refusal = exc.messages[0]
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        try:
            service_request = services.file_request(
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
            report_errors(request, exc, form)
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
                _, changed = services.accept_request(
                    actor=user, request=service_request, agent=form.cleaned_data["agent"]
                )
                report_done(request, changed, "Demande acceptée et confiée.")
        elif action == "decline":
            form = forms.DeclineForm(request.POST)
            if form.is_valid():
                _, changed = services.decline_request(
                    actor=user, request=service_request, reason=form.cleaned_data["reason"]
                )
                report_done(request, changed, "Demande refusée ; la commune en est informée.")
        elif action == "start":
            form = None
            _, changed = services.start_request(actor=user, request=service_request)
            report_done(request, changed, "Demande en cours de traitement.")
        elif action == "answer":
            form = forms.AnswerForm(request.POST)
            if form.is_valid():
                _, changed = services.answer_request(
                    actor=user, request=service_request, answer=form.cleaned_data["answer"]
                )
                report_done(request, changed, "Réponse envoyée à la commune.")
        elif action == "close":
            form = None
            _, changed = services.close_request(actor=user, request=service_request)
            report_done(request, changed, "Demande close.")
        elif action == "rate":
            form = forms.RateForm(request.POST)
            if form.is_valid():
                _, changed = services.rate_request(
                    actor=user,
                    request=service_request,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
                report_done(request, changed, "Merci pour votre évaluation.")
        elif action == "message":
            form = forms.MessageForm(request.POST)
            if form.is_valid():
                services.post_message(
                    actor=user,
                    request=service_request,
                    body=form.cleaned_data["body"],
                    from_staff=staff,
                )
                messages.success(request, "Message envoyé.")
        elif action == "time":
            form = forms.TimeForm(request.POST)
            if form.is_valid():
                services.record_time(actor=user, request=service_request, **form.cleaned_data)
                messages.success(request, "Temps passé enregistré.")
        elif action == "attachment":
            form = forms.AttachmentForm(request.POST, request.FILES)
            if form.is_valid():
                services.add_attachment(
                    actor=user, request=service_request, upload=form.cleaned_data["file"]
                )
                messages.success(request, "Pièce jointe ajoutée.")
        else:
            raise Http404
    except ValidationError as exc:
        report_errors(request, exc)
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
    require_staff(request.user)
    context = selectors.staff_dashboard(request.user)
    context["can_manage"] = perms.can_manage(request.user)
    return render(request, "mutualisation/dashboard.html", context)
