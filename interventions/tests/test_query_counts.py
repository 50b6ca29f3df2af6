"""The budget page and the weekly grid keep the same number of queries at 1 and at 30 families."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from families.models import TeamMember
from interventions.models import Intervention, InterventionType
from tests import factories as f


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
    assert one == thirty <= 12
