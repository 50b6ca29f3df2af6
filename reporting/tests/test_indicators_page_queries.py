"""The indicators page computes its figures in grouped queries sent together (`pippi_portal.query_batch`): the
same number at 1 and at 30 families of the project, another ambito's families cost nothing, and issue 16's
bound of 12 holds (session and user included)."""

import pytest
from django.urls import reverse

from tests import factories as f

#: Issue 16's bound (today: 6, the session's and the user's included).
PAGE_QUERIES_MAX = 12


def page_queries(client, url, count_queries) -> int:
    def get():
        assert client.get(url).status_code == 200

    return count_queries(get)


def add_families(world, n, **kwargs):
    for _ in range(n):
        f.make_family(world, children=2, **kwargs)


@pytest.mark.parametrize("role", ["ufficio_piano", "coordinatore"])
def test_indicators_page_queries_are_the_same_at_1_and_30_families(world, client_for, count_queries, role):
    client = client_for(getattr(world.users, role))
    url = f"{reverse('reporting:indicators')}?progetto={world.project.pk}&periodo=2024-S1"
    add_families(world, 1)
    client.get(url)  # warm up the session
    with_one = page_queries(client, url, count_queries)
    add_families(world, 29)
    assert page_queries(client, url, count_queries) == with_one <= PAGE_QUERIES_MAX


def test_indicators_page_queries_do_not_grow_with_another_ambitos_families(world, client_for, count_queries):
    other = world.other
    client = client_for(world.users.ufficio_piano)
    url = f"{reverse('reporting:indicators')}?progetto={world.project.pk}&periodo=2024-S1"
    add_families(world, 1)
    client.get(url)
    alone = page_queries(client, url, count_queries)
    add_families(
        world,
        30,
        case_manager=other.outsider,
        comune=other.comune,
        equipe=other.equipe,
        implementation=other.implementation,
    )
    assert page_queries(client, url, count_queries) == alone
