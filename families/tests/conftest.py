import datetime
import random

import pytest

from families.demo import walk
from families.models import TeamMember
from tests import factories as f

T0 = datetime.date(2024, 3, 1)


@pytest.fixture
def family(world):
    """A referred family of the world's équipe; the world's operator is in its équipe."""
    family = f.make_family(world, children=2)
    TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")
    return family


@pytest.fixture
def other_family(world):
    """A family of the other ambito."""
    other = world.other
    return f.make_family(
        world,
        case_manager=other.outsider,
        implementation=other.implementation,
        comune=other.comune,
        equipe=other.equipe,
    )


@pytest.fixture
def advance(world):
    """Take a family along the path to a state through the real services."""

    def run(family, state, t0=T0):
        return walk(family, state, by=family.case_manager, operator=world.users.operatore, t0=t0, rng=random.Random(1))

    return run
