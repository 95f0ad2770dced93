"""What WeasyPrint may read while printing a document: ``data:`` URIs and the portal's own
static files, nothing else. Its default fetcher follows any ``file://`` or ``http://`` URL
found in the HTML, so a reference slipped into a template or a stored text would read the
server's files or reach internal services (SSRF) and print the result."""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class PortalURLFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_file(url)
        if path is None:
            raise ValueError(f"ressource externe refusée : {url[:200]}")
        mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            return URLFetcherResponse(url, handle.read(), {"Content-Type": mime_type})


def static_file(url: str) -> str | None:
    """The file behind a URL of the portal's static files (``SITE_URL/static/...``), found the
    way collectstatic finds it (inside the static folders only), or None."""
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or ".." in path.split("/"):
        return None
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    return found if isinstance(found, str) else None


def html_document(html: str) -> HTML:
    """The WeasyPrint document of an HTML string, with the portal's fetcher."""
    return HTML(string=html, url_fetcher=PortalURLFetcher())
