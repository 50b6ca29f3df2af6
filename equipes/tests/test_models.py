import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from equipes.models import Equipe, Implementation, Project, Role, User
from tests import factories as f


def test_cup_is_unique_in_the_database(world):
    with pytest.raises(IntegrityError, match="project_cup_unique"), transaction.atomic():
        f.make_project(world.other.ambito, cup=world.project.cup)


def test_cup_format_is_checked_by_the_database(world):
    with pytest.raises(IntegrityError, match="project_cup_format"), transaction.atomic():
        f.make_project(world.ambito, cup="B24H2200019000X")


def test_cup_validator_explains_the_format_in_italian():
    project = Project(cup="123")
    with pytest.raises(ValidationError) as error:
        project.clean_fields(exclude=["ambito", "title", "amount", "start_date", "end_date"])
    assert "15 caratteri" in str(error.value)


def test_implementation_number_is_unique_in_its_project(world):
    f.make_implementation(world.other.project, 12)
    with pytest.raises(IntegrityError, match="implementation_number_unique_in_project"), transaction.atomic():
        f.make_implementation(world.project, 11)


def test_same_implementation_number_is_allowed_in_another_project(world):
    assert f.make_implementation(world.other.project, 12).number == 12


def test_user_organisation_must_be_in_the_user_ambito(world):
    with pytest.raises(IntegrityError, match="user_organisation_in_ambito"), transaction.atomic():
        f.make_user(world.ambito, Role.OPERATORE, world.other.organisation)


def test_moving_a_user_to_another_ambito_keeps_the_organisation_check(world):
    user = world.users.operatore
    user.ambito = world.other.ambito
    with pytest.raises(IntegrityError, match="user_organisation_in_ambito"), transaction.atomic():
        user.save()


def test_non_admin_user_needs_an_ambito(db):
    with pytest.raises(IntegrityError, match="user_has_ambito"), transaction.atomic():
        User.objects.create_user(username="x", role=Role.OPERATORE)


def test_admin_needs_no_ambito(db):
    assert User.objects.create_superuser("root", password="pw-long-enough-1").role == Role.ADMIN


def test_implementation_offsets_must_be_ordered(world):
    with pytest.raises(IntegrityError, match="implementation_offsets_ordered"), transaction.atomic():
        f.make_implementation(world.project, 12, t1_offset_months=9, t2_offset_months=6)


def test_t1_and_t2_due_dates_follow_the_offsets(world):
    implementation = world.implementation
    t0 = datetime.date(2024, 1, 31)
    assert implementation.t1_due(t0) == datetime.date(2024, 10, 31)
    assert implementation.t2_due(t0) == datetime.date(2025, 7, 31)


def test_visible_to_keeps_each_ambito_to_itself(world):
    case_manager = world.users.case_manager
    assert list(Project.objects.visible_to(case_manager)) == [world.project]
    assert list(Implementation.objects.visible_to(case_manager)) == [world.implementation]
    assert list(Equipe.objects.visible_to(case_manager)) == [world.equipe]
    assert world.other.outsider not in User.objects.visible_to(case_manager)


def test_admin_sees_every_ambito(world):
    assert Project.objects.visible_to(world.users.admin).count() == 2


def test_inactive_user_sees_nothing(world):
    user = world.users.ufficio_piano
    user.is_active = False
    assert not Project.objects.visible_to(user).exists()


def test_staff_register_scope_per_role(world):
    coop_staff = {world.users.operatore, world.users.referente_ente}
    assert set(User.objects.staff_register_for(world.users.referente_ente)) == coop_staff
    register = set(User.objects.staff_register_for(world.users.ufficio_piano))
    assert coop_staff | {world.users.case_manager, world.users.coordinatore} <= register
    assert world.other.outsider not in register
    assert not User.objects.staff_register_for(world.users.operatore).exists()
    assert not User.objects.staff_register_for(world.users.case_manager).exists()
