"""A member's answer to a convocation: present, absent, or represented by a colleague. Thin:
scope (404), right (403), validate, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from conferences.replies import services as replies
from conferences.replies.forms import ReplyForm
from conferences.replies.selectors import reply_page
from conferences.sitting import selectors
from core.forms import apply_errors


def session_reply(request, pk):
    session = selectors.session_for_sitting(request.user, pk)
    person_id = request.user.person_id
    membership = selectors.answering_membership(session, person_id) if person_id else None
    if membership is None:
        raise PermissionDenied
    page = reply_page(session, person_id, membership)
    initial = {"answer": page.current.answer if page.current else None}
    if page.current and page.current.proxy_holder_id:
        initial["proxy_holder"] = page.current.proxy_holder_id
    form = ReplyForm(
        request.POST or None,
        initial=initial,
        colleagues=page.colleagues,
        proxies_allowed=session.body.proxies_allowed,
        membership=membership,
    )
    if request.method == "POST" and not session.is_open_for_replies:
        # The form is not shown once replies are closed: say why instead of ignoring the post.
        messages.error(request, "Les réponses à cette convocation sont closes.")
        return redirect("conferences:session_reply", pk=session.pk)
    if request.method == "POST" and form.is_valid():
        try:
            replies.reply_to_convocation(
                user=request.user,
                session=session,
                answer=form.cleaned_data["answer"],
                proxy_holder=form.holder(),
                session_count=form.cleaned_data.get("session_count") or 1,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Votre réponse est enregistrée.")
            return redirect("conferences:session_reply", pk=session.pk)
    return render(
        request,
        "conferences/sitting/reply.html",
        {"session": session, "page": page, "form": form},
    )
