"""PDF rendering with WeasyPrint, shared by the timesheet and the reports.

Fonts, stylesheets and images are taken from the project's static files only: the URL fetcher refuses any
other address (no network access, no file outside the static files), so a PDF looks the same on every
machine and a template cannot make the server fetch anything. Templates refer to resources with
`{% static %}` paths, resolved against an internal base URL that never leaves the process.

Every PDF is a PDF/A-3b file (WeasyPrint's `pdf/a-3b` variant: fonts embedded, sRGB output intent, XMP metadata)
and tagged (`pdf_tags`: a structure tree with headings, tables, figures with their alternative text, the
document language from `<html lang="it">`). PDF/A-3 allows attachments of any type: the reports carry the
JSON of their frozen figures (`PdfAttachment`). What WeasyPrint 70 allows and why these options: docs/decisions.md.
"""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML, Attachment
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

STATIC_HOST = "static.pippi-portal.invalid"
PDF_VARIANT = "pdf/a-3b"
GENERATOR = "PIPPI Portal"
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


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (PDF/A-3 associated file): its name, bytes, description and its relationship
    to the document ("Data": the data the document presents)."""

    name: str
    content: bytes
    description: str = ""
    relationship: str = "Data"


@dataclass(frozen=True)
class PdfMetadata:
    """The document information a PDF carries besides its <title>: who issues it, what it is about."""

    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()


def render_pdf(
    template: str,
    context: dict,
    *,
    metadata: PdfMetadata | None = None,
    attachments: tuple[PdfAttachment, ...] | list[PdfAttachment] = (),
) -> bytes:
    """The template rendered as a tagged PDF/A-3b, with its metadata (title from the template's <title>,
    language from <html lang>, author, subject, keywords, creation date) and its attachments."""
    html = render_to_string(template, context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).render()
    info = document.metadata
    created = timezone.localtime().replace(microsecond=0).isoformat()
    info.created = info.modified = created  # PDF/A: the XMP dates and the document information agree
    info.generator = GENERATOR
    if metadata is not None:
        if metadata.author:
            info.authors = [metadata.author]
        if metadata.subject:
            info.description = metadata.subject
        if metadata.keywords:
            info.keywords = list(metadata.keywords)
    now = timezone.now().replace(tzinfo=None)  # WeasyPrint writes the attachment dates as UTC
    files = [
        Attachment(
            file_obj=io.BytesIO(item.content),
            name=item.name,
            description=item.description or None,
            relationship=item.relationship,
            created=now,
            modified=now,
        )
        for item in attachments
    ]
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, attachments=files or None)
