"""Every page of reporting, and the home page, for each persona, against an object of its ambito and one of
another ambito: anonymous visitors go to the login (the public questionnaire excepted), another ambito's object
answers 404, a role that may not open a page gets 403, and a refused POST changes nothing. The checks are
tests/access_harness.py; the quality data, the hand-built families and a report run of each ambito are built once
for the module."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from reporting import reports, services
from reporting.models import Complaint, ReportRun, SatisfactionSurvey
from tests import access_harness as access
from tests import factories as f

from .conftest import D, make_complaint, make_indicator, make_quality, make_survey
from .test_indicators import hand_built

pytestmark = pytest.mark.django_db

ROLES = ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "admin"]
# The other ambito's Ufficio di Piano and case manager: the same roles, with their own objects.
OUTSIDERS = {"outsider": "ufficio_piano", "outsider_case_manager": "case_manager"}

# The quality section.
MANAGE = {"ufficio_piano", "admin"}
READ = {"ufficio_piano", "coordinatore", "admin"}
READ_AND_PARTNER = READ | {"referente_ente"}
# Report runs and the live indicators.
READ_REPORTS = {"admin", "ufficio_piano", "coordinatore", "referente_ente"}
CHANGE_REPORTS = {"admin", "ufficio_piano"}

# The associated ambito of the world's project ("ASC"): the project's quality records and reports are in its scope;
# its Ufficio di Piano reads them and may not change them, start or approve a report (the lead's does).
ASSOCIATED = {"associated_ufficio_piano": "ufficio_piano", "associated_case_manager": "case_manager"}
LEAD_ONLY = {
    "reporting:survey-edit",
    "reporting:survey-comments",
    "reporting:survey-response-create",
    "reporting:survey-links-create",
    "reporting:survey-batch-print",
    "reporting:complaint-edit",
    "reporting:control-edit",
    "reporting:indicator-edit",
    "reporting:indicator-value-create",
    "reporting:indicator-value-edit",
    "reporting:report-narrative",
    "reporting:report-submit",
    "reporting:report-back",
    "reporting:report-approve",
    "reporting:report-retry",
    "reporting:survey-report-submit",
    "reporting:survey-report-back",
    "reporting:survey-report-approve",
    "reporting:project-takeover",
}

# name -> (method, roles that may open it; every other role gets 403, 404 outside its ambito)
PAGES = {
    "dashboard": ("GET", set(ROLES)),
    "reporting:quality-index": ("GET", READ_AND_PARTNER),
    "reporting:survey-list": ("GET", READ_AND_PARTNER),
    "reporting:survey-create": ("GET", MANAGE),
    "reporting:survey-detail": ("GET", READ_AND_PARTNER),
    "reporting:survey-edit": ("GET", MANAGE),
    "reporting:survey-results": ("GET", READ_AND_PARTNER),
    "reporting:survey-comments": ("GET", MANAGE),
    "reporting:survey-report": ("GET", READ_AND_PARTNER),
    "reporting:survey-report-submit": ("POST", MANAGE | {"referente_ente"}),
    "reporting:survey-report-back": ("POST", MANAGE),
    "reporting:survey-report-approve": ("POST", MANAGE),
    "reporting:survey-response-create": ("GET", MANAGE | {"referente_ente"}),
    "reporting:survey-links-create": ("GET", MANAGE),
    "reporting:survey-batch-print": ("GET", MANAGE),
    "reporting:complaint-list": ("GET", READ_AND_PARTNER),
    "reporting:complaint-create": ("GET", MANAGE | {"referente_ente"}),
    "reporting:complaint-detail": ("GET", READ_AND_PARTNER),
    "reporting:complaint-edit": ("GET", MANAGE),
    "reporting:control-list": ("GET", READ),
    "reporting:control-create": ("GET", MANAGE),
    "reporting:control-detail": ("GET", READ),
    "reporting:control-edit": ("GET", MANAGE),
    "reporting:indicator-list": ("GET", READ),
    "reporting:indicator-create": ("GET", MANAGE),
    "reporting:indicator-detail": ("GET", READ),
    "reporting:indicator-edit": ("GET", MANAGE),
    "reporting:indicator-value-create": ("GET", MANAGE),
    "reporting:indicator-value-edit": ("GET", MANAGE),
    "reporting:report-list": ("GET", READ_REPORTS),
    "reporting:indicators": ("GET", READ_REPORTS),
    # The progress of a project's targets: counts and shares, for everybody who sees the project.
    "reporting:project-targets": ("GET", set(ROLES)),
    "reporting:report-detail": ("GET", READ_REPORTS),
    "reporting:report-status": ("GET", READ_REPORTS),
    "reporting:report-download": ("GET", READ_REPORTS),
    "reporting:report-narrative": ("POST", CHANGE_REPORTS | {"referente_ente"}),
    "reporting:report-submit": ("POST", CHANGE_REPORTS),
    "reporting:report-back": ("POST", CHANGE_REPORTS),
    "reporting:report-approve": ("POST", CHANGE_REPORTS),
    # A PDF ready is not prepared again (a message, 302): the same answer as when the worker gave up.
    "reporting:report-retry": ("POST", CHANGE_REPORTS),
    # The passage of the families to the project that follows (a project of the ambito).
    "reporting:project-takeover": ("GET", CHANGE_REPORTS),
    # The anonymous questionnaire: the thanks page, and a link whose token does not exist (the valid ones are in
    # reporting/tests/test_survey_links.py). The same for everybody, logged in or not.
    "reporting:survey-thanks": ("GET", None),
    "reporting:survey-answer": ("GET", None),
}
PUBLIC = {"reporting:survey-thanks": 200, "reporting:survey-answer": 404}
FORMATS = ["pdf", "json", "csv", "xlsx"]


def object_urls(q, run) -> dict[str, list[str]]:
    """The pages about one object of an ambito: its quality data (`make_quality`) and a report run."""
    by_object = {
        "survey": [
            "survey-detail",
            "survey-edit",
            "survey-results",
            "survey-comments",
            "survey-response-create",
            "survey-report",
            "survey-report-submit",
            "survey-report-back",
            "survey-report-approve",
        ],
        "survey_links": ["survey-links-create"],
        "batch": ["survey-batch-print"],
        "complaint": ["complaint-detail", "complaint-edit"],
        "control": ["control-detail", "control-edit"],
        "indicator": ["indicator-detail", "indicator-edit", "indicator-value-create"],
        "value": ["indicator-value-edit"],
        "run": [
            "report-detail",
            "report-status",
            "report-narrative",
            "report-submit",
            "report-back",
            "report-approve",
            "report-retry",
        ],
    }
    objects = {
        "survey": q.survey,
        "survey_links": q.survey,
        "batch": q.batch,
        "complaint": q.complaint,
        "control": q.control,
        "indicator": q.indicator,
        "value": q.indicator.values.get(),
        "run": run,
    }
    urls = {
        f"reporting:{name}": [reverse(f"reporting:{name}", args=[objects[kind].pk])]
        for kind, names in by_object.items()
        for name in names
    }
    urls["reporting:project-targets"] = [reverse("reporting:project-targets", args=[run.project_id])]
    urls["reporting:project-takeover"] = [reverse("reporting:project-takeover", args=[run.project_id])]
    urls["reporting:report-download"] = [reverse("reporting:report-download", args=[run.pk, fmt]) for fmt in FORMATS]
    return urls


def expected(persona: str, name: str, in_scope: bool) -> int:
    method, allowed = PAGES[name]
    if allowed is None:
        return PUBLIC[name]
    if not in_scope and persona != "admin":
        return 404
    if persona in ASSOCIATED:
        return 403 if ASSOCIATED[persona] not in allowed or name in LEAD_ONLY else (302 if method == "POST" else 200)
    if OUTSIDERS.get(persona, persona) not in allowed:
        return 403
    return 302 if method == "POST" else 200


def urls(scene, persona: str | None, name: str, in_scope: bool) -> list[str]:
    if name not in scene.urls["ours"]:
        if name == "reporting:survey-answer":
            return [reverse(name, args=["no-such-token"])] if in_scope else []
        return [reverse(name)] if in_scope else []
    ours, theirs = ("theirs", "ours") if persona in OUTSIDERS else ("ours", "theirs")
    return scene.urls[ours if in_scope else theirs][name]


TABLE = access.Table(
    namespace="reporting",
    pages={name: method for name, (method, _allowed) in PAGES.items()},
    personas=[*ROLES, *OUTSIDERS, *ASSOCIATED],
    urls=urls,
    expected=expected,
    app_labels=["reporting"],
    post_data={"critical_issues": "x", "corrective_actions": "x", "overall_evaluation": "x"},
    public=PUBLIC,
)


@pytest.fixture(scope="module")
def scene(module_world, walk):
    """The quality data of both ambiti (`make_quality`, and a value of the other ambito's indicator), the
    hand-built families of the indicator tests, and a semester report run of each ambito."""
    world = module_world
    quality = make_quality(world)
    # `make_quality`'s indicator of the other ambito has no value: one that has.
    other_indicator = make_indicator(
        world.other.project, name="Famiglie con esito A", values=[(D(2024, 1, 1), D(2024, 6, 30), "70")]
    )
    hand_built(world, walk)
    # The partner's reports on the results of both ambiti's surveys, in draft.
    for survey, author in [
        (quality.survey, world.users.referente_ente),
        (quality.other_survey, world.other.ufficio_piano),
    ]:
        services.survey_report_save(
            survey=survey, findings="Famiglie soddisfatte.", improvements="", shared_with_operators_on=None, by=author
        )
    # The worker is not running: the runs are rendered here, as the worker would (their enqueueing is rolled back
    # with the module's transaction).
    ours = reports.report_start(project=world.project, kind="semester", label="2024-S1", by=world.users.admin)
    theirs = reports.report_start(
        project=world.other.project, kind="semester", label="2024-S1", by=world.other.ufficio_piano
    )
    reports.run_report(ours.pk)
    reports.run_report(theirs.pk)
    other = SimpleNamespace(
        survey=quality.other_survey,
        batch=quality.other_batch,
        complaint=quality.other_complaint,
        control=quality.other_control,
        indicator=other_indicator,
    )
    personas = {role: getattr(world.users, role) for role in ROLES}
    personas |= {"outsider": world.other.ufficio_piano, "outsider_case_manager": world.other.outsider}
    personas |= {
        "associated_ufficio_piano": world.associated.users.ufficio_piano,
        "associated_case_manager": world.associated.users.case_manager,
    }
    return SimpleNamespace(
        world=world,
        quality=quality,
        personas=personas,
        sessions=access.sessions(personas),
        urls={"ours": object_urls(quality, ours), "theirs": object_urls(other, theirs)},
    )


def test_every_reporting_url_is_in_the_matrix():
    access.assert_every_url_has_an_entry(TABLE)


@pytest.mark.parametrize(("persona", "name"), TABLE.cases())
def test_each_persona_gets_the_expected_status(scene, persona, name):
    access.check(TABLE, scene, persona, name)


@pytest.mark.parametrize("name", sorted(TABLE.pages))
def test_anonymous_visitors_are_sent_to_the_login(scene, name):
    access.check_anonymous(TABLE, scene, name)


# --- Scope within the ambito ------------------------------------------------------------------------------


def test_referente_ente_gets_404_for_a_complaint_about_another_organisation(scene):
    world, quality = scene.world, scene.quality
    complaint = make_complaint(world.project, world.users.ufficio_piano, organisation=world.other_coop)
    client = access.logged_in(scene, "referente_ente")
    assert client.get(reverse("reporting:complaint-detail", args=[complaint.pk])).status_code == 404
    listed = client.get(reverse("reporting:complaint-list")).context["page"]
    assert {c.pk for c in listed} == {quality.complaint.pk}


def test_referente_ente_gets_404_for_a_survey_of_a_project_without_its_organisation(scene):
    world = scene.world
    project = f.make_project(world.ambito)  # the cooperative is not a partner of it
    survey = make_survey(project, world.users.ufficio_piano, title="Altro progetto")
    assert access.logged_in(scene, "referente_ente").get(survey.get_absolute_url()).status_code == 404
    assert access.logged_in(scene, "coordinatore").get(survey.get_absolute_url()).status_code == 200


def test_the_public_questionnaire_needs_no_login(scene, client):
    link = scene.quality.batch.links.first()
    assert client.get(link.get_absolute_url()).status_code == 200


def test_nav_shows_quality_to_the_roles_that_may_open_it(scene):
    for role in ROLES:
        page = access.logged_in(scene, role).get(reverse("dashboard")).content.decode()
        assert (reverse("reporting:quality-index") in page) == (role in READ_AND_PARTNER), role


# --- Refused writes change nothing ------------------------------------------------------------------------


def complaint_form(world, **fields):
    data = {
        "project": world.project.pk,
        "received_on": "2024-03-01",
        "channel": "email",
        "subject": "Oggetto cambiato",
        "organisation": world.coop.pk,
        "handling_notes": "",
        "closed_on": "2024-03-10",
        "outcome": "accolto",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("role", ["coordinatore", "case_manager", "operatore", "referente_ente"])
def test_refused_post_to_edit_a_complaint_changes_nothing(scene, role):
    complaint = Complaint.objects.get(pk=scene.quality.complaint.pk)
    url = reverse("reporting:complaint-edit", args=[complaint.pk])
    response = access.logged_in(scene, role).post(url, complaint_form(scene.world))
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert (complaint.subject, complaint.closed_on) == ("Ritardo negli incontri", None)


@pytest.mark.parametrize("role", ["coordinatore", "case_manager", "operatore", "referente_ente"])
def test_refused_post_to_create_a_survey_creates_nothing(scene, role):
    data = {
        "project": scene.world.project.pk,
        "audience": "beneficiari",
        "title": "Non dovrebbe esistere",
        "period_start": "2024-04-01",
        "period_end": "2024-05-31",
        "statements": "Una\nDue",
    }
    response = access.logged_in(scene, role).post(reverse("reporting:survey-create"), data)
    assert response.status_code == 403
    assert not SatisfactionSurvey.objects.filter(title="Non dovrebbe esistere").exists()


@pytest.mark.parametrize("role", ["case_manager", "operatore"])
def test_refused_post_of_a_complaint_creates_nothing(scene, role):
    response = access.logged_in(scene, role).post(
        reverse("reporting:complaint-create"), complaint_form(scene.world, subject="Nuovo")
    )
    assert response.status_code == 403
    assert not Complaint.objects.filter(subject="Nuovo").exists()


def test_outsider_post_to_our_complaint_is_404_and_changes_nothing(scene):
    complaint = Complaint.objects.get(pk=scene.quality.complaint.pk)
    url = reverse("reporting:complaint-edit", args=[complaint.pk])
    response = access.logged_in(scene, "outsider").post(url, complaint_form(scene.world))
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.subject == "Ritardo negli incontri"


def test_refused_paper_entry_records_nothing(scene):
    survey = scene.quality.survey
    url = reverse("reporting:survey-response-create", args=[survey.pk])
    item = survey.items.first()
    response = access.logged_in(scene, "coordinatore").post(url, {"submitted_on": "2024-04-10", f"item_{item.pk}": "5"})
    assert response.status_code == 403
    assert survey.responses.count() == 1


@pytest.mark.parametrize("persona", sorted(set(ROLES) - CHANGE_REPORTS))
def test_a_role_that_does_not_start_reports_cannot_start_one(scene, persona):
    count = ReportRun.objects.count()
    response = access.logged_in(scene, persona).post(
        reverse("reporting:report-list"), {"project": scene.world.project.pk, "kind": "semester", "semester": "2024-S2"}
    )
    assert response.status_code == 403
    assert ReportRun.objects.count() == count


# --- The reports of a shared project, for its associated ambito ------------------------------------------------


def test_the_associated_ufficio_di_piano_reads_who_starts_the_reports_instead_of_an_empty_form(scene):
    """The associated ambito's Ufficio di Piano starts no report (the lead's does): the list says so, naming the
    lead, and lists the shared project's reports it reads."""
    world = scene.world
    response = access.logged_in(scene, "associated_ufficio_piano").get(reverse("reporting:report-list"))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["reported_by_lead"] == [world.project]
    page = response.content.decode()
    assert "Avvia una rendicontazione" not in page
    assert (
        f"I rapporti del progetto sono avviati e approvati dall'Ufficio di Piano capofila: {world.ambito.name}." in page
    )
    assert world.project.cup in page
    assert [run.project_id for run in response.context["page"]] == [world.project.pk]
    assert scene.urls["ours"]["reporting:report-detail"][0] in page


def test_the_lead_ufficio_di_piano_gets_the_start_form_and_no_explanation(scene):
    response = access.logged_in(scene, "ufficio_piano").get(reverse("reporting:report-list"))
    assert list(response.context["form"].fields["project"].queryset) == [scene.world.project]
    assert response.context["reported_by_lead"] == []
    assert "avviati e approvati dall'Ufficio di Piano capofila" not in response.content.decode()


@pytest.mark.parametrize("persona", ["coordinatore", "referente_ente"])
def test_roles_that_start_no_report_read_the_list_without_the_explanation(scene, persona):
    response = access.logged_in(scene, persona).get(reverse("reporting:report-list"))
    assert response.status_code == 200
    assert response.context["form"] is None and response.context["reported_by_lead"] == []


def test_the_associated_ufficio_di_piano_cannot_start_a_report_by_posting(scene):
    count = ReportRun.objects.count()
    response = access.logged_in(scene, "associated_ufficio_piano").post(
        reverse("reporting:report-list"), {"project": scene.world.project.pk, "kind": "semester", "semester": "2024-S2"}
    )
    assert response.status_code == 403
    assert ReportRun.objects.count() == count
