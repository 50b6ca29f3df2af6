"""List pages, results and the printable links keep the same number of queries at 1 and at 30 rows (the
session's own bookkeeping aside, see `count_page_queries`)."""

import datetime
import itertools

import pytest
from django.urls import reverse

from reporting import reports
from reporting.models import Formula
from reporting.tests.conftest import (
    answer,
    make_complaint,
    make_control,
    make_indicator,
    make_links,
    make_survey,
)
from tests import factories as f

D = datetime.date
_numbers = itertools.count(1)


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def add_surveys(world, n):
    for _ in range(n):
        survey = make_survey(world.project, world.users.ufficio_piano, title=f"Questionario {next(_numbers)}")
        answer(survey, world.users.ufficio_piano, [4, 5, 3])


def add_complaints(world, n):
    for i in range(n):
        closed = D(2024, 3, 20) if i % 2 == 0 else None
        make_complaint(
            world.project,
            world.users.ufficio_piano,
            organisation=world.coop,
            closed_on=closed,
            outcome="accolto" if closed else "",
        )


def add_controls(world, n):
    for _ in range(n):
        make_control(world.project, world.users.ufficio_piano, world.coop)


def add_indicators(world, n):
    for _ in range(n):
        make_indicator(
            world.project,
            name=f"Indicatore {next(_numbers)}",
            values=[(D(2024, 1, 1), D(2024, 6, 30), "65"), (D(2024, 7, 1), D(2024, 12, 31), "70")],
        )


def add_computed_indicators(world, n):
    formulas = list(Formula.values)
    for i in range(n):
        make_indicator(world.project, name=f"Indicatore calcolato {next(_numbers)}", formula=formulas[i % 3])


CASES = {
    "quality-index": ("reporting:quality-index", add_complaints),
    "survey-list": ("reporting:survey-list", add_surveys),
    "complaint-list": ("reporting:complaint-list", add_complaints),
    "complaint-list-filtered": ("reporting:complaint-list", add_complaints),
    "control-list": ("reporting:control-list", add_controls),
    "indicator-list": ("reporting:indicator-list", add_indicators),
    "indicator-list-computed": ("reporting:indicator-list", add_computed_indicators),
}
QUERY_STRINGS = {"complaint-list-filtered": "?status=chiusi&channel=telefono&q=Ritardo&received_from=2024-01-01"}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("role", ["ufficio_piano", "coordinatore"])
def test_list_query_count_is_the_same_at_1_and_30_rows(world, client_for, count_page_queries, name, role):
    url_name, add_rows = CASES[name]
    client = client_for(getattr(world.users, role))
    url = reverse(url_name) + QUERY_STRINGS.get(name, "")
    add_rows(world, 1)
    client.get(url)  # warm up the session and caches
    with_one = count_page_queries(lambda: get_page(client, url))
    add_rows(world, 29)
    with_thirty = count_page_queries(lambda: get_page(client, url))
    assert with_one == with_thirty
    assert with_thirty <= 12


def test_referente_complaint_list_query_count_does_not_grow(world, client_for, count_page_queries):
    client = client_for(world.users.referente_ente)
    url = reverse("reporting:complaint-list")
    add_complaints(world, 1)
    client.get(url)
    with_one = count_page_queries(lambda: get_page(client, url))
    add_complaints(world, 29)
    assert count_page_queries(lambda: get_page(client, url)) == with_one <= 12


@pytest.mark.parametrize(
    "url_name", ["reporting:survey-results", "reporting:survey-detail", "reporting:survey-comments"]
)
def test_survey_pages_do_not_grow_with_answers(world, client_for, count_page_queries, url_name):
    udp = world.users.ufficio_piano
    survey = make_survey(world.project, udp, statements=[f"Affermazione {i}" for i in range(1, 9)])
    client = client_for(udp)
    url = reverse(url_name, args=[survey.pk])
    answer(survey, udp, [4] * 8, comment="Bene")
    make_links(survey, udp, count=1)
    client.get(url)
    with_one = count_page_queries(lambda: get_page(client, url))
    for i in range(29):
        answer(survey, udp, [1 + i % 5] * 8, comment=f"Commento {i}")
        make_links(survey, udp, count=1)
    assert count_page_queries(lambda: get_page(client, url)) == with_one <= 12


def test_printable_links_do_not_grow_with_the_batch(world, client_for, count_page_queries):
    udp = world.users.ufficio_piano
    survey = make_survey(world.project, udp)
    small, large = make_links(survey, udp, count=1), make_links(survey, udp, count=30)
    client = client_for(udp)
    client.get(small.get_absolute_url())
    with_one = count_page_queries(lambda: get_page(client, small.get_absolute_url()))
    assert count_page_queries(lambda: get_page(client, large.get_absolute_url())) == with_one <= 12


def test_indicators_of_a_multi_ambito_project_do_not_grow_with_the_ambiti(world, client_for, count_page_queries):
    """The per-ambito table groups each figure by ambito: a third and a fourth ambito with their families cost
    no query."""
    associated = f.add_associated_ambito(world)
    f.make_family(world, case_manager=associated.users.case_manager, comune=associated.comune, equipe=associated.equipe)
    client = client_for(world.users.ufficio_piano)
    url = f"{reverse('reporting:indicators')}?progetto={world.project.pk}&periodo=2024-S1"
    client.get(url)
    with_two = count_page_queries(lambda: get_page(client, url))
    for code in ("ASD", "ASE"):
        ambito = f.make_ambito(code)
        world.project.associated_ambiti.add(ambito)
        f.make_family(
            world,
            case_manager=f.make_user(ambito, f.Role.CASE_MANAGER),
            comune=f.make_comune(ambito),
            equipe=f.make_equipe(ambito),
        )
    page = get_page(client, url)
    assert len(page.context["s"]["ambiti"]["rows"]) == 4
    assert count_page_queries(lambda: get_page(client, url)) == with_two


@pytest.mark.parametrize("role", ["referente_ente", "ufficio_piano"])
def test_partner_report_pages_do_not_grow_with_families_or_answers(world, client_for, count_page_queries, role):
    """The pages the partner's referent writes on (a draft run's texts, a survey's results report): the redactor
    of family names and the answers are read once, whatever their number."""
    from reporting import reports, services
    from tests import factories as f

    udp, partner = world.users.ufficio_piano, world.users.referente_ente
    survey = make_survey(world.project, udp)
    answer(survey, udp, [4, 5, 3])
    services.survey_report_save(
        survey=survey, findings="Esiti.", improvements="", shared_with_operators_on=None, by=partner
    )
    run = reports.report_start(project=world.project, kind="semester", label="2024-S1", by=udp)
    reports.report_save_narrative(run=run, texts={"critical_issues": "Ritardi"}, by=partner)
    urls = [reverse("reporting:survey-report", args=[survey.pk]), run.get_absolute_url()]
    client = client_for(getattr(world.users, role))
    f.make_family(world)
    for url in urls:
        client.get(url)
    with_one = [count_page_queries(lambda url=url: get_page(client, url)) for url in urls]
    for _ in range(29):
        f.make_family(world)
        answer(survey, udp, [1, 2, 3])
    assert [count_page_queries(lambda url=url: get_page(client, url)) for url in urls] == with_one
    assert max(with_one) <= 14


def test_the_report_list_of_an_associated_ambito_does_not_grow_with_runs_or_shared_projects(
    world, client_for, count_page_queries
):
    """The associated ambito's Ufficio di Piano reads the shared projects' reports and, instead of the start form,
    which lead reports each project: one project and one run, then three projects and thirty runs."""
    associated = f.add_associated_ambito(world)
    udp = world.users.ufficio_piano

    def add_runs(project, n, by):
        for _ in range(n):
            reports.report_start(project=project, kind="semester", label="2024-S1", by=by)

    add_runs(world.project, 1, udp)
    client = client_for(associated.users.ufficio_piano)
    url = reverse("reporting:report-list")
    client.get(url)
    with_one = count_page_queries(lambda: get_page(client, url))
    for _ in range(2):
        project = f.make_project(world.other.ambito)
        project.associated_ambiti.add(associated.ambito)
        add_runs(project, 2, world.other.ufficio_piano)
    add_runs(world.project, 25, udp)
    page = get_page(client, url)
    assert len(page.context["reported_by_lead"]) == 3 and page.context["page"].paginator.count == 30
    assert count_page_queries(lambda: get_page(client, url)) == with_one <= 12
