"""The Progetto Quadro's print view follows the PDFs' layout rules (issue 15 §1): the funding line of the family's
project (EU emblem and statement with the measure and the CUP for a PNRR project), a clear draft label while the
plan is not shared with the family, and a signature block."""

import datetime

from django.urls import reverse

from families import services
from tests import factories as f


def test_the_printed_plan_carries_the_funding_line_the_draft_label_and_the_signatures(world, client_for):
    family = f.make_family(world)
    plan = services.plan_create(family=family, date=datetime.date(2024, 3, 5), general_aims="Finalità")
    url = reverse("families:plan-print", args=[family.pk])
    page = client_for(world.users.case_manager).get(url).content.decode()
    assert "Finanziato dall'Unione europea — NextGenerationEU" in page
    assert "M5C2 I1.1.1" in page and world.project.cup in page
    assert 'alt="Emblema dell\'Unione europea"' in page
    assert "BOZZA — non ancora condivisa con la famiglia" in page
    assert "Firme" in page and "Case manager, 05/03/2024" in page

    plan.shared_with_family, plan.shared_on = True, datetime.date(2024, 3, 6)
    plan.save()
    page = client_for(world.users.case_manager).get(url).content.decode()
    assert "BOZZA" not in page and "Condiviso il 06/03/2024" in page
