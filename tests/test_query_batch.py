"""`pippi_portal.query_batch.gather`: independent reads answered in one statement per round, with the same
values the ORM returns when they run one by one (types included)."""

import datetime
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek

from equipes.models import Implementation, Project, User
from families.models import Family
from pippi_portal.query_batch import gather
from tests import factories as f


def reads(world):
    project = world.project
    return [
        lambda: list(Implementation.objects.filter(project=project).order_by("number")),
        lambda: list(Project.objects.filter(pk=project.pk).values("pk", "start_date", "amount", "title")),
        lambda: Project.objects.filter(pk=project.pk).aggregate(
            last=Max("end_date"), total=Coalesce(Sum("amount"), Decimal(0)), n=Count("pk")
        ),
        lambda: Family.objects.filter(implementation__project=project).aggregate(
            n=Count("pk"), mean=Avg("pk"), newest=Max("created_at")
        ),
        lambda: Family.objects.filter(pk=-1).aggregate(n=Count("pk"), last=Max("created_at")),
        lambda: list(User.objects.filter(ambito=world.ambito).order_by("username").values_list("username", "role")),
        lambda: Family.objects.filter(implementation__project=project).count(),
        lambda: Family.objects.filter(pk=-1).exists(),
        lambda: list(Family.objects.filter(pk__in=[]).values("pk")),
        lambda: list(Project.objects.select_related("ambito").filter(pk=project.pk)),
        # date_trunc of a date is a timestamp that the ORM reads as a date (the SEDT weeks of the family page).
        lambda: list(Project.objects.filter(pk=project.pk).annotate(week=TruncWeek("start_date")).values("week")),
    ]


def test_gather_returns_what_each_read_returns_alone(world, count_queries):
    f.make_family(world, children=2)
    f.make_family(world, children=1)
    one_by_one = [read() for read in reads(world)]
    together = []

    def run():
        together.extend(gather(*reads(world)))

    queries = count_queries(run)
    assert together == one_by_one
    for alone, batched in zip(one_by_one, together, strict=True):
        assert repr(alone) == repr(batched)  # the same types: dates, Decimals, floats, model instances
    assert queries == 1


def test_a_read_after_another_costs_one_round_and_nested_gathers_join_the_outer_round(world, count_queries):
    project = world.project

    def dependent():
        first = Implementation.objects.filter(project=project).order_by("number").first()
        return Family.objects.filter(implementation=first).count()

    def nested():
        return gather(lambda: User.objects.filter(ambito=world.ambito).count(), lambda: Project.objects.count())

    expected = [dependent(), nested()]
    result = []
    assert count_queries(lambda: result.extend(gather(dependent, nested))) == 2
    assert result == expected


def test_a_column_json_cannot_carry_is_read_on_its_own_once(world, count_queries):
    project = world.project
    span = ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())

    def durations():
        return list(Project.objects.filter(pk=project.pk).annotate(span=span).values_list("span", flat=True))

    def dependent():
        Implementation.objects.filter(project=project).count()
        return Family.objects.count()

    expected = [durations(), dependent()]
    result = []
    # The duration on its own, then the two rounds of the other callable.
    assert count_queries(lambda: result.extend(gather(durations, dependent))) == 3
    assert result == expected
    assert isinstance(result[0][0], datetime.timedelta)


def test_outside_gather_queries_run_as_always(world, count_queries):
    assert count_queries(lambda: [read() for read in reads(world)]) == len(reads(world)) - 1  # pk__in=[]: none
    assert gather() == []
    assert gather(lambda: Value(1) and 7) == [7]


def test_wide_rows_duplicate_names_and_nulls_come_back_as_alone(world, count_queries):
    """Rows travel as JSON arrays (c1…cN), or as objects past PostgreSQL's 100 arguments of a function: either
    way the columns keep their order, duplicate names and NULLs, and dates and decimals their types."""
    project = world.project
    wide = {f"v{i}": Value(i) for i in range(101)}
    nothing = Max("implementations__end_date", filter=Q(pk=-1))

    def reads_():
        projects = Project.objects.filter(pk=project.pk)
        return [
            lambda: list(projects.values_list("pk", "id", "ambito__id", "ambito_id")),
            lambda: list(projects.annotate(**wide).values_list(*wide)),
            lambda: list(projects.annotate(none=nothing).values_list("none", "amount")),
            lambda: list(Project.objects.filter(pk=-1).values_list("start_date", "amount")),
        ]

    one_by_one = [read() for read in reads_()]
    together = []
    assert count_queries(lambda: together.extend(gather(*reads_()))) == 1
    assert repr(together) == repr(one_by_one)
    assert together[1] == [tuple(range(101))]
    assert together[2][0][0] is None and isinstance(together[2][0][1], Decimal)
