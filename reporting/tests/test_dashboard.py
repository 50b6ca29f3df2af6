"""The home page (`dashboard`, reporting.dashboard_views): every role gets it (reporting/tests/test_access.py),
inside its own ambito, with what the role needs first (projects and équipes, caseload, T1/T2 deadlines, the
method's warnings, SEDT weeks below the minimum), in the same number of queries at 1 and at 30 rows."""

import pytest
from django.urls import reverse

from families.tests.test_query_counts import add_families
from families.tests.test_selectors import families_by_deadline, included_family
from interventions.tests.conftest import make_sedt
from interventions.tests.test_sedt import log_last_week_below_minimum
from tests import factories as f


def test_dashboard_shows_the_ambito_projects_and_equipes(world, client_for):
    response = client_for(world.users.case_manager).get(reverse("dashboard"))
    page = response.content.decode()
    assert world.project.cup in page
    assert world.other.project.cup not in page
    assert "Équipe Alfa" in page and "Équipe Omega" not in page
    assert "€ 211.500,00" in page
    assert "01/06/2023" in page


def test_overdue_and_upcoming_deadlines_on_the_dashboard(world, client_for, advance):
    overdue, upcoming, later = families_by_deadline(world, advance)
    page = client_for(world.users.case_manager).get(reverse("dashboard")).content.decode()
    deadlines = page.split("Scadenze T1 e T2")[1]
    assert overdue.code in deadlines and upcoming.code in deadlines and later.code not in deadlines


def test_more_families_than_an_implementations_target_is_no_warning_on_the_dashboard(world, client_for, advance):
    f.make_target(world.project, "famiglie_incluse", 1, "implementazione")
    included_family(world, advance)
    included_family(world, advance)
    page = client_for(world.users.ufficio_piano).get(reverse("dashboard")).content.decode()
    assert "oltre l&#x27;obiettivo" not in page and "oltre l'obiettivo" not in page


def test_sedt_weeks_below_the_minimum_show_on_the_dashboard(world, client_for, family, advance):
    sedt = make_sedt(world, family, advance)
    log_last_week_below_minimum(world, sedt)
    dashboard = client_for(world.users.case_manager).get(reverse("dashboard")).content.decode()
    assert "Educativa domiciliare sotto il minimo settimanale" in dashboard and sedt.family.code in dashboard


# --- Queries ---------------------------------------------------------------------------------------------


def add_projects(world, n):
    for _ in range(n):
        project = f.make_project(world.ambito)
        f.make_implementation(project, 11)
        f.make_implementation(project, 12)


def test_dashboard_query_count_is_the_same_at_1_and_30_projects(world, client_for, count_queries):
    client = client_for(world.users.ufficio_piano)
    url = reverse("dashboard")
    add_projects(world, 1)
    client.get(url)  # warm up the session and caches
    with_one = count_queries(lambda: client.get(url))
    add_projects(world, 29)
    with_thirty = count_queries(lambda: client.get(url))
    assert with_one == with_thirty
    assert with_thirty <= 12


@pytest.mark.parametrize("role", ["case_manager", "coordinatore"])
def test_dashboard_query_count_does_not_grow_with_families(world, client_for, count_queries, role):
    client = client_for(getattr(world.users, role))
    url = reverse("dashboard")
    add_families(world, 1)
    client.get(url)
    one = count_queries(lambda: client.get(url))
    add_families(world, 29)
    assert count_queries(lambda: client.get(url)) == one
