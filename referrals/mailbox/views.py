"""Pages of the mayors' mailbox. Thin: scope through perms (404 outside), one service per action
(403 without the right)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from core.uploads import serve_upload
from referrals import perms
from referrals.mailbox import forms
from referrals.mailbox import services as mailbox
from referrals.mailbox.models import MailboxAttachment, MailboxMessage
from referrals.uploads import ATTACHMENT


@require_safe
def thread_list(request):
    """All threads of the EPCI for its staff, one's own for an elected official (1 query)."""
    threads = (
        perms.threads_for(request.user)
        .select_related("author", "assignee", "commune")
        .annotate(message_count=Count("messages"))
        .order_by("-updated_at", "-pk")
    )
    return render(
        request,
        "referrals/mailbox_list.html",
        {"threads": threads, "can_write": perms.can_write_to_mailbox(request.user)},
    )


def thread_create(request):
    if not perms.can_write_to_mailbox(request.user):
        raise PermissionDenied
    form = forms.MailboxThreadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        thread = mailbox.post_mailbox_thread(
            actor=request.user,
            theme=data["theme"],
            subject=data["subject"],
            body=data["body"],
            files=data["attachments"],
        )
        messages.success(request, "Votre message est transmis à l'EPCI.")
        return redirect("referrals:thread_detail", pk=thread.pk)
    return render(request, "referrals/mailbox_form.html", {"form": form})


def _thread(user, pk):
    return get_object_or_404(
        perms.threads_for(user)
        .select_related("author", "assignee", "commune", "epci")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=MailboxMessage.objects.select_related("author")
                .prefetch_related("attachments")
                .order_by("created_at", "pk"),
            )
        ),
        pk=pk,
    )


def thread_detail(request, pk):
    thread = _thread(request.user, pk)
    handler = perms.can_handle_thread(request.user)
    may_reply = handler or thread.author_id == request.user.pk
    form = forms.MailboxReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_reply:
            raise PermissionDenied
        if form.is_valid():
            try:
                mailbox.reply_to_thread(
                    actor=request.user,
                    thread=thread,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["attachments"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Message envoyé.")
                return redirect("referrals:thread_detail", pk=pk)
    return render(
        request,
        "referrals/mailbox_detail.html",
        {
            "thread": thread,
            "form": form if may_reply and thread.status != thread.Status.CLOSED else None,
            "assign_form": forms.AssignForm(
                epci_id=thread.epci_id, initial={"assignee": thread.assignee_id}
            )
            if handler
            else None,
            "handler": handler,
        },
    )


@require_POST
def thread_assign(request, pk):
    thread = get_object_or_404(perms.threads_for(request.user), pk=pk)
    if not perms.can_handle_thread(request.user):
        raise PermissionDenied
    form = forms.AssignForm(request.POST, epci_id=thread.epci_id)
    if form.is_valid():
        try:
            mailbox.assign_thread(
                actor=request.user, thread=thread, assignee=form.cleaned_data["assignee"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Message attribué.")
    return redirect("referrals:thread_detail", pk=pk)


@require_POST
def thread_close(request, pk):
    thread = get_object_or_404(perms.threads_for(request.user), pk=pk)
    if not perms.can_handle_thread(request.user):
        raise PermissionDenied
    closed = mailbox.close_thread(actor=request.user, thread=thread)
    messages.success(request, "Fil clos." if closed else "Ce fil était déjà clos.")
    return redirect("referrals:thread_detail", pk=pk)


@require_safe
def attachment_download(request, pk):
    attachment = get_object_or_404(
        MailboxAttachment.objects.filter(message__thread__in=perms.threads_for(request.user)),
        pk=pk,
    )
    return serve_upload(attachment.file, name=attachment.file_name, policy=ATTACHMENT)
