"""Pages of the session itself: the secretariat's attendance board with the
live quorum, votes and opinions, and the second convocation. Thin: scope (404), right (403),
validate, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from conferences import perms
from conferences.models import AgendaItem, Session
from conferences.replies import services as replies
from conferences.sitting import selectors
from conferences.sitting import services as sitting
from conferences.sitting.forms import (
    MovementForm,
    OpinionForm,
    RecusalForm,
    ReplyOnBehalfForm,
    SecondConvocationForm,
    VoteForm,
)
from core.forms import apply_errors
from governance import legal_calendar


def _managed_session(request, pk) -> Session:
    session = selectors.session_for_sitting(request.user, pk)
    if not perms.can_manage_sessions(request.user):
        raise PermissionDenied
    return session


# --- Attendance and live quorum -------------------------------------------------------------------


def session_attendance(request, pk):
    session = _managed_session(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        errors = _attendance_action(request, session)
        if not request.htmx:
            for error in errors:
                messages.error(request, error)
            if not errors:
                messages.success(request, "Enregistré.")
            return redirect("conferences:session_attendance", pk=session.pk)
        session.refresh_from_db(fields=["status"])
    state = selectors.sitting(session)
    context = {
        "session": session,
        "state": state,
        "rows": selectors.board_rows(state),
        "quorum_rows": list(zip(state.items, state.quorums, strict=True)),
        "people": sorted(state.people.values(), key=lambda p: (p.last_name, p.first_name, p.pk)),
        "recusals": [
            (
                item,
                [
                    state.people[r.person_id]
                    for r in item.recusals.all()
                    if r.person_id in state.people
                ],
            )
            for item in state.items
            if item.recusals.all()
        ],
        "errors": errors,
        "reply_form": ReplyOnBehalfForm(people=state.people)
        if session.is_open_for_replies
        else None,
        "sitting_open": session.status in sitting.SITTING_STATUSES,
        "can_second": (
            session.status in sitting.SITTING_STATUSES
            and session.origin != Session.Origin.SECOND_CONVOCATION
            and state.quorum_failed
        ),
    }
    # htmx swaps the board alone; without JavaScript the whole page comes back (after a redirect).
    template = "_board.html" if request.htmx else "attendance.html"
    return render(request, f"conferences/sitting/{template}", context)


def _attendance_action(request, session: Session) -> list[str]:
    """Run the action posted on the attendance board; return the error messages."""
    action = request.POST.get("action")
    actor = request.user
    try:
        if action == "held":
            sitting.mark_session_held(actor=actor, session=session)
        elif action == "close":
            sitting.close_session(actor=actor, session=session)
        elif action in ("movement", "recusal"):
            state = selectors.sitting(session)
            form_class = MovementForm if action == "movement" else RecusalForm
            form = form_class(request.POST, people=state.people, items=state.items)
            if not form.is_valid():
                return _form_errors(form)
            data = form.cleaned_data
            person = state.people[data["person"]]
            if action == "recusal":
                sitting.record_recusal(actor=actor, item=form.items[data["item"]], person=person)
            else:
                record = (
                    sitting.record_arrival
                    if data["kind"] == "arrival"
                    else sitting.record_departure
                )
                record(
                    actor=actor,
                    session=session,
                    person=person,
                    from_item=form.items[data["from_item"]],
                    by_video=data["by_video"],
                )
        elif action == "reply":
            state = selectors.sitting(session)
            form = ReplyOnBehalfForm(request.POST, people=state.people)
            if not form.is_valid():
                return _form_errors(form)
            data = form.cleaned_data
            holder_id = data["proxy_holder"] if data["answer"] == "proxy" else None
            replies.record_reply(
                actor=actor,
                session=session,
                person=state.people[data["person"]],
                answer=data["answer"],
                proxy_holder=state.people.get(holder_id) if holder_id else None,
                session_count=data["session_count"],
            )
        else:
            return ["Action inconnue."]
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _form_errors(form) -> list[str]:
    return [
        f"{form.fields[name].label} : {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    ]


# --- Votes and opinions ---------------------------------------------------------------------------


def item_vote(request, pk):
    item = selectors.item_for_vote(request.user, pk)
    if not perms.can_manage_sessions(request.user):
        raise PermissionDenied
    session = item.session
    state = selectors.sitting(session)
    item = next(it for it in state.items if it.pk == item.pk)
    at_item = state.quorum_at(item)
    voters = state.voters_at(item)
    vote = item.vote if _has_vote(item) else None
    form = None
    if vote is None and item.kind == AgendaItem.Kind.DELIBERATION:
        form = VoteForm(request.POST or None, voters=voters)
    elif item.kind == AgendaItem.Kind.OPINION:
        form = OpinionForm(request.POST or None, initial={"opinion": item.opinion})
    if request.method == "POST" and form is None:
        # A double submit (or a second secretary) after the result was recorded.
        messages.info(request, "Action déjà effectuée : le résultat de ce point est enregistré.")
        return redirect("conferences:item_vote", pk=item.pk)
    if request.method == "POST" and session.status not in sitting.SITTING_STATUSES:
        # The form is not shown outside the sitting: say why instead of ignoring the post.
        messages.error(request, "La séance n'est pas en cours : le vote ne peut pas être saisi.")
        return redirect("conferences:item_vote", pk=item.pk)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            if isinstance(form, OpinionForm):
                sitting.record_opinion(
                    actor=request.user, item=item, opinion=form.cleaned_data["opinion"]
                )
            else:
                data = form.cleaned_data
                sitting.record_vote(
                    actor=request.user,
                    item=item,
                    method=data["method"],
                    votes_for=data["votes_for"],
                    votes_against=data["votes_against"],
                    abstentions=data["abstentions"],
                    not_voting=data["not_voting"],
                    ballots=form.ballots(),
                    chair_choice=data.get("chair_choice") or None,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Le résultat est enregistré.")
            return redirect("conferences:item_vote", pk=item.pk)
    return render(
        request,
        "conferences/sitting/vote.html",
        {
            "session": session,
            "item": item,
            "quorum": at_item,
            "voters": voters,
            "vote": vote,
            "ballots": selectors.ballots_of(item) if vote else [],
            "form": form,
            "sitting_open": session.status in sitting.SITTING_STATUSES,
        },
    )


def _has_vote(item: AgendaItem) -> bool:
    try:
        return item.vote is not None
    except AgendaItem.vote.RelatedObjectDoesNotExist:
        return False


# --- Second convocation ---------------------------------------------------------------------------


def session_second_convocation(request, pk):
    session = _managed_session(request, pk)
    existing = selectors.second_convocation_of(session)
    earliest = legal_calendar.second_convocation_earliest(
        legal_calendar.legal_day_of(session.starts_at)
    )
    form = SecondConvocationForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            second = sitting.create_second_convocation(
                actor=request.user, session=session, starts_at=form.cleaned_data["starts_at"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "La seconde convocation est créée en brouillon : vérifiez-la puis convoquez.",
            )
            return redirect(reverse("conferences:session_detail", kwargs={"pk": second.pk}))
    state = selectors.sitting(session)
    return render(
        request,
        "conferences/sitting/second_convocation.html",
        {
            "session": session,
            "existing": existing,
            "earliest": earliest,
            "form": form,
            "failed": [
                (item, q)
                for item, q in zip(state.items, state.quorums, strict=True)
                if not q.reached
            ],
        },
    )
