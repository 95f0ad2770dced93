"""The secretariat's pages for the minutes and the publications: drafting, the workflow steps,
the adopted versions, and the dashboard of what is due. Thin: scope (404), right (403),
validate, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from conferences import perms
from conferences.minutes import selectors
from conferences.minutes import services as minutes_service
from conferences.minutes.content import render_minutes_html
from conferences.minutes.forms import CorrectionForm, DebatesForm, StepForm
from conferences.minutes.services import AlreadyDone
from conferences.models import Minutes, MinutesSignature, Session
from conferences.publication import services as publication
from core.forms import apply_errors
from governance import legal_calendar
from governance.models import Membership, Person


def _managed_session(request, pk) -> Session:
    session = selectors.managed_session(request.user, pk)
    if not perms.can_manage_sessions(request.user):
        raise PermissionDenied
    return session


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _members(session: Session):
    day = legal_calendar.legal_day_of(session.starts_at)
    return (
        Person.objects.filter(
            memberships__in=Membership.objects.current(day).filter(body_id=session.body_id)
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def minutes_edit(request, pk):
    session = _managed_session(request, pk)
    minutes = selectors.minutes_of(session)
    editable = minutes is not None and not minutes_service.reached(
        minutes.status, Minutes.Status.ADOPTED
    )
    form = DebatesForm(
        request.POST or None, initial={"debates_html": minutes.debates_html if minutes else ""}
    )
    if request.method == "POST":
        if not editable:
            messages.error(request, minutes_service.FROZEN_MESSAGE)
            return redirect("conferences:minutes_edit", pk=session.pk)
        if form.is_valid():
            try:
                minutes_service.update_debates(
                    actor=request.user,
                    minutes=minutes,
                    debates_html=form.cleaned_data["debates_html"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Teneur des débats enregistrée (texte nettoyé).")
                return redirect("conferences:minutes_edit", pk=session.pk)
    versions = selectors.versions_of(minutes) if minutes else []
    current = versions[0] if versions else None
    signed_roles = {s.role for s in current.signatures.all()} if current else set()
    context = {
        "session": session,
        "minutes": minutes,
        "form": form,
        "editable": editable,
        "text": render_minutes_html(minutes) if minutes else "",
        "current": current,
        "version_count": len(versions),
        "roles_to_sign": [
            (value, label)
            for value, label in MinutesSignature.Role.choices
            if value not in signed_roles
        ],
        "secretary_choices": list(_members(session))
        if current and not session.secretary_id
        else [],
        "publications": selectors.publications_of(session),
        "held": session.status in minutes_service.HELD_STATUSES,
        "next_session": minutes_service.next_session(session)
        if minutes and minutes.status == Minutes.Status.DRAFT
        else None,
    }
    return render(request, "conferences/minutes/edit.html", context)


@require_POST
def minutes_action(request, pk):
    session = _managed_session(request, pk)
    minutes = selectors.minutes_of(session)
    form = StepForm(request.POST, people=_members(session))
    if not form.is_valid():
        messages.error(request, "Action inconnue.")
        return redirect("conferences:minutes_edit", pk=session.pk)
    step = form.cleaned_data["step"]
    actor = request.user
    try:
        if step == "start":
            minutes_service.start_minutes(actor=actor, session=session)
            done = "Procès-verbal commencé : complétez la teneur des débats."
        elif step == "publish_deliberations":
            publication.publish_deliberations_list(actor=actor, session=session)
            done = "La liste des délibérations est en cours de mise en ligne."
        elif step == "publish_opinions":
            publication.publish_opinions(actor=actor, session=session)
            done = "Les avis sont en cours de mise en ligne et d'envoi aux conseillers municipaux."
        elif minutes is None:
            raise ValidationError("Commencez d'abord le procès-verbal.")
        elif step == "submit":
            minutes = minutes_service.submit_minutes(actor=actor, minutes=minutes)
            done = (
                "Adoption du procès-verbal inscrite à l'ordre du jour de la séance du "
                f"{minutes_service.day_label(minutes.adopting_session)}."
            )
        elif step == "adopt":
            minutes_service.adopt_minutes(actor=actor, minutes=minutes)
            done = "Procès-verbal adopté : son texte est désormais figé."
        elif step == "sign":
            minutes_service.sign_minutes(
                actor=actor,
                minutes=minutes,
                role=form.cleaned_data["role"],
                person=form.cleaned_data.get("person"),
            )
            done = "Signature enregistrée."
        else:  # publish
            publication.publish_minutes(actor=actor, minutes=minutes)
            done = "Le procès-verbal est en cours de mise en ligne."
    except AlreadyDone as exc:
        messages.info(request, _error_text(exc))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return redirect("conferences:minutes_edit", pk=session.pk)


def minutes_correction(request, pk):
    session = _managed_session(request, pk)
    minutes = selectors.minutes_of(session)
    if minutes is None or not minutes_service.reached(minutes.status, Minutes.Status.ADOPTED):
        messages.error(request, "Seul un procès-verbal adopté se corrige par une nouvelle version.")
        return redirect("conferences:minutes_edit", pk=session.pk)
    form = CorrectionForm(
        request.POST or None,
        initial={"debates_html": minutes.debates_html},
        sessions=selectors.correction_sessions(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = minutes_service.adopt_correction(
                actor=request.user, minutes=minutes, **form.cleaned_data
            )
        except AlreadyDone as exc:
            messages.info(request, _error_text(exc))
            return redirect("conferences:minutes_versions", pk=session.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Version {version.number} adoptée : faites-la signer puis publiez-la.",
            )
            return redirect("conferences:minutes_edit", pk=session.pk)
    return render(
        request,
        "conferences/minutes/correction.html",
        {"session": session, "minutes": minutes, "form": form},
    )


@require_safe
def minutes_versions(request, pk):
    session = _managed_session(request, pk)
    minutes = selectors.minutes_of(session)
    return render(
        request,
        "conferences/minutes/versions.html",
        {
            "session": session,
            "minutes": minutes,
            "versions": selectors.versions_of(minutes) if minutes else [],
            "publications": selectors.publications_of(session),
        },
    )
