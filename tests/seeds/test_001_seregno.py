"""Seed 001 (Ambito di Seregno, co-design notice of P.I.P.P.I.), commitment by commitment."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories as f


class TestPartnerDuties:
    """001, "Oneri a carico del soggetto partner" and "Rendicontazioni, dati e relazioni": the partner ensures
    "la trasmissione e l'aggiornamento costante dell'elenco del personale impiegato comprensivo di curriculum
    formativo - professionale" and "un'adeguata attività formativa"; for the satisfaction survey it must "redigere
    relazione degli esiti, condividendola con gli operatori" and "inviare la relazione all'Ufficio di Piano";
    "Il Soggetto partner aggiudicatario è tenuta ad inviare all'Ufficio di Piano [...] la rendicontazione
    semestrale [...] una sintesi annuale". The Ufficio di Piano reviews and approves."""

    TEXTS = {
        "critical_issues": "Turn over di un'educatrice nel secondo trimestre.",
        "corrective_actions": "Affiancamento della nuova educatrice da parte del coach.",
        "overall_evaluation": "Il progetto procede secondo il cronoprogramma.",
    }

    @pytest.mark.django_db
    def test_the_partner_drafts_the_semester_reports_narrative_and_the_ufficio_di_piano_approves_it(
        self, world, client_for
    ):
        from reporting import reports
        from reporting.models import ReportRun

        udp, partner = world.users.ufficio_piano, world.users.referente_ente
        run = reports.report_start(project=world.project, kind="semester", label="2024-S1", by=udp)
        partner_client = client_for(partner)
        response = partner_client.post(reverse("reporting:report-narrative", args=[run.pk]), self.TEXTS)
        assert response.status_code == 302
        reports.run_report(run.pk)  # the worker renders the PDF with the partner's texts
        # The partner neither sends the run into review nor approves it...
        assert partner_client.post(reverse("reporting:report-submit", args=[run.pk])).status_code == 403
        # ...the Ufficio di Piano does, after reading the partner's texts.
        udp_client = client_for(udp)
        assert self.TEXTS["corrective_actions"] in udp_client.get(run.get_absolute_url()).content.decode()
        udp_client.post(reverse("reporting:report-submit", args=[run.pk]))
        reports.run_report(run.pk)
        udp_client.post(reverse("reporting:report-approve", args=[run.pk]))
        approved = ReportRun.objects.get(pk=run.pk)
        assert (approved.state, approved.approved_by, approved.narrative_by) == ("approvato", udp, partner)
        assert approved.critical_issues == self.TEXTS["critical_issues"]

    @pytest.mark.django_db
    def test_the_partner_drafts_the_annual_synthesis_too(self, world, client_for):
        from reporting import reports
        from reporting.models import ReportRun

        run = reports.report_start(project=world.project, kind="annual", label="2024", by=world.users.ufficio_piano)
        response = client_for(world.users.referente_ente).post(
            reverse("reporting:report-narrative", args=[run.pk]), self.TEXTS
        )
        assert response.status_code == 302
        assert ReportRun.objects.get(pk=run.pk).narrative_by == world.users.referente_ente

    @pytest.mark.django_db
    def test_the_partner_uploads_its_staffs_cvs(self, world, client_for, signed_pdf, settings, tmp_path):
        from equipes.models import User

        settings.MEDIA_ROOT = tmp_path
        client = client_for(world.users.referente_ente)
        for member in (world.users.operatore, world.users.referente_ente):  # its educator, and its own CV
            upload = SimpleUploadedFile("cv.pdf", signed_pdf, content_type="application/pdf")
            assert client.post(reverse("equipes:staff-cv-upload", args=[member.pk]), {"cv": upload}).status_code == 302
            assert User.objects.get(pk=member.pk).cv
        # Not the Comune's staff: they are not in its register.
        upload = SimpleUploadedFile("cv.pdf", signed_pdf, content_type="application/pdf")
        url = reverse("equipes:staff-cv-upload", args=[world.users.case_manager.pk])
        assert client.post(url, {"cv": upload}).status_code == 404

    @pytest.mark.django_db
    def test_the_partner_documents_its_staffs_training(self, world, client_for):
        from equipes.models import StaffTraining

        response = client_for(world.users.referente_ente).post(
            reverse("equipes:training-create", args=[world.users.operatore.pk]),
            {
                "course": "MOOC Vicinanza solidale",
                "provider": "Università di Padova",
                "hours": "12",
                "completed_on": "2024-02-28",
            },
        )
        assert response.status_code == 302
        assert StaffTraining.objects.filter(user=world.users.operatore, course="MOOC Vicinanza solidale").exists()

    @pytest.mark.django_db
    def test_the_partner_writes_the_survey_results_report_and_the_ufficio_di_piano_approves_it(self, world, client_for):
        from reporting import services
        from reporting.models import SatisfactionSurvey, SurveyResultsReport

        udp, partner = world.users.ufficio_piano, world.users.referente_ente
        survey = services.survey_create(
            survey=SatisfactionSurvey(
                project=world.project,
                audience="beneficiari",
                title="Soddisfazione delle famiglie 2024",
                period_start="2024-04-15",
                period_end="2024-05-31",
            ),
            statements=["Mi sono sentito/a ascoltato/a dagli operatori."],
            by=udp,
        )
        partner_client = client_for(partner)
        url = reverse("reporting:survey-report", args=[survey.pk])
        partner_client.post(
            url,
            {
                "findings": "Famiglie soddisfatte dell'ascolto.",
                "improvements": "",
                "shared_with_operators_on": "2024-06-18",
            },
        )
        partner_client.post(reverse("reporting:survey-report-submit", args=[survey.pk]))
        assert partner_client.post(reverse("reporting:survey-report-approve", args=[survey.pk])).status_code == 403
        client_for(udp).post(reverse("reporting:survey-report-approve", args=[survey.pk]))
        report = SurveyResultsReport.objects.get(survey=survey)
        assert (report.written_by, report.state, report.approved_by) == (partner, "approvata", udp)
        assert str(report.shared_with_operators_on) == "2024-06-18"

    @pytest.mark.django_db
    def test_the_partner_works_only_on_the_projects_it_is_a_partner_of(self, world, client_for):
        from reporting import reports

        project = f.make_project(world.ambito)  # the cooperative is not among its partners
        run = reports.report_start(project=project, kind="semester", label="2024-S1", by=world.users.ufficio_piano)
        response = client_for(world.users.referente_ente).post(
            reverse("reporting:report-narrative", args=[run.pk]), self.TEXTS
        )
        assert response.status_code == 404

    @pytest.mark.demo_seed
    def test_in_the_demo_the_cooperatives_referent_drafted_the_semester_reports(self, seeded_demo):
        from reporting.models import ReportRun

        semester = ReportRun.objects.filter(project__cup="B24H22000190001", kind="semester")
        assert semester.exists()
        assert set(semester.values_list("narrative_by__username", flat=True)) == {"referente_coop"}

    @pytest.mark.demo_seed
    def test_in_the_demo_the_cooperatives_referent_wrote_the_survey_results_reports(self, seeded_demo):
        from reporting.models import SurveyResultsReport

        reports = SurveyResultsReport.objects.filter(survey__project__cup="B24H22000190001")
        assert set(reports.values_list("written_by__username", flat=True)) == {"referente_coop"}
        assert {"approvata", "inviata"} == set(reports.values_list("state", flat=True))

    @pytest.mark.demo_seed
    def test_in_the_demo_the_cooperatives_staff_have_cvs_and_training(self, seeded_demo):
        from equipes.models import StaffTraining, User

        staff = User.objects.filter(organisation__name="Cooperativa sociale Aquilone (demo)")
        assert staff.exists() and not staff.filter(cv="").exists()
        assert StaffTraining.objects.filter(user__in=staff).exists()
