"""Uploaded documents: only PDF, JPEG and PNG by their content, within the size limit, stored outside
any served folder and given back only through scoped views."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from families.demo import SIGNED_PDF
from families.models import Consent
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def family(world):
    return f.make_family(world)


def upload_consent(client: Client, family, content: bytes, name: str = "firmato.pdf", content_type="application/pdf"):
    return client.post(
        reverse("families:consent-create", args=[family.pk]),
        {"kind": "privacy", "signed_on": "2024-01-20", "file": SimpleUploadedFile(name, content, content_type)},
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_file_over_the_size_limit_is_refused_in_italian_and_nothing_is_saved(
    world, client_for, family, media, settings
):
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload_consent(client_for(world.users.case_manager), family, SIGNED_PDF + b"0" * 2048)
    assert response.status_code == 200
    assert "Il file supera la dimensione massima di 1,0\xa0KB" in response.content.decode()
    assert not Consent.objects.exists()
    assert stored_files(media) == []


def test_the_type_is_recognised_by_content_not_by_name(world, client_for, family, media):
    client = client_for(world.users.case_manager)
    fake = upload_consent(client, family, b"MZ\x90\x00 not a document", name="firmato.pdf")
    assert "Sono ammessi solo file PDF, JPEG o PNG" in fake.content.decode()
    assert not Consent.objects.exists() and stored_files(media) == []
    # A real PNG is accepted whatever it is called, and comes back as a PNG.
    assert upload_consent(client, family, PNG, name="scansione.pdf", content_type="application/pdf").status_code == 302
    consent = Consent.objects.get()
    download = client.get(reverse("families:consent-file", args=[family.pk, consent.pk]))
    assert download["Content-Type"] == "image/png"


def test_files_are_stored_outside_the_static_folders_and_downloaded_only_as_attachments(
    world, client_for, family, media
):
    client = client_for(world.users.case_manager)
    upload_consent(client, family, SIGNED_PDF)
    consent = Consent.objects.get()
    path = Path(consent.file.path).resolve()
    assert path.is_relative_to(media.resolve())
    for static in (*settings.STATICFILES_DIRS, settings.STATIC_ROOT):
        assert not path.is_relative_to(Path(static).resolve())
    download = client.get(reverse("families:consent-file", args=[family.pk, consent.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]
    assert download["X-Content-Type-Options"] == "nosniff"
    # No URL serves the upload folder directly.
    assert client.get(settings.MEDIA_URL + consent.file.name).status_code == 404


def test_the_default_limit_is_ten_megabytes():
    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024
