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
        "implementation": world.implementation.pk,
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
    assert "presenti a 1 incontro su 2" in page
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


GROUP_DATA = {
    "module_number": "5",
    "name": "Genitori in cammino",
    "venue": "Sala civica",
    "planned_sessions": "6",
    "frequency": "settimanale",
    "start_date": "2024-04-10",
}


def test_a_new_group_serves_an_implementation_and_takes_its_project(world, client_for):
    client = client_for(world.users.coordinatore)
    data = {
        **GROUP_DATA,
        "type": InterventionType.objects.get(code="gruppo_genitori").pk,
        "facilitators": [world.users.operatore.pk],
        "implementation": world.implementation.pk,
    }
    response = client.post(reverse("interventions:group-create"), data)
    assert response.status_code == 302
    group = Group.objects.get(name="Genitori in cammino")
    assert (group.implementation, group.project) == (world.implementation, world.project)


def test_a_new_group_without_an_implementation_is_a_form_error(world, client_for):
    data = {**GROUP_DATA, "type": InterventionType.objects.get(code="gruppo_genitori").pk}
    response = client_for(world.users.coordinatore).post(reverse("interventions:group-create"), data)
    assert response.status_code == 200 and not Group.objects.filter(name="Genitori in cammino").exists()


def test_another_ambitos_implementation_is_not_a_choice(world, client_for):
    data = {
        **GROUP_DATA,
        "type": InterventionType.objects.get(code="gruppo_genitori").pk,
        "implementation": world.other.implementation.pk,
    }
    response = client_for(world.users.coordinatore).post(reverse("interventions:group-create"), data)
    assert response.status_code == 200 and not Group.objects.filter(name="Genitori in cammino").exists()


def test_the_data_migration_places_existing_groups_in_the_implementation_running_at_their_start(world):
    """Groups recorded before they belonged to an implementation: the one of their project (or, without a
    project, of their ambito's projects) running on their start date."""
    import importlib

    from django.apps import apps

    from tests import factories as f

    migration = importlib.import_module("interventions.migrations.0005_group_implementation_from_dates")
    later = f.make_implementation(world.project, 12, start_date=datetime.date(2025, 1, 1))
    world.implementation.end_date = datetime.date(2024, 12, 31)
    world.implementation.save()
    kinds = InterventionType.objects.get(code="gruppo_genitori")
    common = {"ambito": world.ambito, "type": kinds, "venue": "Sala", "frequency": "settimanale"}
    early = Group.objects.create(project=world.project, module_number=1, name="a", start_date=SEDT_START, **common)
    late = Group.objects.create(module_number=2, name="b", start_date=datetime.date(2025, 3, 1), **common)
    migration.set_group_implementation(apps, None)
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.implementation == world.implementation
    assert (late.implementation, late.project) == (later, world.project)


# --- Issue 13 §2: groups "may serve Progetto Quadro objectives" ------------------------------------------------


@pytest.fixture
def serving_group(world, sedt):
    """A parents' group of the world's implementation with the members of the family of `sedt` (on its path, with
    a Progetto Quadro in force)."""
    from tests import factories as f

    group = f.make_group(world.implementation, start_date=SEDT_START)
    group.participants.set(sedt.family.members.all())
    return group


def objectives_url(group):
    return reverse("interventions:group-objectives", args=[group.pk])


def in_path(world, advance, **kwargs):
    from families.models import State
    from tests import factories as f

    return advance(f.make_family(world, **kwargs), State.IN_CORSO)


def test_a_group_serves_objectives_of_the_families_taking_part_and_the_plan_shows_it(
    world, client_for, serving_group, sedt
):
    objective = sedt.family.plans.get().objectives.first()
    client = client_for(world.users.case_manager)
    form = client.get(serving_group.get_absolute_url()).content.decode()
    assert f'value="{objective.pk}"' in form and sedt.family.code in form
    response = client.post(objectives_url(serving_group), {"objectives": [objective.pk]}, follow=True)
    assert "Obiettivi del gruppo aggiornati." in response.content.decode()
    assert list(serving_group.objectives.all()) == [objective]
    plan = client.get(reverse("families:plan", args=[sedt.family.pk])).content.decode()
    assert f"Gruppi che vi rispondono:</strong> {serving_group}" in plan


def test_an_objective_of_a_family_not_taking_part_is_refused_in_italian(
    world, client_for, advance, serving_group, sedt
):
    outside = in_path(world, advance).plans.get().objectives.first()
    response = client_for(world.users.case_manager).post(
        objectives_url(serving_group), {"objectives": [outside.pk]}, follow=True
    )
    assert "Un gruppo risponde solo agli obiettivi dei Progetti Quadro in vigore delle famiglie che vi partecipano" in (
        response.content.decode()
    )
    assert not serving_group.objectives.exists()


def test_the_objectives_of_a_family_of_another_project_are_not_offered_nor_accepted(
    world, advance, serving_group, sedt
):
    from interventions import services
    from interventions.forms import GroupObjectivesForm
    from tests import factories as f

    other_project = f.make_implementation(f.make_project(world.ambito), 11)
    elsewhere = in_path(world, advance, implementation=other_project)
    serving_group.participants.add(*elsewhere.members.all())
    theirs = elsewhere.plans.get().objectives.first()
    ours = sedt.family.plans.get().objectives.first()
    form = GroupObjectivesForm(group=serving_group, user=world.users.case_manager)
    offered = set(form.fields["objectives"].queryset)
    assert ours in offered and theirs not in offered
    with pytest.raises(services.GroupRefused, match="nel progetto e nell'ambito del gruppo"):
        services.group_set_objectives(group=serving_group, objectives=[ours, theirs], by=world.users.case_manager)
    assert not serving_group.objectives.exists()


def test_the_objective_choices_name_nobody_to_the_roles_that_see_families_pseudonymised(
    world, client_for, serving_group, sedt
):
    objective = sedt.family.plans.get().objectives.first()
    child = sedt.family.members.get(is_reference_child=True)
    objective.expected_result = f"{child.first_name} frequenta la scuola con regolarità"
    objective.save()
    serving_group.objectives.add(objective)
    page = client_for(world.users.coordinatore).get(serving_group.get_absolute_url()).content.decode()
    assert f"{sedt.family.code} · " in page and "frequenta la scuola con regolarità" in page
    assert child.first_name not in page and child.last_name not in page
    named = client_for(world.users.case_manager).get(serving_group.get_absolute_url()).content.decode()
    assert f"{child.first_name} frequenta la scuola" in named


def test_a_family_that_leaves_the_group_is_no_longer_served_by_it(world, serving_group, sedt):
    from interventions import services

    serving_group.objectives.set(sedt.family.plans.get().objectives.all())
    services.group_set_participants(group=serving_group, members=[], by=world.users.case_manager)
    assert not serving_group.objectives.exists()


def test_a_revised_plan_keeps_the_groups_that_serve_its_objectives(world, serving_group, sedt):
    from families.services import plan_revise

    old = sedt.family.plans.get()
    serving_group.objectives.set(old.objectives.all())
    new = plan_revise(plan=old, date=datetime.date(2024, 9, 1), reason="Verifica T1")
    assert set(serving_group.objectives.all()) == set(old.objectives.all()) | set(new.objectives.all())
    assert set(serving_group.objective_choices()) == set(new.objectives.all())  # the plan in force only


def test_choosing_the_objectives_again_keeps_those_of_a_superseded_plan(world, serving_group, sedt):
    from families.services import plan_revise
    from interventions import services

    old = sedt.family.plans.get()
    serving_group.objectives.set(old.objectives.all())
    new = plan_revise(plan=old, date=datetime.date(2024, 9, 1), reason="Verifica T1")
    services.group_set_objectives(group=serving_group, objectives=[], by=world.users.case_manager)
    assert set(serving_group.objectives.all()) == set(old.objectives.all())  # the history of the old version
    assert not serving_group.objectives.filter(plan=new).exists()
