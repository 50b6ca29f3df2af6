"""`pippi_portal.compiled`: a read compiled once per key gives, for every value of its arguments, what the
queryset gives built and compiled anew: the same objects, their related objects and annotations, the same
dicts and tuples, the same count; nothing outside the queryset; None for an id no row can have. A read that
the checks refuse (a value derived from an argument, an argument written into the SQL, one dropped by
Django, a boolean) is built each time, with the right rows."""

import datetime
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
    # Compiled twice the first time (two rounds of stand-ins, compared), never again.
    assert sum(1 for model in made if model is Family) == 2


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
    assert compiled._compiled[(("none",), int)] is None


def test_at_most_size_reads_are_kept(world, fresh, monkeypatch):
    monkeypatch.setattr(compiled, "SIZE", 2)
    family = f.make_family(world, children=1)
    for n in range(3):
        assert compiled.get_by_pk(("k", n), lambda: Family.objects.all(), family.pk) == family
    assert list(compiled._compiled) == [(("k", 1), int), (("k", 2), int)]


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


def _family_codes(year, code):
    return Family.objects.filter(year=year).exclude(code=code).order_by("code").values_list("code", flat=True)


def test_values_of_several_arguments_each_in_its_place(world, fresh, monkeypatch):
    families = [f.make_family(world, children=1) for _ in range(3)]
    year = families[0].year
    made = compilations(monkeypatch)
    for excluded in families:
        assert compiled.rows(("codes",), _family_codes, year, excluded.code) == list(_family_codes(year, excluded.code))
    assert compiled.rows(("codes",), _family_codes, year + 1, "x") == []
    assert len(made) == 2 + 3  # two rounds the first time, and the three lists built anew here to compare
    as_dicts = lambda pk: Family.objects.filter(pk=pk).values("code", "ambito__code")  # noqa: E731
    assert compiled.rows(("dicts",), as_dicts, families[1].pk) == [
        {"code": families[1].code, "ambito__code": world.ambito.code}
    ]


def test_reads_the_checks_refuse_are_built_each_time_and_right(world, fresh):
    family = f.make_family(world, children=1)
    day = family.referral.date

    def week(start):  # the end is derived from the argument: not kept
        return Family.objects.filter(referral__date__range=(start, start + datetime.timedelta(days=6)))

    for start in (day, day - datetime.timedelta(days=3), day + datetime.timedelta(days=1)):
        assert compiled.rows(("week",), week, start) == list(week(start))
    assert compiled._compiled[(("week",), datetime.date)] is None

    def in_text(code):  # the argument written into the SQL text: not kept
        return Family.objects.extra(where=[f"code = '{code}'"])

    assert compiled.rows(("text",), in_text, family.code) == [family]
    assert compiled.rows(("text",), in_text, "nessuno") == []
    assert compiled._compiled[(("text",), str)] is None

    def older(year):  # a small positive column: a stand-in must stay inside its range
        return Family.objects.filter(year__lt=year)

    assert compiled.rows(("older",), older, family.year + 1) == [family]
    assert compiled.rows(("older",), older, family.year) == []
    assert compiled.rows(("older",), older, 10**30) == [family]  # decided by Django, not sent

    by_flag = lambda flag: Family.objects.filter(pk=family.pk, reunification=flag)  # noqa: E731
    for flag in (True, False):
        assert compiled.rows(("flag",), by_flag, flag) == list(by_flag(flag))


def test_count_is_the_querysets_count_for_every_scope(world, other_family, fresh):
    from families.views import family_listing

    f.make_family(world, children=2)
    f.make_family(world, children=1, case_manager=world.users.case_manager)
    for user in (
        world.users.case_manager,
        world.users.coordinatore,
        world.users.ufficio_piano,
        world.users.operatore,
        world.other.outsider,
    ):
        key = ("count", user.scope_key)
        assert compiled.count(key, lambda user=user: family_listing(user)) == family_listing(user).count()
    with pytest.raises(ValueError):
        compiled.count(("sliced",), lambda: Family.objects.all()[:2])
