"""What this app puts on the family's timeline: the hours given to the family, one line a month, are folded into
one line per year that opens onto its months, newest first (issue 14 §3: twenty-five monthly lines pushed the
diary off the page); a group session counts the family's members present in good Italian."""

import datetime
import re

from django.urls import reverse

from interventions import services
from interventions.models import Attendance, Group, GroupSession, InterventionType

from .conftest import SEDT_START

# One day of hours a month, from the intervention's first month (March 2024) to May 2025.
MONTHS = [datetime.date(2024 + (2 + i) // 12, (2 + i) % 12 + 1, 20) for i in range(15)]


def log_monthly_hours(world, family):
    for day in MONTHS:
        services.time_entry_set(
            user=world.users.operatore, day=day, activity="diretta_famiglia", minutes=90, family=family
        )


def page_of(client, family) -> str:
    return client.get(reverse("families:family-detail", args=[family.pk])).content.decode()


def test_the_monthly_hours_are_one_line_per_year_newest_first(world, client_for, sedt):
    family = sedt.family
    log_monthly_hours(world, family)
    page = page_of(client_for(world.users.case_manager), family)
    path = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    assert "Ore dedicate nel mese" not in path
    folds = page[page.index('<ul class="timeline-years') :]
    summaries = re.findall(r"<summary>(.*?)</summary>", folds)
    assert summaries == [
        "<strong>2025</strong> — Ore dedicate nel mese: 5 mesi",
        "<strong>2024</strong> — Ore dedicate nel mese: 10 mesi",
    ]
    months_2025 = re.findall(r"<li>(\w+ 2025)", folds)
    assert months_2025 == ["Maggio 2025", "Aprile 2025", "Marzo 2025", "Febbraio 2025", "Gennaio 2025"]


def test_one_month_of_hours_is_said_in_the_singular(world, client_for, sedt):
    services.time_entry_set(
        user=world.users.operatore, day=MONTHS[0], activity="diretta_famiglia", minutes=90, family=sedt.family
    )
    page = page_of(client_for(world.users.case_manager), sedt.family)
    assert "Ore dedicate nel mese: 1 mese<" in page


def test_every_role_that_sees_the_family_gets_the_folded_hours(world, client_for, sedt):
    log_monthly_hours(world, sedt.family)
    for role in ("operatore", "coordinatore", "ufficio_piano"):
        page = page_of(client_for(getattr(world.users, role)), sedt.family)
        assert page.count("<details>") >= 2 and "Ore dedicate nel mese: 10 mesi" in page


def test_a_group_session_counts_one_member_present_in_the_singular(world, client_for, sedt):
    family = sedt.family
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
    page = page_of(client_for(world.users.case_manager), family)
    assert "1 presente della famiglia" in page and "1 presenti" not in page
