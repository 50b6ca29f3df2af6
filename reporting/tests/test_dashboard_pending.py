"""The dashboard's "Da fare" (reporting.pending): what waits for the person who opens it, with how many and a
link to the page that lists exactly them; inside the user's scope (another ambito's items are never counted);
in the same number of queries, at most 12, with 1 and with 30 pending items of every kind
(test_dashboard_pending_queries.py)."""

import datetime
import random

from django.urls import reverse
from django.utils import timezone

from equipes.models import Project
from families import services as family_services
from families.models import DuplicateConfirmation, Family, Member, State, TimePoint
from families.tests.test_selectors import families_by_deadline
from interventions import services as hours_services
from interventions.models import Timesheet
from reporting import reports, services
from reporting.models import COMPLAINT_RESPONSE_DAYS, ReportRun
from tests import factories as f

from .conftest import answer, make_complaint, make_survey

TODAY = timezone.localdate()
LAST_MONTH = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)


def pending_of(client) -> dict[str, tuple[int, str]]:
    """The dashboard's pending lines as {text: (count, url)}."""
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return {item.text: (item.count, item.url) for item in response.context["pending"]}


def log_hours(user, day=LAST_MONTH, minutes=60) -> Timesheet:
    hours_services.time_entry_set(user=user, day=day, activity="coordinamento", minutes=minutes)
    return Timesheet.objects.get(user=user, month=day.replace(day=1))


def confirmed_month(user, day=LAST_MONTH) -> Timesheet:
    return hours_services.timesheet_confirm(timesheet=log_hours(user, day), by=user)


def old_complaint(world, project=None, by=None, days=COMPLAINT_RESPONSE_DAYS + 1, **fields):
    return make_complaint(
        project or world.project,
        by or world.users.ufficio_piano,
        received_on=TODAY - datetime.timedelta(days=days),
        **fields,
    )


def run_in_review(project, udp, label="2024-S1"):
    run = reports.report_start(project=project, kind="semester", label=label, by=udp)
    run.refresh_from_db()
    texts = {"critical_issues": "Turn over.", "corrective_actions": "Affiancamento.", "overall_evaluation": "Bene."}
    reports.report_save_narrative(run=run, texts=texts, by=udp)
    pdf_ready(run)
    return reports.report_submit(run=run, by=udp)


def pdf_ready(run):
    """The background worker has rendered the PDF (its rendering is tested in test_report_runs.py)."""
    ReportRun.objects.filter(pk=run.pk).update(render_status=ReportRun.Render.PRONTO, progress=100)


def survey_report_sent(world, by, title="Soddisfazione delle famiglie"):
    survey = make_survey(world.project, world.users.ufficio_piano, title=title)
    answer(survey, world.users.ufficio_piano, [4, 5, 3])
    report = services.survey_report_save(
        survey=survey, findings="Famiglie soddisfatte.", improvements="", shared_with_operators_on=None, by=by
    )
    return services.survey_report_submit(report=report, by=by)


def on_path(world, advance, state):
    """A family referred 400 days ago, its T0 300 days ago, taken to `state`."""
    family = f.make_family(world, referral_date=TODAY - datetime.timedelta(days=400))
    return advance(family, state, t0=TODAY - datetime.timedelta(days=300))


# --- Educators and operators: their own months --------------------------------------------------------------------


def test_operatore_sees_its_past_months_with_hours_not_yet_confirmed(world, client_for):
    educator = world.users.operatore
    log_hours(educator)
    log_hours(educator, day=TODAY)  # the month in course is not yet due
    confirmed_month(world.users.case_manager)  # someone else's
    assert pending_of(client_for(educator)) == {
        "mese di ore da confermare": (1, reverse("interventions:my-timesheets"))
    }


def test_a_confirmed_month_is_no_longer_pending(world, client_for):
    confirmed_month(world.users.operatore)
    page = client_for(world.users.operatore).get(reverse("dashboard")).content.decode()
    assert "Niente in sospeso." in page


# --- Timesheets to validate ---------------------------------------------------------------------------------------


def test_ufficio_di_piano_counts_the_confirmed_months_of_its_ambito(world, client_for):
    confirmed_month(world.users.operatore)
    confirmed_month(world.users.case_manager)
    log_hours(world.users.coordinatore)  # a draft waits for its owner, not for validation
    confirmed_month(world.other.outsider)  # another ambito's
    count, url = pending_of(client_for(world.users.ufficio_piano))["fogli ore da validare"]
    assert count == 2
    assert url == reverse("interventions:timesheet-list") + "?stato=confermato"
    listing = client_for(world.users.ufficio_piano).get(url)
    assert len(listing.context["page"]) == 2


def test_partner_referent_counts_only_its_organisations_staff(world, client_for):
    confirmed_month(world.users.operatore)  # of the referent's cooperative
    confirmed_month(world.users.case_manager)  # of the municipality
    assert pending_of(client_for(world.users.referente_ente))["foglio ore da validare"][0] == 1


def test_validated_months_are_not_pending(world, client_for):
    sheet = confirmed_month(world.users.operatore)
    hours_services.timesheet_validate(timesheet=sheet, by=world.users.ufficio_piano)
    assert "foglio ore da validare" not in pending_of(client_for(world.users.referente_ente))


# --- T1/T2 and plans to verify ------------------------------------------------------------------------------------


def test_case_manager_counts_the_t1_t2_of_its_own_families(world, client_for, advance):
    overdue, upcoming, _later = families_by_deadline(world, advance)
    colleague = f.make_user(world.ambito, "case_manager", world.municipality)
    f.make_family(world, case_manager=colleague)  # in the same équipe, but not the case manager's
    pending = pending_of(client_for(world.users.case_manager))
    manager = world.users.case_manager.pk
    assert pending["valutazione T1/T2 scaduta"] == (
        1,
        reverse("families:family-list") + f"?overdue=on&case_manager={manager}",
    )
    assert pending["valutazione T1/T2 in scadenza"] == (1, "#deadlines-title")
    listing = client_for(world.users.case_manager).get(pending["valutazione T1/T2 scaduta"][1]).content.decode()
    assert overdue.code in listing and upcoming.code not in listing


def test_a_colleagues_overdue_family_is_not_the_case_managers_deadline(world, client_for, advance):
    colleague = f.make_user(world.ambito, "case_manager", world.municipality)
    today = TODAY
    family = f.make_family(world, case_manager=colleague, referral_date=today - datetime.timedelta(days=400))
    advance(family, State.IN_CORSO, t0=today - datetime.timedelta(days=300))
    assert "valutazione T1/T2 scaduta" not in pending_of(client_for(world.users.case_manager))
    assert pending_of(client_for(world.users.coordinatore))["valutazione T1/T2 scaduta"][0] == 1


def test_the_projects_deadline_window_decides_what_is_due(world, client_for, advance):
    families_by_deadline(world, advance)
    # The window is each project's: the world's, and the running one of the family referred after it ended.
    Project.objects.filter(ambito=world.ambito).update(deadline_window_days=400)
    assert pending_of(client_for(world.users.coordinatore))["valutazioni T1/T2 in scadenza"][0] == 2


def test_plans_to_verify_at_t1_and_at_t2(world, client_for, advance, ratings):
    today = TODAY
    at_t1 = on_path(world, advance, State.IN_CORSO)
    family_services.assessment_save(
        family=at_t1, time_point=TimePoint.T1, date=today, ratings=ratings(random.Random(1), 4), by=at_t1.case_manager
    )
    at_t2 = on_path(world, advance, State.VALUTAZIONE_T2)
    on_path(world, advance, State.IN_CORSO)  # T1 not yet assessed: nothing to verify
    count, url = pending_of(client_for(world.users.coordinatore))["Progetti Quadro con obiettivi da verificare"]
    assert count == 2 and url == reverse("families:family-list") + "?to_verify=on"
    listing = client_for(world.users.coordinatore).get(url).content.decode()
    assert at_t1.code in listing and at_t2.code in listing
    assert {family.code: family.verify_point for family in Family.objects.plans_to_verify()} == {
        at_t1.code: "T1",
        at_t2.code: "T2",
    }


def test_verified_objectives_leave_nothing_to_verify(world, client_for, advance, record_t1):
    family = on_path(world, advance, State.IN_CORSO)
    record_t1(family, by=family.case_manager, t0=family.assessments.get(time_point="T0").date, rng=random.Random(1))
    assert "Progetto Quadro con obiettivi da verificare" not in pending_of(client_for(world.users.coordinatore))


def test_another_ambitos_families_are_never_counted(world, client_for, advance, other_family):
    advance(other_family, State.VALUTAZIONE_T2)
    assert pending_of(client_for(world.users.coordinatore)) == {}


# --- Complaints and reports of the Ufficio di Piano ---------------------------------------------------------------


def test_complaints_open_beyond_the_response_time(world, client_for):
    old_complaint(world)
    old_complaint(world, days=COMPLAINT_RESPONSE_DAYS)  # still within the time
    old_complaint(world, closed_on=TODAY, outcome="accolto")
    old_complaint(world, project=world.other.project, by=world.other.ufficio_piano)
    client = client_for(world.users.ufficio_piano)
    count, url = pending_of(client)["reclamo aperto da più di 30 giorni"]
    assert count == 1
    assert len(client.get(url).context["page"]) == 1


def test_an_associated_ambito_does_not_answer_the_leads_complaints(world, client_for):
    associated = f.add_associated_ambito(world)
    old_complaint(world)
    assert "reclamo aperto da più di 30 giorni" not in pending_of(client_for(associated.users.ufficio_piano))


def test_lead_ufficio_di_piano_approves_runs_in_review_and_survey_reports_sent(world, client_for):
    run_in_review(world.project, world.users.ufficio_piano)
    survey_report_sent(world, world.users.referente_ente)
    client = client_for(world.users.ufficio_piano)
    pending = pending_of(client)
    count, url = pending["rendicontazione in revisione da approvare"]
    assert count == 1 and url == reverse("reporting:report-list") + "?stato=in_revisione"
    assert len(client.get(url).context["page"]) == 1
    count, url = pending["relazione sugli esiti di un questionario da approvare"]
    assert count == 1 and url == reverse("reporting:survey-list") + "?relazione=inviata"
    assert len(client.get(url).context["page"]) == 1


def test_the_associated_ambito_approves_nothing_of_the_leads_project(world, client_for):
    associated = f.add_associated_ambito(world)
    run_in_review(world.project, world.users.ufficio_piano)
    assert pending_of(client_for(associated.users.ufficio_piano)) == {}


def test_partner_referent_sees_what_the_ufficio_di_piano_sent_back(world, client_for):
    referent = world.users.referente_ente
    report = survey_report_sent(world, referent)
    services.survey_report_back_to_draft(report=report, by=world.users.ufficio_piano)
    run = reports.report_start(project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano)
    reports.report_save_narrative(
        run=run,
        texts={"critical_issues": "Turn over.", "corrective_actions": "Affiancamento.", "overall_evaluation": "Bene."},
        by=referent,
    )
    pdf_ready(run)
    run = reports.report_submit(run=run, by=world.users.ufficio_piano)
    reports.report_back_to_draft(run=run, by=world.users.ufficio_piano)
    response = client_for(referent).get(reverse("dashboard"))
    (item,) = response.context["pending"]
    assert item.count == 2 and "da correggere" in item.text
    assert {url for _label, url in item.entries} == {run.get_absolute_url(), report.get_absolute_url()}
    # Sent again, it waits for the Ufficio di Piano instead.
    services.survey_report_submit(report=report, by=referent)
    reports.report_save_narrative(
        run=run,
        texts={"critical_issues": "Corretto.", "corrective_actions": "Affiancamento.", "overall_evaluation": "Bene."},
        by=referent,
    )
    assert pending_of(client_for(referent)) == {}


def test_the_pending_lines_name_no_person(world, client_for, advance):
    """The coordinator is a pseudonymised role: the pending lines count families and link to lists, with no name
    of a family member."""
    families_by_deadline(world, advance)
    page = client_for(world.users.coordinatore).get(reverse("dashboard")).content.decode()
    section = page.split('id="pending-title"')[1].split("</section>")[0]
    assert "valutazione T1/T2 scaduta" in section
    for member in Member.objects.filter(family__ambito=world.ambito):
        assert member.last_name not in section and member.first_name not in section


def test_administrators_have_no_pending_section(world, client_for):
    response = client_for(world.users.admin).get(reverse("dashboard"))
    assert response.context["pending"] == [] and 'id="pending-title"' not in response.content.decode()


# --- Queries --------------------------------------------------------------------------------------------------


def add_pending(world, advance, n, start):
    """n items of every kind for every role of the world's ambito (start numbers the report periods); the query
    counts at 1 and 30 items: test_dashboard_pending_queries.py."""
    udp, referent = world.users.ufficio_piano, world.users.referente_ente
    for i in range(start, start + n):
        month = (TODAY.replace(day=1) - datetime.timedelta(days=31 * (i + 1))).replace(day=10)
        staff = f.make_user(world.ambito, "operatore", world.coop)
        confirmed_month(staff, day=month)
        log_hours(world.users.operatore, day=month)
        log_hours(world.users.coordinatore, day=month)
        old_complaint(world)
        run_in_review(world.project, udp)  # a new version of the same period each time
        survey_report_sent(world, referent, title=f"Questionario {i}")
        returned = survey_report_sent(world, referent, title=f"Questionario rimandato {i}")
        services.survey_report_back_to_draft(report=returned, by=udp)
        on_path(world, advance, State.VALUTAZIONE_T2)
        twice = f.make_family(world)
        DuplicateConfirmation.objects.create(
            family=twice, member=twice.members.first(), existing_family=twice, reason="Prova", by=udp
        )
