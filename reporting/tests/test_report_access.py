"""Every page of the report runs and the live indicators, for each persona, against a run of its ambito and one
of another ambito: outside the ambito 404, a role that does not read reports 403, a role that reads but does not
change them 403 on every action, and a refused POST leaves the run as it was."""

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from reporting import reports
from reporting.models import ReportRun

from .test_indicators import fixture  # noqa: F401 — the hand-built families, hours and outcomes

READ = {"admin", "ufficio_piano", "coordinatore", "referente_ente"}
CHANGE = {"admin", "ufficio_piano"}
PERSONAS = ["admin", "ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "outsider"]

# name -> (method, roles allowed, whether the page is about one run)
PAGES = {
    "report-list": ("GET", READ, False),
    "indicators": ("GET", READ, False),
    "report-detail": ("GET", READ, True),
    "report-status": ("GET", READ, True),
    "report-download": ("GET", READ, True),
    "report-narrative": ("POST", CHANGE, True),
    "report-submit": ("POST", CHANGE, True),
    "report-back": ("POST", CHANGE, True),
    "report-approve": ("POST", CHANGE, True),
}
FORMATS = ["pdf", "json", "csv", "xlsx"]


@pytest.fixture
def runs(world, fixture, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=False):
        ours = reports.report_start(project=world.project, kind="semester", label="2024-S1", by=world.users.admin)
        theirs = reports.report_start(
            project=world.other.project, kind="semester", label="2024-S1", by=world.other.ufficio_piano
        )
    reports.run_report(theirs.pk)
    return reports.run_report(ours.pk), ReportRun.objects.get(pk=theirs.pk)


def persona_user(world, persona):
    return world.other.ufficio_piano if persona == "outsider" else getattr(world.users, persona)


def urls(name: str, run) -> list[str]:
    if name == "report-download":
        return [reverse("reporting:report-download", args=[run.pk, fmt]) for fmt in FORMATS]
    if PAGES[name][2]:
        return [reverse(f"reporting:{name}", args=[run.pk])]
    return [reverse(f"reporting:{name}")]


def expected(persona: str, name: str, in_scope: bool) -> int:
    method, allowed, about_a_run = PAGES[name]
    role = "ufficio_piano" if persona == "outsider" else persona
    if about_a_run and not in_scope and persona != "admin":
        return 404
    if role not in allowed:
        return 403
    return 302 if method == "POST" else 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_status(world, runs, persona):
    ours, theirs = runs
    if persona == "outsider":
        ours, theirs = theirs, ours
    client = Client()
    client.force_login(persona_user(world, persona))
    failures = []
    for name, (method, _allowed, about_a_run) in PAGES.items():
        targets = [(ours, True), (theirs, False)] if about_a_run else [(ours, True)]
        for run, in_scope in targets:
            want = expected(persona, name, in_scope)
            for url in urls(name, run):
                if method == "GET":
                    status = client.get(url).status_code
                elif want == 302:
                    continue  # allowed actions change the run: the workflow tests exercise them
                else:
                    before = model_to_dict(ReportRun.objects.get(pk=run.pk))
                    count = ReportRun.objects.count()
                    status = client.post(
                        url, {"critical_issues": "x", "corrective_actions": "x", "overall_evaluation": "x"}
                    ).status_code
                    if model_to_dict(ReportRun.objects.get(pk=run.pk)) != before or ReportRun.objects.count() != count:
                        failures.append(f"{url}: a refused POST changed the run")
                if status != want:
                    failures.append(f"{url} ({'in' if in_scope else 'out of'} scope): {status}, expected {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - CHANGE - {"outsider"}))
def test_a_role_that_does_not_start_reports_cannot_start_one(world, runs, persona):
    client = Client()
    client.force_login(persona_user(world, persona))
    count = ReportRun.objects.count()
    response = client.post(
        reverse("reporting:report-list"), {"project": world.project.pk, "kind": "semester", "semester": "2024-S2"}
    )
    assert response.status_code == 403
    assert ReportRun.objects.count() == count


def test_anonymous_visitors_are_sent_to_the_login(runs):
    ours, _theirs = runs
    client = Client()
    for name, (method, _allowed, _about) in PAGES.items():
        for url in urls(name, ours):
            response = getattr(client, method.lower())(url)
            assert response.status_code == 302 and "/accounts/login/" in response.url, url
