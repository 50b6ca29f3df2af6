"""Uploaded documents: what is accepted, where it is stored and how it is given back.

Only PDF, JPEG and PNG are accepted, recognised by their first bytes (not by the name or the type the
browser claims), and no larger than UPLOAD_MAX_BYTES. Files live under MEDIA_ROOT, which has no URL, under
random names (`document_upload_path`): the uploader's file name ("Mario Rossi CF ….pdf") is not kept. They
leave the server only through `protected_file_response`, called by views that checked the scope, under a
neutral name the view chooses.
"""

from __future__ import annotations

import mimetypes
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
RANDOM_NAME = re.compile(r"[0-9a-f]{32}(\.pdf|\.jpg|\.png)?")


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def read_head(upload) -> bytes:
    """The first bytes of a file, leaving its position where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    return head


def validate_document(upload) -> None:
    """Model-field validator: a PDF, JPEG or PNG no larger than the configured limit."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Il file supera la dimensione massima di %(size)s: caricane uno più piccolo (PDF, JPEG o PNG).")
            % {"size": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        )
    if sniff_content_type(read_head(upload)) is None:
        raise ValidationError(_("Sono ammessi solo file PDF, JPEG o PNG."))


def document_upload_path(folder: str, document: FieldFile, filename: str) -> str:
    """Where a document is stored: a random name in its kind's folder, with the extension of its content.

    The `upload_to` of every document field calls this. Nothing of the uploader's file name is kept, not even
    its extension: "Mario Rossi CF RSSMRA80A01F205X.pdf" would put a person on the disk, in backups and in
    download headers. A document being uploaded (a form, the admin, `rename_uploads`) is typed by its first
    bytes; one the code saves itself with `FieldFile.save(name, content)` has no content at hand yet (Django
    asks for the path first) and is typed by the name the code gave it.
    """
    if document._committed:
        content_type = mimetypes.guess_type(filename)[0]
    else:
        content_type = sniff_content_type(read_head(document.file))
    return f"{folder}/{uuid.uuid4().hex}{EXTENSIONS.get(content_type, '')}"


def protected_file_response(field_file: FieldFile, download_name: str) -> FileResponse:
    """Send a stored upload as a download, never rendered inline by the browser. `download_name` is the
    neutral name the browser saves it under (e.g. "attestato-12"), without extension: the content gives it."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    content_type = sniff_content_type(read_head(handle))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name + EXTENSIONS.get(content_type, ""),
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
