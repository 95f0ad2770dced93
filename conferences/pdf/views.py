"""Downloads of session PDF documents. A download serves a stored file and never renders:
a missing or stale document is queued for the Celery task and a waiting page is shown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from conferences import perms
from conferences.models import Publication, RenderedDocument
from conferences.pdf import access
from conferences.pdf.documents import ensure_rendered
from conferences.publication import selectors as public
from conferences.publication.views import publication_url

Kind = RenderedDocument.Kind


def _session_for(request, pk: int, kind: str):
    """The session if the visitor may download this document of it: anonymous visitors get the
    public documents of public sessions (else the login page), members what their scope allows
    (404 outside it, 403 for the draft minutes of a body they do not sit on)."""
    user = request.user
    if not user.is_authenticated:
        session = (
            perms.public_sessions().select_related("body__epci", "place_commune").filter(pk=pk)
        ).first()
        if session is None or kind not in access.allowed_kinds(
            user, session, manage=False, sits=False
        ):
            return None
        return session
    session = get_object_or_404(
        perms.sessions_for(user).select_related("body__epci", "place_commune"), pk=pk
    )
    if kind not in access.applicable_kinds(session):
        raise Http404
    manage = perms.can_manage_sessions(user)
    sits = not manage and kind == Kind.MINUTES and perms.sits_on(user, session)
    if kind not in access.allowed_kinds(user, session, manage=manage, sits=sits):
        raise PermissionDenied
    return session


@login_not_required
@require_safe
def session_pdf(request, pk, kind):
    if kind not in Kind.values:
        raise Http404
    session = _session_for(request, pk, kind)
    if session is None:
        published = _published_version(pk, kind) if not request.user.is_authenticated else None
        if published is not None:
            return redirect(publication_url(published))
        return redirect_to_login(request.get_full_path())
    document = ensure_rendered(session=session, kind=kind)
    if document.status == RenderedDocument.Status.READY:
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.filename,
            content_type="application/pdf",
        )
    return render(
        request,
        "conferences/pdf_pending.html",
        {"session": session, "document": document, "kind_label": Kind(kind).label},
    )


def _published_version(session_pk: int, kind: str) -> Publication | None:
    """What the public may read of a session's document: its latest publication, if any."""
    if kind not in Publication.Kind.values:
        return None
    return public.public_publications().filter(session_id=session_pk, kind=kind).first()
