"""Consultation pages. Thin: scope through selectors/perms (404 outside, 403 without the right),
validate a form, call one service, show a message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

import questionnaires.forms
import questionnaires.selectors
import questionnaires.services
import questionnaires.views
from core import exports
from core.forms import apply_errors
from core.queue import enqueue
from core.uploads import serve_upload
from referrals import perms
from referrals.consultation import forms, selectors, services
from referrals.models import Opinion, Referral
from referrals.uploads import PDF_DOCUMENT


def _require_manager(user) -> None:
    if not perms.can_manage(user):
        raise PermissionDenied


def _serve(field_file, filename: str):
    """The PDFs of a referral: its documents, the communes' deliberations, the synthesis."""
    return serve_upload(field_file, name=filename, policy=PDF_DOCUMENT)


@require_safe
def referral_list(request):
    return render(
        request,
        "referrals/referral_list.html",
        {
            "referrals": selectors.referral_list(request.user),
            "can_manage": perms.can_manage(request.user),
        },
    )


def referral_create(request):
    if not perms.can_create_referral(request.user):
        raise PermissionDenied
    form = forms.ReferralForm(request.POST or None, epci_id=request.user.epci_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.create_referral(
                actor=request.user,
                subject=data["subject"],
                description=data["description"],
                legal_basis=data["legal_basis"],
                communes=form.selected_communes(),
                months=data["months"],
                days=data["days"] or 0,
                silence=data["silence"] or None,
                reminder_days=data["reminder_days"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Saisine créée : ajoutez les documents puis envoyez-la.")
            return redirect("referrals:referral_detail", pk=referral.pk)
    return render(request, "referrals/referral_form.html", {"form": form})


@require_safe
def referral_detail(request, pk):
    dashboard = selectors.referral_dashboard(request.user, pk)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "dashboard": dashboard,
            "referral": dashboard.referral,
            "can_manage": perms.can_manage(request.user),
        },
    )


@require_POST
def referral_send(request, pk):
    referral = selectors.referral_in_scope(request.user, pk)
    _require_manager(request.user)
    try:
        sent = services.send_referral(actor=request.user, referral=referral)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Saisine transmise aux communes." if sent else "La saisine était déjà envoyée."
        )
    return redirect("referrals:referral_detail", pk=pk)


@require_POST
def referral_close(request, pk):
    referral = selectors.referral_in_scope(request.user, pk)
    _require_manager(request.user)
    closed = services.close_referral(actor=request.user, referral=referral)
    messages.success(request, "Saisine close." if closed else "La saisine était déjà close.")
    return redirect("referrals:referral_detail", pk=pk)


def document_add(request, pk):
    referral = selectors.referral_in_scope(request.user, pk)
    _require_manager(request.user)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_referral_document(
                actor=request.user, referral=referral, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Document ajouté.")
            return redirect("referrals:referral_detail", pk=pk)
    return render(request, "referrals/document_form.html", {"form": form, "referral": referral})


@require_safe
def document_download(request, pk, document_pk):
    referral = selectors.referral_in_scope(request.user, pk)
    document = get_object_or_404(referral.documents, pk=document_pk)
    return _serve(document.file, f"{document.title}.pdf")


@require_safe
def synthesis_download(request, pk):
    """Serve the stored synthesis; never render it in the request. If it is out of date, say so
    and queue its build."""
    referral = selectors.referral_in_scope(request.user, pk)
    if not perms.can_see_dashboard(request.user, referral):
        raise PermissionDenied
    if referral.synthesis_ready:
        return _serve(referral.synthesis, f"synthese-saisine-{referral.pk}.pdf")
    from referrals.consultation.tasks import build_synthesis

    # A broker that is down is logged, never a 500: the next download asks again.
    enqueue(build_synthesis, referral.pk)
    messages.info(
        request,
        "La synthèse PDF est en cours de préparation : réessayez dans quelques instants.",
    )
    return redirect("referrals:referral_detail", pk=pk)


def opinion_detail(request, pk, insee_code):
    """A commune's line. Its DGS or mayor files the opinion (or the data) here; opening it by
    the link is the commune's receipt."""
    opinion = selectors.opinion_in_scope(request.user, pk, insee_code)
    referral = opinion.referral
    user = request.user
    can_answer = perms.can_answer(user, opinion) and referral.status == Referral.Status.OPEN
    if can_answer and opinion.received_on is None and request.method == "GET":
        services.acknowledge_receipt(actor=user, opinion=opinion)
        opinion = selectors.opinion_in_scope(user, pk, insee_code)
    now = timezone.now()
    locked = not opinion.is_open_at(now) or opinion.state == Opinion.State.TACIT
    if referral.is_data_collection:
        return _data_collection(request, opinion, can_answer=can_answer, locked=locked)
    form = None
    if can_answer:
        initial = {
            "verdict": opinion.verdict,
            "deliberation_on": opinion.deliberation_on,
            "deliberation_number": opinion.deliberation_number,
            "comments": opinion.comments,
        }
        form = forms.OpinionForm(
            request.POST or None,
            request.FILES or None,
            initial=initial,
            has_file=bool(opinion.deliberation_pdf),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.file_opinion(actor=user, opinion=opinion, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "L'avis de la commune est enregistré.")
                return redirect("referrals:opinion_detail", pk=pk, insee_code=insee_code)
    return render(
        request,
        "referrals/opinion_detail.html",
        _opinion_context(request, opinion, form=form, locked=locked),
    )


def _opinion_context(request, opinion, **extra):
    manage = perms.can_manage(request.user)
    return {
        "opinion": opinion,
        "referral": opinion.referral,
        "documents": list(opinion.referral.documents.order_by("uploaded_at", "pk")),
        "can_manage": manage,
        "receipt_form": forms.ReceiptForm() if manage else None,
        "late_form": forms.LateDeliberationForm() if manage else None,
        **extra,
    }


def _data_collection(request, opinion, *, can_answer, locked):
    questionnaire = opinion.referral.questionnaire
    response = questionnaires.selectors.response_of(
        questionnaire=questionnaire, commune=opinion.commune
    )
    editable = can_answer and not locked and not (response and response.is_submitted)
    form = questionnaires.forms.build_response_form(
        questionnaire=questionnaire,
        response=response,
        data=request.POST if request.method == "POST" else None,
        files=request.FILES if request.method == "POST" else None,
        file_url=lambda question: reverse(
            "referrals:answer_file_download",
            args=[opinion.referral_id, opinion.commune.insee_code, question.pk],
        ),
    )
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                services.save_data_answers(
                    actor=request.user, opinion=opinion, values=form.cleaned_data, submit=submit
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Réponses transmises à l'EPCI." if submit else "Brouillon enregistré.",
                )
                return redirect(
                    "referrals:opinion_detail",
                    pk=opinion.referral_id,
                    insee_code=opinion.commune.insee_code,
                )
    return render(
        request,
        "referrals/data_collection.html",
        _opinion_context(
            request, opinion, form=form, response=response, editable=editable, locked=locked
        ),
    )


@require_safe
def deliberation_download(request, pk, insee_code):
    opinion = selectors.opinion_in_scope(request.user, pk, insee_code)
    field = (
        opinion.late_deliberation_pdf if request.GET.get("tardive") else opinion.deliberation_pdf
    )
    return _serve(field, f"deliberation-{insee_code}-saisine-{pk}.pdf")


@require_safe
def answer_file_download(request, pk, insee_code, question_pk):
    """A file the commune gave in answer to the data collection: seen by whoever sees its line."""
    opinion = selectors.opinion_in_scope(request.user, pk, insee_code)
    if opinion.referral.questionnaire_id is None:
        raise Http404
    return questionnaires.views.file_answer_download(
        questionnaire=opinion.referral.questionnaire,
        commune=opinion.commune,
        question_pk=question_pk,
    )


@require_POST
def receipt_record(request, pk, insee_code):
    opinion = selectors.opinion_in_scope(request.user, pk, insee_code)
    _require_manager(request.user)
    form = forms.ReceiptForm(request.POST)
    if form.is_valid():
        try:
            services.record_paper_receipt(
                actor=request.user, opinion=opinion, received_on=form.cleaned_data["received_on"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Date de réception enregistrée ; l'échéance est calculée.")
    else:
        messages.error(request, "Date de réception invalide.")
    return redirect("referrals:opinion_detail", pk=pk, insee_code=insee_code)


def late_deliberation_record(request, pk, insee_code):
    opinion = selectors.opinion_in_scope(request.user, pk, insee_code)
    _require_manager(request.user)
    form = forms.LateDeliberationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_late_deliberation(
                actor=request.user,
                opinion=opinion,
                verdict=data["late_verdict"],
                deliberation_on=data["late_deliberation_on"],
                deliberation_number=data["late_deliberation_number"],
                deliberation_pdf=data["late_deliberation_pdf"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Délibération tardive enregistrée pour mémoire.")
            return redirect("referrals:opinion_detail", pk=pk, insee_code=insee_code)
    return render(request, "referrals/late_form.html", {"form": form, "opinion": opinion})


def questionnaire_edit(request, pk):
    referral = selectors.referral_in_scope(request.user, pk)
    _require_manager(request.user)
    if referral.questionnaire is None:
        raise Http404
    form = questionnaires.forms.QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaires.services.add_question(
                actor=request.user, questionnaire=referral.questionnaire, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Question ajoutée.")
            return redirect("referrals:questionnaire_edit", pk=pk)
    return render(
        request,
        "referrals/questionnaire_edit.html",
        {
            "referral": referral,
            "form": form,
            "questions": list(questionnaires.selectors.questions_of(referral.questionnaire)),
        },
    )


@require_POST
def question_remove(request, pk, question_pk):
    referral = selectors.referral_in_scope(request.user, pk)
    _require_manager(request.user)
    if referral.questionnaire is None:
        raise Http404
    question = get_object_or_404(
        questionnaires.selectors.questions_of(referral.questionnaire), pk=question_pk
    )
    try:
        questionnaires.services.remove_question(actor=request.user, question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Question retirée.")
    return redirect("referrals:questionnaire_edit", pk=pk)


@require_safe
def answers_export(request, pk, fmt):
    """The answers as CSV or xlsx; `fmt` is one of the export formats (the URL pattern admits
    no other) and the file name is ours, never taken from the request."""
    referral = selectors.referral_in_scope(request.user, pk)
    _require_manager(request.user)
    if referral.questionnaire is None:
        raise Http404
    headers, rows = questionnaires.selectors.answers_table(questionnaire=referral.questionnaire)
    return exports.export_response(
        fmt=fmt, basename=f"saisine-{referral.pk}", header=headers, rows=rows, title="Réponses"
    )
