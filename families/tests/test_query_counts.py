"""The family list and detail keep the same number of queries at 1 and at 30 families / members."""

import datetime

import pytest
from django.urls import reverse

from families.models import Member, TeamMember
from tests import factories as f


def add_families(world, n):
    for _ in range(n):
        family = f.make_family(world)
        TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")


def add_members(family, n):
    for i in range(n):
        Member.objects.create(
            family=family,
            kind="minore",
            first_name=f"Figlio{i}",
            last_name="Prova",
            birth_date=datetime.date(2015, 1, 1),
            sex="M",
        )


@pytest.mark.parametrize("role", ["case_manager", "operatore", "coordinatore", "ufficio_piano"])
def test_family_list_query_count_does_not_grow(world, client_for, count_queries, role):
    client = client_for(getattr(world.users, role))
    url = reverse("families:family-list") + "?overdue=on&q=TST"
    add_families(world, 1)
    client.get(url)
    one = count_queries(lambda: client.get(url))
    add_families(world, 29)
    thirty = count_queries(lambda: client.get(url))
    assert one == thirty <= 12


@pytest.mark.parametrize("role", ["case_manager", "coordinatore"])
def test_family_detail_query_count_does_not_grow_with_members(world, client_for, count_queries, family, advance, role):
    from families.models import State

    family = advance(family, State.IN_CORSO)
    client = client_for(getattr(world.users, role))
    url = reverse("families:family-detail", args=[family.pk])
    client.get(url)
    one = count_queries(lambda: client.get(url))
    add_members(family, 29)
    thirty = count_queries(lambda: client.get(url))
    assert one == thirty


@pytest.mark.parametrize("role", ["case_manager", "coordinatore"])
def test_dashboard_query_count_does_not_grow_with_families(world, client_for, count_queries, role):
    client = client_for(getattr(world.users, role))
    url = reverse("dashboard")
    add_families(world, 1)
    client.get(url)
    one = count_queries(lambda: client.get(url))
    add_families(world, 29)
    assert count_queries(lambda: client.get(url)) == one
