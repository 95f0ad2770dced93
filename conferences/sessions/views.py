"""Session pages: detail (members, and the public for public bodies), and the secretariat's
scheduling and agenda building, and the download of agenda documents. Thin: scope, validate,
one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from conferences import perms
from conferences.convocations import selectors as convocation_selectors
from conferences.convocations import services as convocation
from conferences.convocations.forms import ConveneForm
from conferences.models import AgendaItem, Session
from conferences.sessions import selectors
from conferences.sessions import services as scheduling
from conferences.sessions.forms import (
    AgendaItemForm,
    DocumentForm,
    SessionCreateQuery,
    SessionForm,
)
from conferences.sessions.uploads import AGENDA_DOCUMENT
from core.forms import apply_errors
from core.uploads import serve_upload
from governance import perms as gov_perms


def managed_session(request, pk) -> Session:
    session = get_object_or_404(
        perms.sessions_for(request.user).select_related("body__epci"), pk=pk
    )
    if not perms.can_manage_sessions(request.user):
        raise PermissionDenied
    return session


@login_not_required
@require_safe
def session_detail(request, pk):
    try:
        session = selectors.session_detail(request.user, pk)
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    manage = perms.can_manage_sessions(request.user)
    # Sitting on the body matters for the member's answer (shown only while replies are open)
    # and for the documents a non-manager may download: no query when it matters for neither.
    sits = (session.is_open_for_replies or not manage) and perms.sits_on(request.user, session)
    answering = sits and session.is_open_for_replies
    context = {
        "session": session,
        "items": session.agenda,
        "manage": manage,
        "reply": selectors.my_reply(request.user, session) if answering else None,
        "sits": sits,
    }
    if manage:
        context["notice"] = convocation.notice_check(session)
        if session.body.emergency_notice_days is not None:
            context["emergency_notice"] = convocation.notice_check(session, emergency=True)
        context["convocations"] = convocation_selectors.convocation_summary(session)
        context["convene_form"] = ConveneForm()
    return render(request, "conferences/sessions/detail.html", context)


@require_safe
def session_manage_list(request):
    if not perms.can_manage_sessions(request.user):
        raise PermissionDenied
    return render(
        request,
        "conferences/sessions/manage_list.html",
        {"sessions": selectors.managed_sessions(request.user)[:200]},
    )


def session_create(request):
    # A superuser without an EPCI has none to create in (governance/perms.py).
    if not gov_perms.can_create_in_own_epci(request.user):
        raise PermissionDenied
    bodies = gov_perms.bodies_for(request.user)
    initial = {}
    suggestion = None
    query = SessionCreateQuery(request.GET, bodies=bodies)
    query.is_valid()
    if "demande" in query.errors:
        raise Http404("Demande de réunion inconnue ou qui n'attend pas de séance.")
    mayors_request = query.cleaned_data.get("demande")
    body = mayors_request.body if mayors_request else query.cleaned_data.get("instance")
    if body:
        initial["body"] = body
        suggestion = scheduling.suggest_host_commune(body=body)
        if suggestion:
            initial["place_commune"] = suggestion
    form = SessionForm(
        request.POST or None, initial=initial, bodies=bodies, epci_id=request.user.epci_id
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            session = scheduling.create_session(
                actor=request.user, mayors_request=mayors_request, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Séance créée : composez maintenant l'ordre du jour.")
            return redirect("conferences:session_agenda", pk=session.pk)
    return render(
        request, "conferences/sessions/form.html", {"form": form, "suggestion": suggestion}
    )


def session_edit(request, pk):
    session = managed_session(request, pk)
    form = SessionForm(
        request.POST or None,
        instance=session,
        bodies=gov_perms.bodies_for(request.user),
        epci_id=request.user.epci_id,
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "body"}
        session.refresh_from_db()
        try:
            scheduling.update_session(actor=request.user, session=session, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Séance mise à jour.")
            return redirect("conferences:session_detail", pk=session.pk)
    return render(request, "conferences/sessions/form.html", {"form": form, "session": session})


def session_agenda(request, pk):
    session = managed_session(request, pk)
    item_form = AgendaItemForm(request.POST or None, body=session.body, prefix="item")
    if request.method == "POST" and item_form.is_valid():
        try:
            scheduling.add_agenda_item(
                actor=request.user, session=session, **item_form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(item_form, exc)
        else:
            messages.success(request, "Point ajouté à l'ordre du jour.")
            return redirect("conferences:session_agenda", pk=session.pk)
    return _agenda_page(request, session, item_form=item_form)


def _agenda_page(request, session, *, item_form=None, document_form=None, document_item=None):
    detail = selectors.session_detail(request.user, session.pk)
    return render(
        request,
        "conferences/sessions/agenda.html",
        {
            "session": detail,
            "items": detail.agenda,
            "item_form": item_form or AgendaItemForm(body=session.body, prefix="item"),
            "document_form": document_form,
            "document_item": document_item,
        },
        status=400 if document_form is not None and document_form.errors else 200,
    )


def _managed_item(request, pk) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.filter(session__in=perms.sessions_for(request.user)).select_related(
            "session__body__epci"
        ),
        pk=pk,
    )
    if not perms.can_manage_sessions(request.user):
        raise PermissionDenied
    return item


@require_POST
def item_move(request, pk):
    item = _managed_item(request, pk)
    try:
        scheduling.move_agenda_item(
            actor=request.user,
            item=item,
            direction="up" if request.POST.get("direction") == "up" else "down",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("conferences:session_agenda", pk=item.session_id)


@require_POST
def item_remove(request, pk):
    item = _managed_item(request, pk)
    try:
        scheduling.remove_agenda_item(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Point retiré de l'ordre du jour.")
    return redirect("conferences:session_agenda", pk=item.session_id)


def item_edit(request, pk):
    item = _managed_item(request, pk)
    form = AgendaItemForm(request.POST or None, instance=item, body=item.session.body)
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.update_agenda_item(
                actor=request.user, item=AgendaItem.objects.get(pk=item.pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Point mis à jour.")
            return redirect("conferences:session_agenda", pk=item.session_id)
    return render(request, "conferences/sessions/item_form.html", {"form": form, "item": item})


@require_POST
def item_upload(request, pk):
    item = _managed_item(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            scheduling.attach_document(
                actor=request.user, item=item, uploaded=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Document ajouté.")
            return redirect("conferences:session_agenda", pk=item.session_id)
    return _agenda_page(request, item.session, document_form=form, document_item=item)


@login_not_required
@require_safe
def document_download(request, pk):
    try:
        document = selectors.document(request.user, pk)
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    return serve_upload(document.file, name=document.name, policy=AGENDA_DOCUMENT)
