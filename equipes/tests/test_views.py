import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from equipes.models import GovernanceMeeting, Implementation, StaffTraining
from equipes.tests.test_forms import RULES_AS_POSTED

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_ufficio_piano_edits_the_project(world, client_for):
    url = reverse("equipes:project-edit", args=[world.project.pk])
    response = client_for(world.users.ufficio_piano).post(
        url,
        {
            "title": "Nuovo titolo",
            "cup": world.project.cup,
            "amount": "211500,00",
            "start_date": "2023-06-01",
            "end_date": "2026-05-31",
            "measure_code": "M5C2 I1.1.1",
            "partners": [world.coop.pk],
            **RULES_AS_POSTED,
        },
    )
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.title == "Nuovo titolo"


def test_invalid_project_edit_shows_italian_errors_and_saves_nothing(world, client_for):
    url = reverse("equipes:project-edit", args=[world.project.pk])
    response = client_for(world.users.ufficio_piano).post(
        url,
        {"title": "Titolo cambiato", "cup": "XX", "amount": "-1", "start_date": "2023-06-01", "end_date": "2022-01-01"},
    )
    assert response.status_code == 200
    assert "15 caratteri" in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.title == "Progetto di prova"


def test_ufficio_piano_adds_an_implementation(world, client_for):
    url = reverse("equipes:implementation-create", args=[world.project.pk])
    response = client_for(world.users.ufficio_piano).post(
        url,
        {
            "number": "12",
            "module": "BASE",
            "start_date": "2024-01-15",
            "end_date": "2025-12-31",
            "t1_offset_months": "9",
            "t2_offset_months": "18",
        },
    )
    assert response.status_code == 302
    assert Implementation.objects.filter(project=world.project, number=12).exists()


def test_referente_registers_training_with_a_certificate_and_downloads_it(world, client_for):
    client = client_for(world.users.referente_ente)
    member = world.users.operatore
    certificate = SimpleUploadedFile("attestato.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("equipes:training-create", args=[member.pk]),
        {"course": "MOOC Vicinanza solidale", "hours": "12", "completed_on": "2024-02-28", "certificate": certificate},
    )
    assert response.status_code == 302
    training = StaffTraining.objects.get(user=member)
    download = client.get(reverse("equipes:training-certificate", args=[training.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "no-store"
    assert b"".join(download.streaming_content) == PDF
    # Another role of the ambito outside the register cannot fetch it.
    assert (
        client_for(world.users.case_manager)
        .get(reverse("equipes:training-certificate", args=[training.pk]))
        .status_code
        == 404
    )


def test_training_certificate_must_be_a_real_pdf_or_image(world, client_for):
    fake = SimpleUploadedFile("attestato.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client_for(world.users.ufficio_piano).post(
        reverse("equipes:training-create", args=[world.users.operatore.pk]),
        {"course": "MOOC", "hours": "12", "completed_on": "2024-02-28", "certificate": fake},
    )
    assert response.status_code == 200
    assert "Sono ammessi solo file PDF, JPEG o PNG" in response.content.decode()
    assert not StaffTraining.objects.exists()


def test_referente_cannot_register_training_for_another_organisations_staff(world, client_for):
    response = client_for(world.users.referente_ente).post(
        reverse("equipes:training-create", args=[world.users.case_manager.pk]),
        {"course": "MOOC", "hours": "12", "completed_on": "2024-02-28"},
    )
    assert response.status_code == 404
    assert not StaffTraining.objects.exists()


def test_profile_updates_own_contact_details_only(world, client_for):
    user = world.users.operatore
    response = client_for(user).post(
        reverse("equipes:profile"),
        {"first_name": "Anna", "last_name": "Demo", "email": "anna@example.invalid", "phone": "0000", "role": "admin"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.role) == ("Anna", "operatore")


def test_coordinatore_records_a_governance_meeting(world, client_for):
    response = client_for(world.users.coordinatore).post(
        reverse("equipes:meeting-create"),
        {
            "kind": "gruppo_territoriale",
            "date": "2024-03-05",
            "project": world.project.pk,
            "participants": [world.users.ufficio_piano.pk],
            "minutes": "Verifica intermedia.",
        },
    )
    assert response.status_code == 302
    meeting = GovernanceMeeting.objects.get()
    assert meeting.ambito == world.ambito
    assert list(meeting.participants.all()) == [world.users.ufficio_piano]


def test_meeting_form_refuses_participants_and_projects_of_another_ambito(world, client_for):
    response = client_for(world.users.coordinatore).post(
        reverse("equipes:meeting-create"),
        {
            "kind": "gruppo_territoriale",
            "date": "2024-03-05",
            "project": world.other.project.pk,
            "participants": [world.other.outsider.pk],
        },
    )
    assert response.status_code == 200
    assert not GovernanceMeeting.objects.exists()


def test_training_dates_print_in_italian_format(world, client_for):
    StaffTraining.objects.create(
        user=world.users.operatore, course="MOOC", hours=12.5, completed_on=datetime.date(2024, 2, 28)
    )
    page = (
        client_for(world.users.ufficio_piano)
        .get(reverse("equipes:staff-detail", args=[world.users.operatore.pk]))
        .content.decode()
    )
    assert "28/02/2024" in page
    assert "12,5" in page
