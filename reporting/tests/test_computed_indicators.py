"""Impact indicators that the portal computes from its own data (reporting.impact): support families paired in
the period, share of positive outcomes, share of children still at home. A hand-built world; the expected
figures are computed here from the fixture's own lists, never copied from the code."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from families.models import Closure, ClosureOutcome
from interventions.models import Pairing, SupportFamily
from reporting import impact
from reporting.models import Formula, ImpactIndicator, IndicatorValue
from reporting.quality import indicator_figures
from reporting.tests.conftest import make_indicator
from reporting.tests.test_views import post_form
from tests.factories import make_family

D = datetime.date
PAIRINGS = [  # (support family, family, start, end)
    ("Famiglia R.", "a", D(2024, 2, 1), D(2024, 3, 31)),
    ("Famiglia R.", "b", D(2024, 7, 1), None),
    ("Famiglia S.", "b", D(2024, 5, 1), D(2024, 8, 31)),
    ("Famiglia T.", "other", D(2024, 2, 1), None),  # a family of the other ambito's project
]
CLOSURES = [  # (family, date, outcome, child at home)
    ("c", D(2024, 10, 10), "A", True),
    ("d", D(2025, 3, 1), "B", True),
    ("e", D(2025, 4, 1), "C", False),
    ("f", D(2025, 9, 15), "A", True),
    ("other", D(2024, 11, 1), "C", False),
]


@pytest.fixture
def data(world):
    families = {name: make_family(world) for name in "abcdef"}
    families["other"] = make_family(
        world,
        case_manager=world.other.outsider,
        implementation=world.other.implementation,
        comune=world.other.comune,
        equipe=world.other.equipe,
    )
    supports = {}
    for name, family, start, end in PAIRINGS:
        ambito, comune = (world.other.ambito, world.other.comune) if family == "other" else (world.ambito, world.comune)
        if name not in supports:
            supports[name] = SupportFamily.objects.create(ambito=ambito, name=name, comune=comune, availability="-")
        Pairing.objects.create(support_family=supports[name], family=families[family], start_date=start, end_date=end)
    SupportFamily.objects.create(ambito=world.ambito, name="Famiglia U.", comune=world.comune, availability="-")
    outcomes = {o.code: o for o in ClosureOutcome.objects.all()}
    for family, day, outcome, at_home in CLOSURES:
        Closure.objects.create(family=families[family], date=day, outcome=outcomes[outcome], child_at_home=at_home)
    return families


def expected_support_families(start, end) -> Decimal:
    return Decimal(
        len({name for name, family, s, e in PAIRINGS if family != "other" and s <= end and (e is None or e >= start)})
    )


def expected_share(end, counts) -> Decimal | None:
    closed = [c for c in CLOSURES if c[0] != "other" and c[1] <= end]
    if not closed:
        return None
    return (Decimal(sum(1 for c in closed if counts(c))) * 100 / len(closed)).quantize(Decimal("0.01"))


def positive(closure) -> bool:
    return closure[2] in ("A", "B")


def at_home(closure) -> bool:
    return closure[3]


def test_the_periods_are_the_project_semesters_cut_to_its_dates_and_to_today(world):
    periods = impact.semesters(world.project, today=D(2024, 8, 15))
    assert [(p.start, p.end) for p in periods] == [
        (D(2023, 6, 1), D(2023, 6, 30)),
        (D(2023, 7, 1), D(2023, 12, 31)),
        (D(2024, 1, 1), D(2024, 6, 30)),
        (D(2024, 7, 1), D(2024, 8, 15)),
    ]
    ended = impact.semesters(world.project, today=D(2030, 1, 1))
    assert ended[-1].start == D(2026, 1, 1) and ended[-1].end == world.project.end_date
    assert impact.semesters(world.project, today=D(2023, 1, 1)) == []


def test_support_families_are_those_paired_with_a_family_of_the_project_in_the_period(world, data):
    periods = impact.semesters(world.project, today=D(2026, 12, 1))
    values = impact.values_for([Formula.FAMIGLIE_SOLIDALI], periods)
    for period in periods:
        assert values[(Formula.FAMIGLIE_SOLIDALI, period)] == expected_support_families(period.start, period.end)
    assert values[(Formula.FAMIGLIE_SOLIDALI, periods[2])] == 2  # the arithmetic above is not vacuous


def test_the_share_of_positive_outcomes_is_over_the_paths_closed_to_the_end_of_the_period(world, data):
    periods = impact.semesters(world.project, today=D(2026, 12, 1))
    values = impact.values_for([Formula.ESITI_POSITIVI], periods)
    for period in periods:
        assert values[(Formula.ESITI_POSITIVI, period)] == expected_share(period.end, positive)
    assert values[(Formula.ESITI_POSITIVI, periods[4])] == Decimal("66.67")


def test_the_share_of_children_at_home_is_over_the_paths_closed_to_the_end_of_the_period(world, data):
    periods = impact.semesters(world.project, today=D(2026, 12, 1))
    values = impact.values_for([Formula.BAMBINI_A_CASA], periods)
    for period in periods:
        assert values[(Formula.BAMBINI_A_CASA, period)] == expected_share(period.end, at_home)


def test_a_share_over_no_closure_has_no_value(world, data):
    assert impact.value_for(Formula.ESITI_POSITIVI, world.project, D(2023, 6, 1), D(2023, 12, 31)) is None


def test_any_number_of_periods_is_computed_in_two_queries(world, data, count_queries):
    periods = impact.semesters(world.project, today=D(2026, 12, 1))
    queries = count_queries(lambda: impact.values_for(list(Formula.values), periods))
    assert queries == 2


def test_the_report_snapshot_carries_the_value_computed_over_the_report_period(world, data):
    make_indicator(world.project, name="Famiglie d'appoggio", unit="famiglie", formula=Formula.FAMIGLIE_SOLIDALI)
    make_indicator(world.project, name="Esiti positivi", formula=Formula.ESITI_POSITIVI)
    rows = {r["name"]: r for r in indicator_figures(project=world.project, start=D(2024, 7, 1), until=D(2024, 12, 31))}
    support = rows["Famiglie d'appoggio"]
    assert support["computed"] is True
    assert support["latest"] == {
        "value": float(expected_support_families(D(2024, 7, 1), D(2024, 12, 31))),
        "period_start": "2024-07-01",
        "period_end": "2024-12-31",
    }
    assert rows["Esiti positivi"]["latest"]["value"] == float(expected_share(D(2024, 12, 31), positive))


def test_the_indicator_list_shows_the_computed_value_of_the_current_semester(world, data, client_for):
    make_indicator(world.project, name="Esiti positivi", formula=Formula.ESITI_POSITIVI)
    response = client_for(world.users.ufficio_piano).get(reverse("reporting:indicator-list"))
    (row,) = response.context["indicators"]
    last = impact.current_period(world.project)
    assert row.latest_value == expected_share(last.end, positive)
    assert row.latest_period_end == last.end
    assert "calcolato dal portale" in response.content.decode()


def test_the_detail_page_shows_a_computed_value_per_semester_and_no_way_to_type_one(world, data, client_for):
    indicator = make_indicator(world.project, name="Bambini a casa", formula=Formula.BAMBINI_A_CASA)
    response = client_for(world.users.ufficio_piano).get(indicator.get_absolute_url())
    values = response.context["values"]
    assert [v.period_end for v in values] == [p.end for p in impact.semesters(world.project)]
    assert [v.value for v in values] == [expected_share(p.end, at_home) for p in impact.semesters(world.project)]
    assert reverse("reporting:indicator-value-create", args=[indicator.pk]) not in response.content.decode()


def test_a_computed_indicator_takes_no_typed_value(world, client_for):
    indicator = make_indicator(world.project, name="Esiti positivi", formula=Formula.ESITI_POSITIVI)
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:indicator-value-create", args=[indicator.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"period_start": "2024-01-01", "period_end": "2024-06-30", "value": "99"})
    assert response.status_code == 404
    assert not IndicatorValue.objects.exists()


def test_a_typed_value_left_on_a_computed_indicator_cannot_be_edited(world, client_for):
    indicator = make_indicator(
        world.project,
        name="Esiti positivi",
        formula=Formula.ESITI_POSITIVI,
        values=[(D(2024, 1, 1), D(2024, 6, 30), "70")],
    )
    value = indicator.values.get()
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:indicator-value-edit", args=[value.pk])
    data = {"period_start": "2024-01-01", "period_end": "2024-06-30", "value": "99"}
    assert client.post(url, data).status_code == 404
    value.refresh_from_db()
    assert value.value == Decimal("70")


def test_a_computed_indicator_is_created_with_the_unit_of_its_formula_and_keeps_its_formula(world, client_for):
    client = client_for(world.users.ufficio_piano)
    data = {
        "project": world.project.pk,
        "name": "Famiglie d'appoggio attive",
        "formula": Formula.FAMIGLIE_SOLIDALI,
        "unit": "",
        "direction": "higher",
        "baseline": "2",
        "target": "8",
        "method": "",
    }
    post_form(client, reverse("reporting:indicator-create"), data)
    indicator = ImpactIndicator.objects.get()
    assert (indicator.formula, indicator.unit) == (Formula.FAMIGLIE_SOLIDALI, "famiglie")
    edit = reverse("reporting:indicator-edit", args=[indicator.pk])
    post_form(client, edit, {**data, "formula": "", "unit": "famiglie", "name": "Rinominato"})
    indicator.refresh_from_db()
    assert (indicator.name, indicator.formula) == ("Rinominato", Formula.FAMIGLIE_SOLIDALI)


def test_a_typed_indicator_needs_a_unit(world, client_for):
    client = client_for(world.users.ufficio_piano)
    data = {
        "project": world.project.pk,
        "name": "Tempo di attesa",
        "formula": "",
        "unit": "",
        "direction": "lower",
        "baseline": "60",
        "target": "30",
        "method": "",
    }
    response = post_form(client, reverse("reporting:indicator-create"), data)
    assert "Indicare l&#x27;unità di misura" in response.content.decode()
    assert not ImpactIndicator.objects.exists()
