"""PDF rendering with WeasyPrint, shared by the timesheet and the reports.

Fonts, stylesheets and images are taken from the project's static files only: the URL fetcher refuses any
other address (no network access, no file outside the static files), so a PDF looks the same on every
machine and a template cannot make the server fetch anything. Templates refer to resources with
`{% static %}` paths, resolved against an internal base URL that never leaves the process.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

STATIC_HOST = "static.pippi-portal.invalid"
BASE_URL = f"https://{STATIC_HOST}/"


class RefusedResource(FatalURLFetchingError):
    """A PDF asked for a resource that is not a static file of the project."""


class StaticFilesFetcher(URLFetcher):
    """Serve the project's static files to WeasyPrint; refuse everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.scheme == "https" and parts.netloc == STATIC_HOST and path.startswith(settings.STATIC_URL):
            relative = path[len(settings.STATIC_URL) :]
            found = finders.find(relative) if ".." not in Path(relative).parts else None
            if found:
                content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": content_type})
        raise RefusedResource(f"PDF resource refused: {url}")


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()
