"""List pages keep the same number of queries whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse

from equipes.models import EquipeMembership, GovernanceMeeting, Role, StaffTraining
from tests import factories as f


def add_staff(world, n):
    for _ in range(n):
        user = f.make_user(world.ambito, Role.OPERATORE, world.coop)
        StaffTraining.objects.create(user=user, course="MOOC", hours=12, completed_on=datetime.date(2024, 1, 1))


def add_equipes(world, n):
    for _ in range(n):
        equipe = f.make_equipe(world.ambito, members={world.users.operatore: EquipeMembership.MemberRole.OPERATORE})
        equipe.comuni.add(world.comune)


def add_meetings(world, n):
    for _ in range(n):
        meeting = GovernanceMeeting.objects.create(
            ambito=world.ambito, project=world.project, date=datetime.date(2024, 1, 1), kind="tecnico_mensile"
        )
        meeting.participants.add(world.users.coordinatore, world.users.ufficio_piano)


CASES = {
    "staff-list": ("equipes:staff-list", add_staff),
    "equipe-list": ("equipes:equipe-list", add_equipes),
    "meeting-list": ("equipes:meeting-list", add_meetings),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_list_query_count_is_the_same_at_1_and_30_rows(world, client_for, count_queries, name):
    url_name, add_rows = CASES[name]
    client = client_for(world.users.ufficio_piano)
    url = reverse(url_name)
    add_rows(world, 1)
    client.get(url)  # warm up the session and caches
    with_one = count_queries(lambda: client.get(url))
    add_rows(world, 29)
    with_thirty = count_queries(lambda: client.get(url))
    assert with_one == with_thirty
    assert with_thirty <= 12
