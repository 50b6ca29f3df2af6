"""The staff list with curricula (001, "Oneri a carico del soggetto partner" d/e): the partner's referent uploads
the CVs of its organisation's staff (its own included), the Ufficio di Piano those of the ambito; nobody else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from equipes.models import User

pytestmark = pytest.mark.django_db


def cv(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("curriculum.pdf", content, content_type="application/pdf")


def test_referente_uploads_the_cv_of_its_staff_and_downloads_it(world, client_for, signed_pdf, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.users.referente_ente)
    member = world.users.operatore
    assert client.get(reverse("equipes:staff-detail", args=[member.pk])).context["can_change_cv"]
    response = client.post(reverse("equipes:staff-cv-upload", args=[member.pk]), {"cv": cv(signed_pdf)})
    assert response.status_code == 302
    member.refresh_from_db()
    download = client.get(reverse("equipes:staff-cv", args=[member.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == signed_pdf


def test_referente_uploads_its_own_cv(world, client_for, signed_pdf, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    referente = world.users.referente_ente
    response = client_for(referente).post(
        reverse("equipes:staff-cv-upload", args=[referente.pk]), {"cv": cv(signed_pdf)}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=referente.pk).cv


def test_a_cv_that_is_not_a_pdf_is_a_form_error(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = world.users.operatore
    response = client_for(world.users.referente_ente).post(
        reverse("equipes:staff-cv-upload", args=[member.pk]), {"cv": cv(b"<html>not a pdf</html>")}
    )
    assert response.status_code == 200
    assert "Sono ammessi solo file PDF, JPEG o PNG" in response.content.decode()
    assert not User.objects.get(pk=member.pk).cv


def test_a_missing_file_is_a_form_error(world, client_for):
    response = client_for(world.users.referente_ente).post(
        reverse("equipes:staff-cv-upload", args=[world.users.operatore.pk]), {"cv": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["cv"]


def test_referente_gets_404_for_another_organisations_staff_and_writes_nothing(world, client_for, signed_pdf):
    member = world.users.case_manager  # of the Comune, not of the cooperative
    response = client_for(world.users.referente_ente).post(
        reverse("equipes:staff-cv-upload", args=[member.pk]), {"cv": cv(signed_pdf)}
    )
    assert response.status_code == 404
    assert not User.objects.get(pk=member.pk).cv


@pytest.mark.parametrize("role", ["coordinatore", "case_manager", "operatore"])
def test_roles_outside_the_staff_register_upload_no_cv(world, client_for, signed_pdf, role):
    member = world.users.operatore
    response = client_for(getattr(world.users, role)).post(
        reverse("equipes:staff-cv-upload", args=[member.pk]), {"cv": cv(signed_pdf)}
    )
    assert response.status_code == 404
    assert not User.objects.get(pk=member.pk).cv
