"""Each figure of the semester report against a hand-built fixture, with the expected values worked out
by hand in the comments."""

import datetime
import random

import pytest

from families import services as family_services
from families.models import AssessmentRating, Member, SDQScore, State, TeamMember, Verification
from interventions import services as hours
from interventions.models import BudgetLine, CostItem, Intervention, InterventionType, Timesheet
from reporting.indicators import compute, semester_bounds, suppress
from tests import factories as f

D = datetime.date
S1_2024 = semester_bounds("2024-S1")


def hand_built(world, walk):
    """Three families of implementation 11 (referred 10/01/2024):
    - A (two children born 06/05/2016 and 06/05/2017) goes the whole path: T0 01/03/2024, T1 01/12/2024,
      T2 01/09/2025, closed 08/09/2025 with outcome A;
    - B (one child born 06/05/2016) is in progress since T0 01/03/2024;
    - C (one child) is interrupted on 15/02/2024 (rinuncia), before inclusion.
    Inclusion of A and B: 26/01/2024 (walk: referral + 16 days)."""
    users = world.users

    def family(children):
        made = f.make_family(world, children=children)
        TeamMember.objects.create(family=made, user=users.operatore, role="Educatore")
        return made

    a, b, c = family(2), family(1), family(1)
    walk(a, State.CONCLUSA, by=users.case_manager, operator=users.operatore, t0=D(2024, 3, 1), rng=random.Random(1))
    walk(b, State.IN_CORSO, by=users.case_manager, operator=users.operatore, t0=D(2024, 3, 1), rng=random.Random(2))
    family_services.family_interrupt(
        family=c, by=users.case_manager, interruption_reason="rinuncia", reason="Rinuncia", on=D(2024, 2, 15)
    )
    # Ratings made exact: every sub-dimension 3 at T0 and 5 at T2 for A.
    AssessmentRating.objects.filter(assessment__family=a, assessment__time_point="T0").update(rating=3)
    AssessmentRating.objects.filter(assessment__family=a, assessment__time_point="T2").update(rating=5)
    # A's two objectives verified at T2: one reached, one not.
    verifications = list(Verification.objects.filter(objective__plan__family=a, time_point="T2").order_by("pk"))
    Verification.objects.filter(pk=verifications[0].pk).update(outcome="raggiunto")
    Verification.objects.filter(pk=verifications[1].pk).update(outcome="non_raggiunto")
    # SDQ of A's first child (parent): T0 scales 5+4+6+3 = 18, T2 2+2+3+1 = 8.
    child = a.members.filter(kind=Member.Kind.MINORE).order_by("birth_date").first()
    SDQScore.objects.filter(member__family=a).delete()
    for time_point, scales in (("T0", (5, 4, 6, 3)), ("T2", (2, 2, 3, 1))):
        SDQScore.objects.create(
            member=child,
            time_point=time_point,
            respondent="genitore",
            date=D(2024, 3, 1),
            emotional=scales[0],
            conduct=scales[1],
            hyperactivity=scales[2],
            peer=scales[3],
            prosocial=7,
        )
    # Hours: the educator's 10 h on 19/03/2024 (validated) and 4 h on 16/04/2024 (not validated).
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=6000, hourly_cost=22)
    sedt = Intervention.objects.create(
        family=b, type=InterventionType.objects.get(code="sedt"), start_date=D(2024, 3, 11), planned_hours_per_week=8
    )
    sedt.assigned_users.add(users.operatore)
    hours.time_entry_set(user=users.operatore, day=D(2024, 3, 19), activity="diretta_famiglia", minutes=600, family=b)
    hours.time_entry_set(user=users.operatore, day=D(2024, 4, 16), activity="diretta_famiglia", minutes=240, family=b)
    march = Timesheet.objects.get(month=D(2024, 3, 1))
    hours.timesheet_confirm(timesheet=march, by=users.operatore)
    hours.timesheet_validate(timesheet=march, by=users.referente_ente)
    return a, b, c


@pytest.fixture
def fixture(world, walk):
    """The hand-built families, hours and outcomes (`hand_built`), for each test."""
    return hand_built(world, walk)


def test_families_per_implementation_in_the_first_semester_of_2024(world, fixture):
    figures = compute(world.project, *S1_2024)
    (row,) = figures["physical"]["families"]["rows"]
    assert row["referred"] == {"period": 3, "cumulative": 3}  # A, B, C referred 10/01/2024
    assert row["preassessed"] == {"period": 2, "cumulative": 2}  # A and B, 24/01/2024
    assert row["included"] == {"period": 2, "cumulative": 2}  # A and B, 26/01/2024
    assert row["interrupted"] == {"period": 1, "cumulative": 1}  # C, 15/02/2024
    assert row["closed"] == {"period": 0, "cumulative": 0}  # A closes in September 2025
    assert row["active"] == 2  # A and B on 30/06/2024


def test_children_reached_by_age_band_are_suppressed_below_three(world, fixture):
    children = compute(world.project, *S1_2024)["physical"]["children"]
    # Aged at inclusion (26/01/2024): A's children 7 and 6, B's child 7 -> 7-11: 2, 4-6: 1, both hidden.
    assert children["total"] == 3
    assert children["by_age_band"] == [["0-3", 0], ["4-6", "< 3"], ["7-11", "< 3"], ["12-14", 0], ["15-17", 0]]
    assert children["by_comune"] == [["Comune Alfa", 3]]


def test_outcomes_by_the_end_of_2025(world, fixture):
    outcomes = compute(world.project, *semester_bounds("2025-S2"))["outcomes"]
    assert outcomes["objectives_at_t2"] == {"raggiunto": 1, "parzialmente": 0, "non_raggiunto": 1}
    assert outcomes["families_with_t0_t2"] == 1
    # Every side: T0 3.0 -> T2 5.0, change +2.0.
    assert [(r["t0"], r["t2"], r["change"]) for r in outcomes["mondo_del_bambino"]] == [(3.0, 5.0, 2.0)] * 3
    assert outcomes["sdq_total_difficulties"] == {"children": 1, "t0": 18.0, "t2": 8.0, "change": -10.0}
    # One closure (A) in the semester: a single cell below 3, hidden.
    assert outcomes["closures_by_outcome"] == [
        {"label": "A — La famiglia prosegue senza sostegno intensivo", "period": "< 3", "cumulative": "< 3"}
    ]


def test_finance_counts_only_validated_hours(world, fixture):
    finance = compute(world.project, *S1_2024)["finance"]
    (educator,) = finance["profiles"]
    # 10 validated hours (March); April's 4 hours are not validated. 10 h x 22 € = 220 €.
    assert (educator["period_hours"], educator["cumulative_hours"]) == (10.0, 10.0)
    assert educator["spent"] == "220.00"
    assert finance["spent"] == "220.00"
    assert finance["spent_percent"] == 0.1  # 220 / 211.500 = 0.104 %


def add_cost_items(world) -> Member:
    """Three other cost items of the world's project: 500 € on 01/12/2023 (before the first semester of 2024),
    300 € on 05/03/2024 with its invoice and a description that names a parent, 150 € on 01/08/2024 (after it).
    Returns the parent named."""
    parent = Member.objects.filter(family__ambito=world.ambito, kind=Member.Kind.FIGURA_GENITORIALE).first()
    for description, reference, amount, day in (
        ("Supervisione dei casi", "Fattura n. 3/2023", 500, D(2023, 12, 1)),
        (f"Trasporto al gruppo di {parent.first_name} {parent.last_name}", "Fattura n. 12/2024", 300, D(2024, 3, 5)),
        ("Materiali per i gruppi", "", 150, D(2024, 8, 1)),
    ):
        CostItem.objects.create(
            project=world.project,
            description=description,
            document_reference=reference,
            category="trasporti",
            amount=amount,
            date=day,
        )
    return parent


def test_finance_lists_the_periods_other_costs_and_sets_staff_and_other_costs_against_the_amount(world, fixture):
    parent = add_cost_items(world)
    finance = compute(world.project, *S1_2024)["finance"]
    # Only the 05/03/2024 item is in the semester; the one of December 2023 counts in the cumulative figures.
    (item,) = finance["cost_items"]
    assert item["date"] == "2024-03-05"
    assert item["category"] == "Trasporti e rimborsi"
    assert item["document_reference"] == "Fattura n. 12/2024"
    assert (item["amount"], item["document_attached"]) == ("300.00", False)
    assert parent.last_name not in item["description"] and item["description"].startswith("Trasporto al gruppo di")
    assert finance["other_costs"] == {"period": "300.00", "cumulative": "800.00"}
    # Staff 220 € (10 validated hours) + other costs 800 € = 1.020 €: 0.48 % of 211.500 €.
    assert finance["total_spent"] == "1020.00"
    assert finance["total_percent"] == 0.5
    assert finance["remaining"] == "210480.00"


def test_sedt_hours_and_interventions(world, fixture):
    physical = compute(world.project, *S1_2024)["physical"]
    assert physical["sedt_hours"] == {"period": 10.0, "cumulative": 10.0}
    assert physical["families_by_intervention"] == [["Educativa domiciliare e territoriale (SEDT)", "< 3"]]


def test_the_snapshot_holds_no_names_codes_or_narrative(world, fixture):
    import json

    text = json.dumps(compute(world.project, *semester_bounds("2025-S2")), ensure_ascii=False)
    for member in Member.objects.all():
        assert member.first_name not in text and member.last_name not in text
        if member.codice_fiscale:
            assert member.codice_fiscale not in text
    for family in fixture:
        assert family.code not in text
    assert "Segnalazione di prova" not in text  # the referral's reason


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"a": 5, "b": 7}, [["a", 5], ["b", 7]]),
        ({"a": 1, "b": 2, "c": 9}, [["a", "< 3"], ["b", "< 3"], ["c", 9]]),
        # A single small cell would be recoverable from the total: the next smallest is hidden too.
        ({"a": 1, "b": 5, "c": 9}, [["a", "< 3"], ["b", "< 3"], ["c", 9]]),
        ({"a": 0, "b": 4}, [["a", 0], ["b", 4]]),
    ],
)
def test_small_cells_are_suppressed(cells, expected):
    assert suppress(cells, threshold=3) == expected


def test_indicator_queries_are_the_same_at_5_and_50_families(world, count_queries, walk):
    def add(n):
        for _ in range(n):
            family = f.make_family(world)
            TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")
            walk(
                family,
                State.IN_CORSO,
                by=world.users.case_manager,
                operator=world.users.operatore,
                t0=D(2024, 3, 1),
                rng=random.Random(3),
            )

    period = semester_bounds("2024-S1")
    add(5)
    five = count_queries(lambda: compute(world.project, *period))
    add(45)
    assert count_queries(lambda: compute(world.project, *period)) == five
