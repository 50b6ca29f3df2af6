"""Uploaded documents: only PDF, JPEG and PNG by their content, within the size limit, stored outside
any served folder and given back only through scoped views."""

import re
from pathlib import Path, PurePath

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from equipes.models import StaffTraining
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
    world, client_for, family, media, settings, signed_pdf
):
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload_consent(client_for(world.users.case_manager), family, signed_pdf + b"0" * 2048)
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
    world, client_for, family, media, signed_pdf
):
    client = client_for(world.users.case_manager)
    upload_consent(client, family, signed_pdf)
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


# --- File names: random on disk, neutral in the download, nothing of the uploader's name ------------------

PERSONAL_NAME = "Mario Rossi CF RSSMRA80A01F205X.pdf"
RANDOM_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png)")


def assert_nothing_personal(stored_name: str, download, content: bytes, expected_name: str) -> None:
    """The stored file has a random name, the download the neutral one, and the bytes are those uploaded."""
    for personal in ("Rossi", "Mario", "RSSMRA80A01F205X"):
        assert personal not in stored_name and personal not in download["Content-Disposition"]
    assert RANDOM_NAME.fullmatch(PurePath(stored_name).name), stored_name
    assert download["Content-Disposition"] == f'attachment; filename="{expected_name}"'
    assert b"".join(download.streaming_content) == content


def test_a_certificate_uploaded_under_a_personal_name_is_stored_and_served_under_neutral_names(
    world, client_for, signed_pdf
):
    client = client_for(world.users.referente_ente)
    member = world.users.operatore
    response = client.post(
        reverse("equipes:training-create", args=[member.pk]),
        {
            "course": "MOOC Vicinanza solidale",
            "hours": "12",
            "completed_on": "2024-02-28",
            "certificate": SimpleUploadedFile(PERSONAL_NAME, signed_pdf, "application/pdf"),
        },
    )
    assert response.status_code == 302
    training = StaffTraining.objects.get(user=member)
    assert training.certificate.name.startswith(f"training/{member.pk}/")
    download = client.get(reverse("equipes:training-certificate", args=[training.pk]))
    assert_nothing_personal(training.certificate.name, download, signed_pdf, f"attestato-{training.pk}.pdf")


def test_a_consent_uploaded_under_a_personal_name_is_stored_and_served_under_neutral_names(
    world, client_for, family, signed_pdf
):
    client = client_for(world.users.case_manager)
    assert upload_consent(client, family, signed_pdf, name=PERSONAL_NAME).status_code == 302
    consent = Consent.objects.get()
    assert consent.file.name.startswith(f"consents/{world.ambito.pk}/")
    download = client.get(reverse("families:consent-file", args=[family.pk, consent.pk]))
    assert_nothing_personal(consent.file.name, download, signed_pdf, f"consenso-{family.code}-privacy.pdf")


def test_a_cv_uploaded_in_the_admin_under_a_personal_name_is_stored_and_served_under_neutral_names(world, client_for):
    member = world.users.operatore
    response = client_for(world.users.admin).post(
        reverse("admin:equipes_user_change", args=[member.pk]),
        {
            "username": member.username,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": "",
            "is_active": "on",
            "date_joined_0": "2024-01-15",
            "date_joined_1": "09:00:00",
            "ambito": member.ambito_id,
            "organisation": member.organisation_id,
            "role": member.role,
            "profile": member.profile,
            "phone": "",
            "cv": SimpleUploadedFile(PERSONAL_NAME, PNG, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    member.refresh_from_db()
    assert member.cv.name.startswith(f"cv/{world.ambito.pk}/")
    download = client_for(world.users.ufficio_piano).get(reverse("equipes:staff-cv", args=[member.pk]))
    # A PNG called ".pdf" is stored and served as what it is.
    assert member.cv.name.endswith(".png")
    assert_nothing_personal(member.cv.name, download, PNG, f"curriculum-{member.username}.png")


def test_the_stored_extension_follows_the_content_not_the_uploaded_name(world, client_for, family):
    client = client_for(world.users.case_manager)
    upload_consent(client, family, PNG, name="scansione.Rossi", content_type="application/octet-stream")
    consent = Consent.objects.get()
    assert RANDOM_NAME.fullmatch(PurePath(consent.file.name).name) and consent.file.name.endswith(".png")
