"""The budget page and the weekly grid keep the same number of queries at 1 and at 30 families (the budget page
also at 1 and at every line and 30 cost items, and a shared project's at 2 and at 4 ambiti); the family
page with interventions, hours and group sessions on its timeline at 1 and at 30 members, notes and consents."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from equipes.models import Profile
from families.models import TeamMember
from families.tests.test_query_counts import DETAIL_CEILING, DETAIL_ROLES, grow_family, walk_to_t1
from interventions import services
from interventions.models import (
    Attendance,
    BudgetLine,
    CostItem,
    Group,
    GroupSession,
    Intervention,
    InterventionType,
)
from tests import factories as f

from .conftest import SEDT_START


def add_sedt_families(world, n, advance):
    sedt_type = InterventionType.objects.get(code="sedt", ambito__isnull=True)
    for _ in range(n):
        family = f.make_family(world)
        TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")
        intervention = Intervention.objects.create(
            family=family, type=sedt_type, start_date=datetime.date(2024, 3, 4), planned_hours_per_week=Decimal(8)
        )
        intervention.assigned_users.add(world.users.operatore)


@pytest.mark.parametrize(
    ("name", "role"),
    [("week", "operatore"), ("budget", "ufficio_piano"), ("family", "case_manager"), ("group-list", "case_manager")],
)
def test_query_count_does_not_grow_with_families(world, client_for, count_queries, advance, budget_lines, name, role):
    client = client_for(getattr(world.users, role))
    add_sedt_families(world, 1, advance)
    args = {"budget": [world.project.pk], "family": [world.implementation.families.first().pk]}.get(name, [])
    url = reverse(f"interventions:{name}", args=args) + ("?settimana=2024-03-11" if name == "week" else "")
    client.get(url)
    one = count_queries(lambda: client.get(url))
    add_sedt_families(world, 29, advance)
    thirty = count_queries(lambda: client.get(url))
    # The page budget is 12, the family's interventions page included (its independent reads are one round trip);
    # the weekly grid reads the first day of hours once (7: session, user, first day, families, groups, entries,
    # months).
    assert one == thirty <= {"week": 7}.get(name, 12)


@pytest.fixture
def walked_family(world, family, advance, record_t1):
    """A family well along its path (families.tests.test_query_counts.walk_to_t1), with an intervention with
    hours and a group session attended."""
    family = walk_to_t1(world, family, advance, record_t1)
    intervention = Intervention.objects.create(
        family=family,
        type=InterventionType.objects.get(code="sedt", ambito__isnull=True),
        start_date=SEDT_START,
        planned_hours_per_week=Decimal("8"),
    )
    intervention.assigned_users.add(world.users.operatore)
    for day, minutes in [(SEDT_START, 120), (SEDT_START + datetime.timedelta(days=30), 90)]:
        services.time_entry_set(
            user=world.users.operatore, day=day, activity="diretta_famiglia", minutes=minutes, family=family
        )
    group = Group.objects.create(
        ambito=world.ambito,
        type=InterventionType.objects.get(code="gruppo_genitori"),
        module_number=1,
        name="Genitori insieme",
        venue="Sala civica",
        frequency="settimanale",
        start_date=SEDT_START,
        planned_sessions=6,
    )
    group.participants.set(family.members.all())
    session = GroupSession.objects.create(group=group, date=SEDT_START, duration_minutes=120)
    Attendance.objects.create(session=session, member=family.members.first(), present=True)
    return family


@pytest.mark.parametrize("role", DETAIL_ROLES)
def test_family_detail_with_interventions_query_count_does_not_grow_with_members(
    world, client_for, count_queries, walked_family, role
):
    family = walked_family
    client = client_for(getattr(world.users, role))
    url = reverse("families:family-detail", args=[family.pk])
    page = client.get(url).content.decode()
    for event in [
        "Valutazione T1",
        "Progetto Quadro, versione 1",
        "Avvio: Educativa",
        "Incontro di gruppo",
        "Ore dedica",
    ]:
        assert event in page
    one = count_queries(lambda: client.get(url))
    grow_family(world, family)
    thirty = count_queries(lambda: client.get(url))
    assert one == thirty <= DETAIL_CEILING


def add_every_profiles_line(project):
    for profile in Profile.values:
        BudgetLine.objects.get_or_create(
            project=project, profile=profile, defaults={"minimum_hours": 100, "hourly_cost": Decimal(30)}
        )


def test_budget_page_query_count_does_not_grow_with_lines_and_cost_items(world, client_for, count_queries):
    """One line and one cost item, then every profile's line and 30 cost items with their documents' links."""

    def add_items(n):
        for i in range(n):
            CostItem.objects.create(
                project=world.project,
                description=f"Voce {i}",
                category="materiali",
                amount=Decimal(100),
                date=SEDT_START,
                document=f"costs/{world.project.pk}/{i:032x}.pdf",
            )

    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=100, hourly_cost=22)
    add_items(1)
    client = client_for(world.users.ufficio_piano)
    url = reverse("interventions:budget", args=[world.project.pk])
    client.get(url)
    one = count_queries(lambda: client.get(url))
    add_every_profiles_line(world.project)
    add_items(29)
    page = client.get(url).content.decode()
    assert page.count(reverse("interventions:cost-item-edit", args=[CostItem.objects.last().pk])) == 1
    thirty = count_queries(lambda: client.get(url))
    assert one == thirty <= 12


def test_budget_page_of_a_shared_project_query_count_does_not_grow_with_ambiti_and_lines(
    world, client_for, count_queries
):
    """A project of two ambiti with one line and hours in both, then four ambiti, every profile's line and hours of
    every ambito: the per-ambito table is the budget's one query of hours grouped by ambito, plus the ambiti."""

    def hours_in(ambito, profile=Profile.EDUCATORE):
        if ambito == world.ambito:
            user, validator = world.users.operatore, world.users.referente_ente
        else:
            organisation = f.make_organisation(ambito)
            user = f.make_user(ambito, f.Role.OPERATORE, organisation, profile=profile)
            validator = f.make_user(ambito, f.Role.UFFICIO_PIANO, organisation)
        services.time_entry_set(user=user, day=SEDT_START, activity="coordinamento", minutes=120)
        sheet = services.timesheet_confirm(timesheet=user.timesheets.get(), by=user)
        services.timesheet_validate(timesheet=sheet, by=validator)

    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=100, hourly_cost=22)
    associated = f.add_associated_ambito(world)
    hours_in(world.ambito)
    hours_in(associated.ambito)
    client = client_for(world.users.ufficio_piano)
    url = reverse("interventions:budget", args=[world.project.pk])
    client.get(url)
    two = count_queries(lambda: client.get(url))
    add_every_profiles_line(world.project)
    for code in ("ASD", "ASE"):
        ambito = f.make_ambito(code)
        world.project.associated_ambiti.add(ambito)
        hours_in(ambito, Profile.PSICOLOGO)
    response = client.get(url)
    assert [row.code for row in response.context["ambiti"]] == ["TST", "ASC", "ASD", "ASE"]
    four = count_queries(lambda: client.get(url))
    assert two == four <= 10
