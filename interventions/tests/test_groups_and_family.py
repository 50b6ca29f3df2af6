import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from interventions.forms import GroupForm
from interventions.models import Attendance, Group, GroupSession, InterventionType

from .conftest import SEDT_START


@pytest.fixture
def group(world, sedt):
    group = Group.objects.create(
        ambito=world.ambito,
        type=InterventionType.objects.get(code="gruppo_genitori"),
        module_number=1,
        name="Genitori insieme",
        venue="Sala civica",
        frequency="settimanale",
        start_date=SEDT_START,
        planned_sessions=6,
    )
    group.facilitators.add(world.users.operatore)
    group.participants.set(sedt.family.members.all())
    return group


def group_form_data(world, **overrides) -> dict:
    data = {
        "type": InterventionType.objects.get(code="gruppo_bambini").pk,
        "module_number": "1",
        "name": "Bambini insieme",
        "project": world.project.pk,
        "venue": "Biblioteca",
        "planned_sessions": "9",
        "frequency": "settimanale",
        "start_date": SEDT_START.isoformat(),
        "facilitators": [world.users.operatore.pk],
    }
    data.update(overrides)
    return data


def test_a_module_has_six_to_eight_sessions_unless_the_project_says_otherwise(world):
    form = GroupForm(group_form_data(world), user=world.users.ufficio_piano)
    assert not form.is_valid()
    assert "da 6 a 8 incontri" in form.errors["planned_sessions"][0]
    assert GroupForm(group_form_data(world, planned_sessions="8"), user=world.users.ufficio_piano).is_valid()


def test_the_database_keeps_the_number_of_sessions_sensible(world, sedt):
    with pytest.raises(IntegrityError, match="group_planned_sessions_range"), transaction.atomic():
        Group.objects.create(
            ambito=world.ambito,
            type=InterventionType.objects.get(code="gruppo_bambini"),
            module_number=1,
            name="x",
            venue="x",
            frequency="settimanale",
            start_date=SEDT_START,
            planned_sessions=0,
        )


def test_the_form_refuses_more_sessions_than_planned(world, client_for, group):
    client = client_for(world.users.operatore)
    for i in range(7):
        client.post(
            reverse("interventions:session-create", args=[group.pk]),
            {"date": (SEDT_START + datetime.timedelta(days=7 * i)).isoformat(), "duration_minutes": "120"},
        )
    assert GroupSession.objects.filter(group=group).count() == 6


def test_attendance_is_one_click_per_member(world, client_for, group):
    session = GroupSession.objects.create(group=group, date=SEDT_START, duration_minutes=120)
    member = group.participants.first()
    url = reverse("interventions:attendance-toggle", args=[group.pk, session.pk, member.pk])
    client = client_for(world.users.operatore)
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert "presente" in response.content.decode()
    assert Attendance.objects.get().present
    client.post(url, HTTP_HX_REQUEST="true")
    assert not Attendance.objects.get().present


def test_attendance_only_for_participants(world, client_for, group, other_family):
    session = GroupSession.objects.create(group=group, date=SEDT_START, duration_minutes=120)
    stranger = other_family.members.first()
    url = reverse("interventions:attendance-toggle", args=[group.pk, session.pk, stranger.pk])
    assert client_for(world.users.operatore).post(url).status_code == 404
    assert not Attendance.objects.exists()


def test_the_family_page_shows_attendance_and_the_timeline_shows_sessions(world, client_for, group, sedt):
    session = GroupSession.objects.create(group=group, date=SEDT_START, duration_minutes=120)
    GroupSession.objects.create(group=group, date=SEDT_START + datetime.timedelta(days=7), duration_minutes=120)
    Attendance.objects.create(session=session, member=group.participants.first(), present=True)
    client = client_for(world.users.case_manager)
    page = client.get(reverse("interventions:family", args=[sedt.family.pk])).content.decode()
    assert "presenti a 1 incontri su 2" in page
    detail = client.get(reverse("families:family-detail", args=[sedt.family.pk])).content.decode()
    assert "Incontro di gruppo: Genitori insieme" in detail
    assert "Avvio: Educativa domiciliare e territoriale (SEDT)" in detail


def test_the_plan_action_shows_the_interventions_that_serve_it(world, client_for, sedt):
    action = sedt.family.plans.get().objectives.first().actions.first()
    sedt.actions.add(action)
    page = client_for(world.users.case_manager).get(reverse("families:plan", args=[sedt.family.pk])).content.decode()
    assert "dispositivi: Educativa domiciliare e territoriale (SEDT)" in page


def test_an_operator_assigned_to_an_intervention_sees_the_family(world, client_for, sedt):
    from equipes.models import Role
    from tests import factories as f

    newcomer = f.make_user(world.ambito, Role.OPERATORE, world.coop)
    url = reverse("families:family-detail", args=[sedt.family.pk])
    assert client_for(newcomer).get(url).status_code == 404
    sedt.assigned_users.add(newcomer)
    assert client_for(newcomer).get(url).status_code == 200
