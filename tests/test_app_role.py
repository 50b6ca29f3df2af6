"""The application's database role may read and append to the audit tables but never change or erase
them (`manage.py grant_app_role`)."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction

from families.models import AccessLog, Family, TransitionLog
from pippi_portal.audit import audit_models, event_models
from tests import factories as f

ROLE = "pippi_app_test"


def denied(sql: str, params=None) -> bool:
    """Whether the statement is refused for lack of privilege (inside a savepoint, so the test goes on)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except ProgrammingError as error:
        assert "permission denied" in str(error)
        return True
    return False


@pytest.fixture
def as_app_role(world):
    """Create and grant the role (CREATE ROLE is undone with the test's transaction), then act as it."""
    family = f.make_family(world)
    call_command("grant_app_role", role=ROLE)
    call_command("grant_app_role", role=ROLE)  # idempotent
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE}")
    yield family
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_the_audit_tables_are_the_history_the_access_log_and_the_state_changes():
    tables = {model._meta.db_table for model in audit_models()}
    assert {"families_accesslog", "families_transitionlog", "pippi_portal_anonymisationlog"} <= tables
    assert {model._meta.db_table for model in event_models()} <= tables
    assert "families_memberevent" in tables and "families_diarynoteevent" in tables


def test_the_app_role_appends_to_the_audit_tables_but_cannot_change_or_erase_them(world, as_app_role):
    family = as_app_role
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == ROLE
    # Appending works: an access-log row, and a change whose history row the trigger writes as this role.
    AccessLog.objects.create(user=world.users.case_manager, family=family, path="/prova/")
    member = family.members.first()
    member.school_class = "3ª primaria"
    member.save()
    assert apps.get_model("families", "MemberEvent").objects.filter(pgh_obj=member, pgh_label="update").exists()
    for table in ("families_accesslog", "families_transitionlog", "families_memberevent", "families_familyevent"):
        assert denied(
            f"UPDATE {table} SET pgh_label = pgh_label" if "event" in table else f"UPDATE {table} SET id = id"
        )
        assert denied(f"DELETE FROM {table}")
        assert denied(f"TRUNCATE {table}")
    assert TransitionLog.objects.filter(family=family).count() == 0


def test_the_app_role_changes_ordinary_tables(world, as_app_role):
    family = as_app_role
    assert Family.objects.filter(pk=family.pk).update(language="italiano") == 1
    assert not denied("UPDATE families_member SET school = '' WHERE family_id = %s", [family.pk])
    assert not denied("DELETE FROM pippi_portal_submittedform")


def test_the_app_role_cannot_rewrite_the_migration_record(as_app_role):
    assert denied("DELETE FROM django_migrations")
    assert not denied("SELECT count(*) FROM django_migrations")


def test_a_bad_role_name_is_refused_in_italian(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Nome di ruolo non valido"):
        call_command("grant_app_role", role="app; DROP TABLE x")
