"""The migration that turns each implementation's "famiglie target" into its project's target of families per
implementation (issue 13 §2, equipes 0008), forward and back, on the historical models."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from equipes.models import ProjectTarget, TargetKind, TargetScope
from tests import factories as f

pytestmark = pytest.mark.django_db

BEFORE = ("equipes", "0007_project_lifecycle")
AFTER = ("equipes", "0008_implementation_target_families_to_targets")


class Executor(MigrationExecutor):
    """Django's executor, with the project's whole history (the plan of an empty database, from which it works out
    the state each migration to undo starts from) in another valid order: the migrations that come after equipes
    0008 last, each after its dependencies as before. Django renders every model again at each step of that
    history from the first migration it undoes on, and in its own order those are most of the project's
    migrations (the module's setup took a minute); in this order, only the ones it undoes (15 s). The migrations
    undone and applied, and what they do, are the same."""

    def migration_plan(self, targets, clean_start=False):
        plan = super().migration_plan(targets, clean_start=clean_start)
        if not clean_start:
            return plan
        later = set(self.loader.graph.backwards_plan(AFTER))  # 0008 and every migration that depends on it
        return sorted(plan, key=lambda step: (step[0].app_label, step[0].name) in later)  # a stable sort


def migrate(target):
    """Migrate equipes to `target` and return the models as they are there."""
    with connection.cursor() as cursor:
        # The rows the test made are checked now, not at commit: PostgreSQL alters no table with pending checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = Executor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def families_target(project):
    return ProjectTarget.objects.get(
        project=project, kind=TargetKind.FAMIGLIE_INCLUSE, scope=TargetScope.IMPLEMENTAZIONE
    )


@pytest.fixture(scope="module")
def projects(module_db):
    """Three projects: one whose implementations agree (12 each), one whose implementations differ (8 and 10),
    one that already has its target (the document's 10, while its implementation said 15); written at 0007 and
    migrated forward once for the module. (Each migration of the whole project back or forth takes seconds: the
    module's transaction keeps the result, each test's savepoint undoes what the test does to it, the schema
    included.)"""
    world = f.make_world()
    agreeing, differing, with_target = world.project, f.make_project(world.ambito), world.other.project
    f.make_implementation(agreeing, 12)
    f.make_implementation(differing, 11)
    f.make_implementation(differing, 12)
    f.make_target(with_target, TargetKind.FAMIGLIE_INCLUSE, 10, TargetScope.IMPLEMENTAZIONE, note="almeno 10")
    old = migrate(BEFORE).get_model("equipes", "Implementation")
    old.objects.filter(project_id=agreeing.pk).update(target_families=12)
    old.objects.filter(project_id=differing.pk, number=11).update(target_families=10)
    old.objects.filter(project_id=differing.pk, number=12).update(target_families=8)
    old.objects.filter(project_id=with_target.pk).update(target_families=15)
    migrate(AFTER)
    return agreeing, differing, with_target


def test_every_project_gets_the_target_of_its_implementations(projects):
    agreeing, differing, with_target = projects
    target = families_target(agreeing)
    assert target.minimum == 12 and target.note == "Dalle «famiglie target» delle implementazioni."
    target = families_target(differing)
    assert target.minimum == 8  # every implementation committed to at least 8
    assert "P.I.P.P.I. 11: 10; P.I.P.P.I. 12: 8" in target.note
    target = families_target(with_target)  # the document's target stays as it was
    assert (target.minimum, target.note) == (10, "almeno 10")
    assert ProjectTarget.objects.filter(kind=TargetKind.FAMIGLIE_INCLUSE).count() == 3


def test_going_back_gives_each_implementation_its_projects_minimum(projects):
    agreeing, differing, with_target = projects
    old = migrate(BEFORE).get_model("equipes", "Implementation")
    values = dict(old.objects.values_list("project_id", "target_families").order_by("project_id", "number"))
    assert (values[agreeing.pk], values[differing.pk], values[with_target.pk]) == (12, 8, 10)
    # The test's savepoint takes the schema back to 0008 at its end; the module's transaction ends at 0008 too.
