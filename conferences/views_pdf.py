"""Downloads of session PDF documents, the public pages of the public bodies (their
publications) and the publications feed. A download serves a stored file and never renders:
a missing or stale document is queued for the Celery task and a waiting page is shown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from conferences import perms
from conferences.models import Publication, RenderedDocument
from conferences.pdf import access, public
from conferences.pdf.documents import ensure_rendered

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


@login_not_required
def public_body(request, pk):
    body = public.public_body(pk)
    return render(
        request,
        "conferences/public/body.html",
        {"body": body, "publications": public.body_publications(body)},
    )


@login_not_required
def publication_download(request, pk, filename):
    publication = public.public_publication(pk)
    if filename != publication.filename:
        return redirect("publication_download", pk=pk, filename=publication.filename)
    return FileResponse(
        publication.file.open("rb"),
        as_attachment=True,
        filename=publication.filename,
        content_type="application/pdf",
    )


def publication_url(publication: Publication) -> str:
    return reverse(
        "publication_download", kwargs={"pk": publication.pk, "filename": publication.filename}
    )


class PublicationsFeed(Feed):
    """Atom feed of what the public bodies put online (minutes, lists of deliberations,
    opinions), newest first."""

    feed_type = Atom1Feed
    title = "Interco — publications des instances"
    subtitle = description = (
        "Procès-verbaux, listes des délibérations et avis mis en ligne par les instances "
        "publiques (art. R2131-1 du CGCT)."
    )

    def link(self):
        return reverse("portal:home")

    def items(self):
        return public.latest_publications(public.FEED_PUBLICATIONS)

    def item_title(self, item: Publication):
        return f"{item.body.name} — {item.title}"

    def item_description(self, item: Publication):
        day = timezone.localdate(item.session.starts_at)
        online = timezone.localtime(item.published_at)
        return (
            f"{item.get_kind_display()} de la séance du {day:%d/%m/%Y}, "
            f"mis en ligne le {online:%d/%m/%Y à %H:%M}."
        )

    def item_link(self, item: Publication):
        return publication_url(item)

    def item_guid(self, item: Publication):
        return f"publication-{item.pk}@interco"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Publication):
        return item.published_at

    def item_updateddate(self, item: Publication):
        return item.published_at

    def item_author_name(self, item: Publication):
        return item.author

    def item_categories(self, item: Publication):
        return [item.get_kind_display()]

    def item_enclosure_url(self, item: Publication):
        return publication_url(item)

    def item_enclosure_length(self, item: Publication):
        return item.size

    item_enclosure_mime_type = "application/pdf"


class PublicationsRssFeed(PublicationsFeed):
    feed_type = Rss201rev2Feed


publications_feed = login_not_required(PublicationsFeed())
publications_rss = login_not_required(PublicationsRssFeed())
