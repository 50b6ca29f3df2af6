"""`pippi_portal.prepared`: long reads as server-side prepared statements give the rows the plain statements
give (types included), fall back to the plain statement when PostgreSQL cannot prepare one, keep a bounded
number per connection and stay out of the way of query logging."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import BooleanField, Case, CharField, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import TruncWeek
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from equipes.models import Implementation, Project
from families.models import Family, State
from pippi_portal import prepared
from tests import factories as f


@pytest.fixture
def every_select(monkeypatch):
    """Every SELECT is long enough to be prepared, and the process has not met any yet."""
    monkeypatch.setattr(prepared, "MIN_LENGTH", 0)
    monkeypatch.setattr(prepared, "_preparable", set())
    monkeypatch.setattr(prepared, "_refused", set())


def ours() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'pp\\_%%'")
        return {row[0] for row in cursor.fetchall()}


def reads(world):
    project = world.project
    since = timezone.now() - datetime.timedelta(days=3650)
    return [
        lambda: list(Implementation.objects.filter(project=project).order_by("number")),
        lambda: list(
            Family.objects.filter(ambito=world.ambito)
            .with_due_dates()
            .order_by("pk")
            .values("pk", "t0_date", "t1_due", "t2_due", "t1_done", "next_due", "next_due_point")
        ),
        # Values in the SELECT list keep their types (an int stays an int, a Decimal a Decimal).
        lambda: list(
            Project.objects.filter(pk=project.pk)
            .annotate(
                one=Value(1),
                big=Value(2**40),
                share=Value(Decimal("0.25")),
                ratio=Value(1.5),
                yes=Value(True),
                word=Value("parola"),
                day=Value(datetime.date(2026, 1, 31)),
                picked=Case(
                    When(amount__gt=Decimal("0"), then=Value(7)), default=Value(0), output_field=IntegerField()
                ),
                named=Case(When(title="", then=Value("vuoto")), default=Value("pieno"), output_field=CharField()),
                flag=Case(When(pk=-1, then=Value(True)), default=Value(False), output_field=BooleanField()),
            )
            .values("one", "big", "share", "ratio", "yes", "word", "day", "picked", "named", "flag")
        ),
        # The same expression with a value in SELECT and GROUP BY: one parameter for both.
        lambda: list(
            Family.objects.filter(ambito=world.ambito, created_at__gte=since)
            .annotate(week=TruncWeek("created_at"))
            .values("week")
            .annotate(n=Count("pk"), in_progress=Count("pk", filter=Q(state=State.IN_CORSO)))
            .order_by("week")
        ),
        lambda: list(
            Family.objects.filter(
                Q(suspended_from__isnull=True) | Q(updated_at__gte=F("created_at")), state__in=["a", "b"]
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    ]


def test_prepared_reads_give_what_plain_reads_give(world, every_select):
    f.make_family(world, children=2)
    f.make_family(world, children=1)
    plain = [read() for read in reads(world)]
    before = ours()  # statements live as long as the connection, which outlives a test
    with prepared.statements():
        first = [read() for read in reads(world)]
        again = [read() for read in reads(world)]
    assert repr(first) == repr(plain)
    assert repr(again) == repr(plain)
    assert len(ours() - before) == len(reads(world))  # one statement per read, met again by name


def test_a_statement_postgresql_cannot_prepare_runs_as_written_and_the_transaction_goes_on(world, every_select):
    sql = "SELECT 1 WHERE %s IS NULL"  # a quoted literal may stand there; a parameter of no known type may not
    before = ours()
    with prepared.statements():
        for _ in range(2):
            with connection.cursor() as cursor:
                cursor.execute(sql, ["x"])
                assert cursor.fetchall() == []
        assert Project.objects.filter(pk=world.project.pk).count() == 1
    assert len(prepared._refused) == 1
    assert len(ours() - before) == 1  # the count, not the refused statement


def test_each_connection_keeps_at_most_per_connection_statements(world, every_select, monkeypatch):
    monkeypatch.setattr(prepared, "PER_CONNECTION", 2)
    with prepared.statements():
        Project.objects.filter(pk=world.project.pk).count()
        list(Implementation.objects.filter(project=world.project))
        Family.objects.filter(ambito=world.ambito).exists()
        assert len(ours()) == 2


def test_values_it_does_not_carry_leave_the_statement_as_written(world, every_select):
    assert prepared.parametrised("SELECT %s, %s", [[1, 2], 3]) is None
    assert prepared.parametrised("SELECT %s", [b"x"]) is None
    text, types, values = prepared.parametrised("SELECT %s, %s, %s, %s LIKE '%%a'", ["a", 5, None, "a"])
    assert text == "SELECT $1, $2, NULL, $1 LIKE '%a'"
    assert (types, values) == (["unknown", "integer"], ["a", 5])
    with prepared.statements():
        assert list(Project.objects.filter(title__in=["x", "y"]).values_list("pk")) == []


def test_logged_queries_show_their_sql_and_are_not_prepared(world, every_select):
    before = ours()
    with prepared.statements(), CaptureQueriesContext(connection) as captured:
        list(Implementation.objects.filter(project=world.project, number__gt=-7))
    assert captured.captured_queries[0]["sql"].startswith("SELECT")
    assert ours() == before


def test_the_family_page_prepares_its_own_query(client, world, family):
    client.force_login(world.users.case_manager)
    before = ours()
    for _ in range(2):
        response = client.get(family.get_absolute_url())
        assert response.status_code == 200
        assert family.code in response.content.decode()
    assert ours() - before


def test_a_process_forgets_what_it_knows_past_the_bound_and_goes_on(world, every_select, monkeypatch):
    monkeypatch.setattr(prepared, "_KNOWN", 1)
    implementations = Implementation.objects.filter(project=world.project)
    with prepared.statements():
        for condition in (Q(number__gt=-1), Q(number__gte=-1), Q(number__lt=10**6)):
            assert implementations.filter(condition).count() == 1
    assert len(prepared._preparable) == 1  # the third text found two known: both forgotten, then itself
