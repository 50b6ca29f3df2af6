"""`pippi_portal.compiled.get_by_pk`: a read by primary key compiled once per key gives, for every id, what the
queryset gives compiled anew: the same object, its related objects and annotations; nothing outside the
queryset; None for an id no row can have."""

import threading

import pytest
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404

from families.models import Family
from families.selectors import _detail_lookup, get_family_detail_for
from pippi_portal import compiled
from tests import factories as f


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(compiled, "_compiled", compiled.OrderedDict())


def compilations(monkeypatch) -> list:
    made = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        made.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return made


def detail(user, pk):
    return _detail_lookup(user).visible_to(user).filter(pk=pk).get()


def test_each_id_gets_its_own_row_from_sql_compiled_once(world, fresh, monkeypatch, django_assert_num_queries):
    first = f.make_family(world, children=2)
    second = f.make_family(world, children=1)
    user = world.users.case_manager
    expected = {family.pk: detail(user, family.pk) for family in (first, second)}
    made = compilations(monkeypatch)
    key = ("test", user.pk)
    build = lambda: _detail_lookup(user).visible_to(user)  # noqa: E731
    for family in (first, second, first):
        with django_assert_num_queries(1):
            found = compiled.get_by_pk(key, build, family.pk)
        wanted = expected[family.pk]
        assert found.pk == family.pk and found.code == wanted.code
        # Related objects and annotations, as the queryset compiled anew gives them.
        assert found.implementation.project.title == wanted.implementation.project.title
        assert found.case_manager.username == wanted.case_manager.username
        assert (found.t1_due, found.next_due, found.path_transitions) == (
            wanted.t1_due,
            wanted.next_due,
            wanted.path_transitions,
        )
    assert sum(1 for model in made if model is Family) == 1


def test_a_family_outside_the_scope_is_not_found(world, other_family, fresh):
    mine = f.make_family(world, children=1)
    user = world.users.case_manager
    assert get_family_detail_for(user, mine.pk) == mine
    with pytest.raises(Http404):
        get_family_detail_for(user, other_family.pk)
    # The other ambito's case manager has a scope of its own, compiled for them, and finds the family.
    assert get_family_detail_for(world.other.outsider, other_family.pk) == other_family
    with pytest.raises(Http404):
        get_family_detail_for(world.other.outsider, mine.pk)


def test_an_id_no_row_can_have_is_not_found_without_a_query(world, fresh, django_assert_num_queries):
    user = world.users.case_manager
    with django_assert_num_queries(0):
        assert compiled.get_by_pk(("test", user.pk), lambda: Family.objects.all(), 10**20) is None


def test_an_empty_queryset_is_not_kept_and_finds_nothing(world, fresh):
    family = f.make_family(world, children=1)
    assert compiled.get_by_pk(("none",), lambda: Family.objects.none(), family.pk) is None
    assert compiled._compiled[("none",)] is None


def test_at_most_size_reads_are_kept(world, fresh, monkeypatch):
    monkeypatch.setattr(compiled, "SIZE", 2)
    family = f.make_family(world, children=1)
    for n in range(3):
        assert compiled.get_by_pk(("k", n), lambda: Family.objects.all(), family.pk) == family
    assert list(compiled._compiled) == [("k", 1), ("k", 2)]


@pytest.mark.django_db(transaction=True)
def test_sql_compiled_in_one_thread_runs_on_another_threads_connection(fresh):
    from tests.factories import make_world

    world = make_world()
    family = f.make_family(world, children=1)
    build = lambda: Family.objects.select_related("ambito")  # noqa: E731
    assert compiled.get_by_pk(("thread",), build, family.pk) == family
    found = []

    def other():
        try:
            found.append(compiled.get_by_pk(("thread",), build, family.pk))
            found.append(connections["default"] is not connection)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert found[0] == family and found[0].ambito.code == world.ambito.code


def test_the_family_page_of_an_impossible_id_is_not_found(client, world, fresh):
    from django.urls import reverse

    client.force_login(world.users.case_manager)
    assert client.get(reverse("families:family-detail", args=[10**20])).status_code == 404
    assert client.get(reverse("families:family-detail", args=[2**63 - 1])).status_code == 404
