"""The dashboard's "Da fare" in the same number of queries, at most 12, with 1 and with 30 pending items of every
kind, for every role that has pending work (reporting.pending; the lines themselves: test_dashboard_pending.py).

The items are built once for the module (`module_world`): thirty of every kind take seconds to write, and the
roles only read them. Each role's client is counted at 1 item, then again once the other 29 are added."""

import random

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .test_dashboard_pending import add_pending

ROLES = ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente"]
# As the `count_queries` fixture: the savepoints ATOMIC_REQUESTS opens inside the test's transaction aside.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def queries_of(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return sum(1 for query in ctx.captured_queries if not query["sql"].startswith(TRANSACTION_CONTROL))


@pytest.fixture(scope="module")
def queries_at_1_and_30(module_world, walk, _zeal_installed):
    """{role: (queries with 1 item, queries with 30)}; zeal watches these requests too (an N+1 fails the module)."""
    world = module_world

    def advance(family, state, t0):
        operator = world.users.operatore
        return walk(family, state, by=family.case_manager, operator=operator, t0=t0, rng=random.Random(1))

    url = reverse("dashboard")
    with override_settings(MIDDLEWARE=["zeal.middleware.zeal_middleware", *settings.MIDDLEWARE]):
        clients = {}
        for role in ROLES:
            clients[role] = Client()
            clients[role].force_login(getattr(world.users, role))
        add_pending(world, advance, 1, 0)
        with_one = {}
        for role, client in clients.items():
            client.get(url)  # warm up the session and caches
            with_one[role] = queries_of(lambda client=client: client.get(url))
        add_pending(world, advance, 29, 1)
        with_thirty = {role: queries_of(lambda client=client: client.get(url)) for role, client in clients.items()}
    return {role: (with_one[role], with_thirty[role]) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_pending_work_costs_the_same_queries_at_1_and_30_items(queries_at_1_and_30, role):
    with_one, with_thirty = queries_at_1_and_30[role]
    assert with_one == with_thirty <= 12
