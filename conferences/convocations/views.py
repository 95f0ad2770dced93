"""Convening a session, cancelling or postponing it (the members are told), the list of
recipients, and the link a convocation mail carries. Thin: scope, validate, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from conferences.convocations import selectors
from conferences.convocations import services as convocation
from conferences.convocations.forms import ConveneForm, ReasonForm
from conferences.sessions.views import managed_session as _managed_session
from core.forms import apply_errors


@require_POST
def session_convene(request, pk):
    session = _managed_session(request, pk)
    form = ConveneForm(request.POST)
    form.is_valid()
    try:
        session, sent = convocation.convene_session(
            actor=request.user,
            session=session,
            emergency=form.cleaned_data.get("emergency", False),
            emergency_reason=form.cleaned_data.get("emergency_reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if sent:
            messages.success(request, "Convocation envoyée à tous les destinataires.")
        else:
            messages.info(request, "Action déjà effectuée : la séance est déjà convoquée.")
    return redirect("conferences:session_detail", pk=session.pk)


def _reason_action(request, pk, service, done_message, template_title):
    session = _managed_session(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done_message)
            return redirect("conferences:session_detail", pk=session.pk)
    return render(
        request,
        "conferences/sessions/reason_form.html",
        {"form": form, "session": session, "page_title": template_title},
    )


def session_cancel(request, pk):
    return _reason_action(
        request,
        pk,
        convocation.cancel_session,
        "Séance annulée ; les destinataires sont prévenus.",
        "Annuler la séance",
    )


def session_postpone(request, pk):
    return _reason_action(
        request,
        pk,
        convocation.postpone_session,
        "Séance reportée ; fixez une nouvelle date puis convoquez à nouveau.",
        "Reporter la séance",
    )


@require_safe
def session_recipients(request, pk):
    session = _managed_session(request, pk)
    return render(
        request,
        "conferences/sessions/recipients.html",
        {
            "session": session,
            "convocations": selectors.recipients_page(session),
        },
    )


@login_not_required
@never_cache  # personal, though reached without an account
def convocation_open(request, token):
    """The link of a convocation mail: a page about the convocation, from which the addressee
    confirms receipt (POST). Opening it is logged; only the addressee's deliberate click, or
    their own signed-in view, is a receipt (see convocation.open_convocation_link)."""
    user_agent = request.headers.get("User-Agent", "")
    try:
        if request.method == "POST":
            opened = convocation.acknowledge_convocation(
                token=token, user=request.user, user_agent=user_agent
            )
            if opened is not None:
                messages.success(request, "Réception de la convocation confirmée. Merci.")
                return redirect("conferences:convocation_open", token=token)
        else:
            opened = convocation.open_convocation_link(
                token=token, user=request.user, user_agent=user_agent
            )
    except convocation.LinkExpired as expired:
        response = render(
            request,
            "conferences/sessions/convocation_link.html",
            {"expired": True, "session": expired.convocation.session},
            status=410,
        )
    else:
        if opened is None:
            raise Http404
        response = render(
            request,
            "conferences/sessions/convocation_link.html",
            {"convocation": opened, "session": opened.session},
        )
    # The token is the credential: the Referer of the next page (and its log line) carries the
    # origin only. Not "no-referrer", which makes browsers send "Origin: null" with the form's
    # POST, which the CSRF check rightly refuses.
    response["Referrer-Policy"] = "strict-origin"
    return response
