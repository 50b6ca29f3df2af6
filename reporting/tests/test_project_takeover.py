"""The passage of the families to the project that follows (issue 13 §5), once the concluded project's final
report has frozen its figures: the service, the page, who may use it, its query count."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from equipes import services as project_services
from equipes.models import FundingSource
from families.models import ProjectTakeover, State
from families.services import TransitionRefused
from reporting import reports, services
from reporting.indicators import compute
from tests import factories as f

END = datetime.date(2026, 5, 31)


@pytest.fixture
def conclude(world, django_capture_on_commit_callbacks):
    """Conclude the world's project on 31/05/2026 (after its families were included) and start a LEPS project
    after it; the follow-on's `frozen()` makes the concluded project's final report."""
    return lambda: _conclude(world, django_capture_on_commit_callbacks)


def _conclude(world, django_capture_on_commit_callbacks):
    udp = world.users.ufficio_piano
    project_services.project_conclude(project=world.project, on=END, by=udp)
    project = project_services.project_start_follow_on(
        predecessor=world.project,
        by=udp,
        title="P.I.P.P.I. LEPS",
        funding_source=FundingSource.LEPS,
        cup="",
        amount=Decimal("90000"),
        start_date=END + datetime.timedelta(days=1),
        end_date=datetime.date(2027, 12, 31),
        implementation_number=14,
    )

    def frozen():
        with django_capture_on_commit_callbacks(execute=False):
            run = reports.report_start(project=world.project, kind="final", label="", by=udp)
        return reports.run_report(run.pk)

    project.frozen = frozen
    return project


def test_the_passage_waits_for_the_final_report(world, advance, conclude):
    family = advance(f.make_family(world), State.IN_CORSO)
    follow_on = conclude()
    with pytest.raises(TransitionRefused, match="relazione finale"):
        services.project_take_over_families(
            implementation=follow_on.implementations.get(), by=world.users.ufficio_piano
        )
    family.refresh_from_db()
    assert family.implementation == world.implementation


def test_the_final_report_keeps_the_families_that_left(world, advance, conclude):
    family = advance(f.make_family(world), State.IN_CORSO)
    follow_on = conclude()
    run = follow_on.frozen()
    services.project_take_over_families(implementation=follow_on.implementations.get(), by=world.users.ufficio_piano)
    (row,) = run.snapshot["physical"]["families"]["rows"]
    assert row["included"]["cumulative"] == 1
    live = compute(follow_on, follow_on.start_date, datetime.date(2026, 11, 30))
    assert [r["implementation"] for r in live["physical"]["families"]["rows"]] == ["P.I.P.P.I. 14"]
    assert ProjectTakeover.objects.get().family == family


def test_the_takeover_page_lists_the_families_and_moves_them(world, advance, client_for, conclude):
    family = advance(f.make_family(world), State.IN_CORSO)
    follow_on = conclude()
    follow_on.frozen()
    implementation = follow_on.implementations.get()
    url = reverse("reporting:project-takeover", args=[follow_on.pk])
    client = client_for(world.users.ufficio_piano)
    assert family.code in client.get(url).content.decode()
    response = client.post(url, {"implementation": implementation.pk})
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.implementation == implementation


def test_without_the_final_report_the_page_says_what_is_missing(world, advance, client_for, conclude):
    advance(f.make_family(world), State.IN_CORSO)
    follow_on = conclude()
    url = reverse("reporting:project-takeover", args=[follow_on.pk])
    response = client_for(world.users.ufficio_piano).post(url, {"implementation": follow_on.implementations.get().pk})
    assert response.status_code == 200
    assert "relazione finale del progetto precedente" in response.content.decode()
    assert not ProjectTakeover.objects.exists()


def test_a_case_manager_cannot_take_over_and_nothing_moves(world, advance, client_for, conclude):
    family = advance(f.make_family(world), State.IN_CORSO)
    follow_on = conclude()
    follow_on.frozen()
    url = reverse("reporting:project-takeover", args=[follow_on.pk])
    response = client_for(world.users.case_manager).post(url, {"implementation": follow_on.implementations.get().pk})
    assert response.status_code == 403
    family.refresh_from_db()
    assert family.implementation == world.implementation
    assert not ProjectTakeover.objects.exists()


def test_an_implementation_of_another_project_is_a_form_error(world, advance, client_for, conclude):
    advance(f.make_family(world), State.IN_CORSO)
    follow_on = conclude()
    follow_on.frozen()
    url = reverse("reporting:project-takeover", args=[follow_on.pk])
    response = client_for(world.users.ufficio_piano).post(url, {"implementation": world.implementation.pk})
    assert response.status_code == 200
    assert not ProjectTakeover.objects.exists()


def test_takeover_page_query_count_does_not_grow_with_the_families(world, client_for, count_queries, conclude):
    follow_on = conclude()
    url = reverse("reporting:project-takeover", args=[follow_on.pk])
    client = client_for(world.users.ufficio_piano)
    f.make_family(world)
    client.get(url)
    with_one = count_queries(lambda: client.get(url))
    for _ in range(29):
        f.make_family(world)
    assert count_queries(lambda: client.get(url)) == with_one
    assert with_one <= 12
