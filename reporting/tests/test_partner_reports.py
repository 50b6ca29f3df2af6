"""The partner's referent drafts what 001 makes the partner send to the Ufficio di Piano: the texts of the semester
and annual reports of its projects, and the report on the results of their satisfaction surveys; the Ufficio di
Piano reviews and approves both (only it approves)."""

import datetime

import pytest
from django.db import InternalError, transaction
from django.urls import reverse

from families.models import Member
from reporting import reports, services
from reporting.models import ReportRun, SurveyResultsReport
from tests import factories as f

from .conftest import answer, make_survey

pytestmark = pytest.mark.django_db

TEXTS = {
    "critical_issues": "Turn over di un'educatrice.",
    "corrective_actions": "Affiancamento della nuova educatrice.",
    "overall_evaluation": "Il progetto procede come previsto.",
}
REPORT = {"findings": "Famiglie in maggioranza soddisfatte.", "improvements": "Incontri il sabato."}


@pytest.fixture
def run(world):
    return reports.report_start(project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano)


@pytest.fixture
def survey(world):
    survey = make_survey(world.project, world.users.ufficio_piano, title="Soddisfazione delle famiglie 2024")
    answer(survey, world.users.ufficio_piano, [4, 5, 3])
    return survey


def not_partner_referent(world):
    """A referent of the same ambito whose cooperative is not a partner of the world's project."""
    return f.make_user(world.ambito, "referente_ente", world.other_coop, username="referente_gamma")


# --- The texts of a report run ------------------------------------------------------------------------------


def test_partner_referent_drafts_the_texts_of_its_projects_draft_run(world, client_for, run):
    client = client_for(world.users.referente_ente)
    page = client.get(run.get_absolute_url())
    assert page.context["narrative_form"] is not None and not page.context["can_change"]
    response = client.post(reverse("reporting:report-narrative", args=[run.pk]), TEXTS)
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.critical_issues, run.narrative_by) == (TEXTS["critical_issues"], world.users.referente_ente)
    assert "Testi scritti da" in client.get(run.get_absolute_url()).content.decode()


def test_partner_referent_neither_submits_nor_approves_a_run(world, client_for, run):
    reports.report_save_narrative(run=run, texts=TEXTS, by=world.users.referente_ente)
    client = client_for(world.users.referente_ente)
    for name in ("report-submit", "report-approve", "report-back"):
        assert client.post(reverse(f"reporting:{name}", args=[run.pk])).status_code == 403, name
    assert ReportRun.objects.get(pk=run.pk).state == ReportRun.State.BOZZA


def test_the_referent_of_an_organisation_outside_the_project_gets_404_and_writes_nothing(world, client_for, run):
    client = client_for(not_partner_referent(world))
    assert client.post(reverse("reporting:report-narrative", args=[run.pk]), TEXTS).status_code == 404
    assert client.get(run.get_absolute_url()).context["narrative_form"] is None
    run.refresh_from_db()
    assert (run.critical_issues, run.narrative_by) == ("", None)


def test_coordinator_may_not_write_the_texts(world, client_for, run):
    response = client_for(world.users.coordinatore).post(reverse("reporting:report-narrative", args=[run.pk]), TEXTS)
    assert response.status_code == 403
    assert ReportRun.objects.get(pk=run.pk).narrative_by is None


def test_partner_referent_reads_the_texts_with_family_names_hidden(world, client_for, run):
    family = f.make_family(world)
    parent = Member.objects.filter(family=family).first()
    reports.report_save_narrative(
        run=run,
        texts={**TEXTS, "critical_issues": f"Ritardo con {parent.first_name} {parent.last_name}."},
        by=world.users.ufficio_piano,
    )
    page = client_for(world.users.referente_ente).get(run.get_absolute_url()).content.decode()
    assert parent.last_name not in page


def test_the_partner_cannot_change_the_texts_once_in_review(world, client_for, run):
    reports.report_save_narrative(run=run, texts=TEXTS, by=world.users.referente_ente)
    ReportRun.objects.filter(pk=run.pk).update(state=ReportRun.State.IN_REVISIONE)
    client = client_for(world.users.referente_ente)
    response = client.post(reverse("reporting:report-narrative", args=[run.pk]), {**TEXTS, "critical_issues": "x"})
    assert response.status_code == 302
    assert ReportRun.objects.get(pk=run.pk).critical_issues == TEXTS["critical_issues"]


# --- The report on a survey's results -----------------------------------------------------------------------


def test_partner_referent_writes_and_sends_the_survey_results_report(world, client_for, survey):
    client = client_for(world.users.referente_ente)
    url = reverse("reporting:survey-report", args=[survey.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**REPORT, "shared_with_operators_on": "2024-06-10"})
    assert response.status_code == 302
    report = SurveyResultsReport.objects.get(survey=survey)
    assert (report.written_by, report.state, report.shared_with_operators_on) == (
        world.users.referente_ente,
        "bozza",
        datetime.date(2024, 6, 10),
    )
    assert client.post(reverse("reporting:survey-report-submit", args=[survey.pk])).status_code == 302
    assert SurveyResultsReport.objects.get(survey=survey).state == "inviata"
    # Only the Ufficio di Piano approves.
    assert client.post(reverse("reporting:survey-report-approve", args=[survey.pk])).status_code == 403
    assert SurveyResultsReport.objects.get(survey=survey).state == "inviata"


def test_the_ufficio_di_piano_sends_back_then_approves_and_the_report_is_frozen(world, client_for, survey):
    partner, udp = world.users.referente_ente, world.users.ufficio_piano
    report = services.survey_report_save(survey=survey, by=partner, shared_with_operators_on=None, **REPORT)
    services.survey_report_submit(report=report, by=partner)
    client = client_for(udp)
    client.post(reverse("reporting:survey-report-back", args=[survey.pk]))
    assert SurveyResultsReport.objects.get(pk=report.pk).state == "bozza"
    services.survey_report_submit(report=report, by=partner)
    client.post(reverse("reporting:survey-report-approve", args=[survey.pk]))
    approved = SurveyResultsReport.objects.get(pk=report.pk)
    assert (approved.state, approved.approved_by) == ("approvata", udp)
    with pytest.raises(services.SurveyReportRefused):
        services.survey_report_save(survey=survey, by=partner, shared_with_operators_on=None, **REPORT)
    with pytest.raises(InternalError, match="survey_report_approved_is_immutable"), transaction.atomic():
        SurveyResultsReport.objects.filter(pk=report.pk).update(findings="Riscritta")


def test_a_report_without_findings_is_not_sent(world, survey):
    report = services.survey_report_save(
        survey=survey, findings=" ", improvements="", shared_with_operators_on=None, by=world.users.referente_ente
    )
    with pytest.raises(services.SurveyReportRefused, match="esiti"):
        services.survey_report_submit(report=report, by=world.users.referente_ente)


def test_a_sharing_date_in_the_future_is_a_form_error(world, client_for, survey):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client_for(world.users.referente_ente).post(
        reverse("reporting:survey-report", args=[survey.pk]), {**REPORT, "shared_with_operators_on": tomorrow}
    )
    assert response.status_code == 200 and "nel futuro" in response.content.decode()
    assert not SurveyResultsReport.objects.filter(survey=survey).exists()


@pytest.mark.parametrize("role", ["coordinatore", "case_manager", "operatore"])
def test_roles_without_the_duty_write_no_survey_report(world, client_for, survey, role):
    response = client_for(getattr(world.users, role)).post(reverse("reporting:survey-report", args=[survey.pk]), REPORT)
    assert response.status_code == 403
    assert not SurveyResultsReport.objects.filter(survey=survey).exists()


def test_the_referent_of_an_organisation_outside_the_project_gets_404_for_its_survey_report(world, client_for, survey):
    client = client_for(not_partner_referent(world))
    assert client.post(reverse("reporting:survey-report", args=[survey.pk]), REPORT).status_code == 404
    assert not SurveyResultsReport.objects.filter(survey=survey).exists()
