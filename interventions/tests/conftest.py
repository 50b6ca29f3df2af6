import datetime
from decimal import Decimal

import pytest

from families.models import State
from interventions.models import BudgetLine, Intervention, InterventionType

SEDT_START = datetime.date(2024, 3, 18)  # a Monday


def make_sedt(world, family, advance) -> Intervention:
    """An educational intervention of 8 hours a week for a family on its path, assigned to the operator."""
    family = advance(family, State.IN_CORSO)
    intervention = Intervention.objects.create(
        family=family,
        type=InterventionType.objects.get(code="sedt", ambito__isnull=True),
        start_date=SEDT_START,
        planned_hours_per_week=Decimal("8"),
    )
    intervention.assigned_users.add(world.users.operatore)
    return intervention


@pytest.fixture
def sedt(world, family, advance):
    return make_sedt(world, family, advance)


@pytest.fixture
def budget_lines(world):
    return {
        profile: BudgetLine.objects.create(
            project=world.project, profile=profile, minimum_hours=minimum, hourly_cost=Decimal(cost)
        )
        for profile, minimum, cost in [("educatore", 6000, "22.00"), ("psicologo", 1400, "35.00")]
    }
