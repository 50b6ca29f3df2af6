"""The Romagna project (`003_…`: Unione della Romagna Faentina with the Bassa Romagna) as the portal keeps it."""

import datetime

import pytest

from equipes.models import Project


@pytest.mark.demo_seed
class TestProjectLifecycle:
    """Issue 13 §5 on `003_…`: "DATA FINE ATTIVITA' PREVISTA: 31 MARZO 2026" (CUP F14H22000020006); the demo keeps
    the project concluded on that day, so that it takes no new families or hours."""

    def test_the_romagna_project_is_concluded_on_its_end_date(self, db, seeded_demo):
        romagna = Project.objects.get(cup="F14H22000020006")
        assert romagna.concluded_on == datetime.date(2026, 3, 31)
        assert not romagna.implementations.filter(project__concluded_on__isnull=True).exists()
