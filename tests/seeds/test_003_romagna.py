"""The Romagna project (`003_…`: Unione della Romagna Faentina with the Bassa Romagna) as the portal keeps it."""

import datetime

import pytest

from equipes.models import Project


@pytest.mark.demo_seed
class TestProjectLifecycle:
    """Issue 13 §5 on `003_…`: the project (CUP F14H22000020006) ended on 31/03/2026; the demo keeps it
    concluded, so that it takes no new families or hours."""

    def test_the_romagna_project_is_concluded_on_its_end_date(self, db, seeded_demo):
        romagna = Project.objects.get(cup="F14H22000020006")
        assert romagna.concluded_on == datetime.date(2026, 3, 31)
        assert not romagna.implementations.filter(project__concluded_on__isnull=True).exists()
