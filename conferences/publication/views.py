"""The public pages of the public bodies (their publications), the publications' downloads and
feeds, and the secretariat's dashboard of what is due to be put online."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.views.decorators.http import require_safe

from conferences import perms
from conferences.models import Publication
from conferences.publication import selectors


@login_not_required
@require_safe
def public_body(request, pk):
    body = selectors.public_body(pk)
    return render(
        request,
        "conferences/public/body.html",
        {"body": body, "publications": selectors.body_publications(body)},
    )


@login_not_required
@require_safe
def publication_download(request, pk, filename):
    publication = selectors.public_publication(pk)
    if filename != publication.filename:
        return redirect("conferences:publication_download", pk=pk, filename=publication.filename)
    return FileResponse(
        publication.file.open("rb"),
        as_attachment=True,
        filename=publication.filename,
        content_type="application/pdf",
    )


def publication_url(publication: Publication) -> str:
    return reverse(
        "conferences:publication_download",
        kwargs={"pk": publication.pk, "filename": publication.filename},
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
        return selectors.latest_publications(selectors.FEED_PUBLICATIONS)

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


@require_safe
def publication_dashboard(request):
    if not perms.can_manage_sessions(request.user):
        raise PermissionDenied
    rows = selectors.dashboard_rows(request.user)
    return render(
        request,
        "conferences/minutes/dashboard.html",
        {"rows": rows, "limit": selectors.DASHBOARD_LIMIT},
    )


publications_feed = login_not_required(require_safe(PublicationsFeed()))
publications_rss = login_not_required(require_safe(PublicationsRssFeed()))
