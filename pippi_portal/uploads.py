"""Uploaded documents: what is accepted and how it is given back.

Only PDF, JPEG and PNG are accepted, recognised by their first bytes (not by the name or the type the
browser claims), and no larger than UPLOAD_MAX_BYTES. Files live under MEDIA_ROOT, which has no URL:
they leave the server only through `protected_file_response`, called by views that checked the scope.
"""

from __future__ import annotations

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


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def validate_document(upload) -> None:
    """Model-field validator: a PDF, JPEG or PNG no larger than the configured limit."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Il file supera la dimensione massima di %(size)s: caricane uno più piccolo (PDF, JPEG o PNG).")
            % {"size": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if sniff_content_type(head) is None:
        raise ValidationError(_("Sono ammessi solo file PDF, JPEG o PNG."))


def protected_file_response(field_file: FieldFile) -> FileResponse:
    """Send a stored upload as a download, never rendered inline by the browser."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    head = handle.read(16)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=field_file.name.rsplit("/", 1)[-1],
        content_type=sniff_content_type(head) or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
