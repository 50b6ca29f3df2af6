"""The partner runs its staff's groups and events (001: the partner manages the parents' and children's groups with
its facilitators). Its referent creates and changes the groups of the projects its organisation is a partner of,
choosing the facilitators among its staff, records their sessions and attendance, seeing the participants by code
and pseudonym only; it records and changes the parenting events of those projects. Anything else answers 404. The
Ufficio di Piano keeps every group and event of the ambito."""

import pytest
from django.urls import reverse

from equipes.models import Role
from interventions.models import Attendance, Group, GroupSession, InterventionType, ParentingEvent
from tests import factories as f

from .conftest import SEDT_START

pytestmark = pytest.mark.django_db


def group_data(world, **overrides) -> dict:
    data = {
        "type": InterventionType.objects.get(code="gruppo_genitori", ambito__isnull=True).pk,
        "module_number": "1",
        "name": "Genitori in cammino",
        "implementation": world.implementation.pk,
        "venue": "Biblioteca civica",
        "planned_sessions": "6",
        "frequency": "quindicinale",
        "start_date": SEDT_START.isoformat(),
        "facilitators": [world.users.operatore.pk],
    }
    data.update(overrides)
    return data


def make_group(world, *facilitators, project=None, ambito=None, module_number=1, name="Genitori insieme") -> Group:
    project = project or world.project
    group = Group.objects.create(
        ambito=ambito or world.ambito,
        project=project,
        implementation=project.implementations.first(),
        type=InterventionType.objects.get(code="gruppo_genitori", ambito__isnull=True),
        module_number=module_number,
        name=name,
        venue="Sala civica",
        frequency="settimanale",
        start_date=SEDT_START,
    )
    group.facilitators.set(facilitators)
    return group


def event_data(world, **overrides) -> dict:
    data = {
        "date": "2024-05-18",
        "topic": "Le regole in famiglia",
        "venue": "Auditorium",
        "participants_count": "25",
        "programme_families": "4",
        "project": world.project.pk,
    }
    data.update(overrides)
    return data


@pytest.fixture
def partner(world, client_for):
    return client_for(world.users.referente_ente)


@pytest.fixture
def not_a_partners_project(world):
    """A project of the same ambito of which the cooperative is not a partner."""
    project = f.make_project(world.ambito, cup="B24H22000190999", title="Progetto senza la cooperativa")
    f.make_implementation(project, 1)
    return project


# --- Creating and changing a group ------------------------------------------------------------------------------


def test_partner_referent_creates_a_group_with_its_staff_as_facilitators(world, partner):
    educator = f.make_user(world.ambito, Role.OPERATORE, world.coop, username="educatrice_beta")
    data = group_data(world, facilitators=[world.users.operatore.pk, educator.pk])
    response = partner.post(reverse("interventions:group-create"), data)
    assert response.status_code == 302
    group = Group.objects.get(name="Genitori in cammino")
    assert (group.ambito, group.project, group.implementation) == (world.ambito, world.project, world.implementation)
    assert set(group.facilitators.all()) == {world.users.operatore, educator}
    assert response.url == group.get_absolute_url()
    assert group in partner.get(reverse("interventions:group-list")).context["page"]


def test_a_facilitator_of_another_organisation_is_a_form_error_in_italian(world, partner):
    data = group_data(world, facilitators=[world.users.case_manager.pk])  # of the Comune, not of the cooperative
    response = partner.post(reverse("interventions:group-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["facilitators"] == [
        "I facilitatori si scelgono tra il personale di Cooperativa Beta."
    ]
    assert "I facilitatori si scelgono tra il personale di Cooperativa Beta." in response.content.decode()
    assert not Group.objects.filter(name="Genitori in cammino").exists()


def test_the_referent_chooses_among_its_staff_and_its_organisations_projects(world, partner, not_a_partners_project):
    form = partner.get(reverse("interventions:group-create")).context["form"]
    assert set(form.fields["facilitators"].queryset) == {world.users.operatore, world.users.referente_ente}
    assert list(form.fields["implementation"].queryset) == [world.implementation]
    other_implementation = not_a_partners_project.implementations.get()
    response = partner.post(
        reverse("interventions:group-create"), group_data(world, implementation=other_implementation.pk)
    )
    assert response.status_code == 200 and response.context["form"].errors["implementation"]
    assert not Group.objects.filter(name="Genitori in cammino").exists()


def test_the_ufficio_di_piano_still_chooses_any_facilitator_of_the_ambito(world, client_for):
    data = group_data(world, facilitators=[world.users.case_manager.pk, world.users.operatore.pk])
    response = client_for(world.users.ufficio_piano).post(reverse("interventions:group-create"), data)
    assert response.status_code == 302
    assert Group.objects.get(name="Genitori in cammino").facilitators.count() == 2


def test_the_referent_changes_its_group_and_the_comunes_facilitator_stays(world, partner):
    group = make_group(world, world.users.operatore, world.users.case_manager)
    educator = f.make_user(world.ambito, Role.OPERATORE, world.coop, username="educatrice_beta")
    url = reverse("interventions:group-edit", args=[group.pk])
    assert partner.get(url).status_code == 200
    data = group_data(world, name="Genitori in cammino", facilitators=[educator.pk], planned_sessions="8")
    assert partner.post(url, data).status_code == 302
    group.refresh_from_db()
    assert (group.name, group.planned_sessions) == ("Genitori in cammino", 8)
    assert set(group.facilitators.all()) == {educator, world.users.case_manager}


def test_the_ufficio_di_piano_changes_the_partners_group(world, client_for):
    group = make_group(world, world.users.operatore)
    client = client_for(world.users.ufficio_piano)
    assert client.get(group.get_absolute_url()).context["can_change"]
    data = group_data(world, name="Genitori e figli", facilitators=[world.users.case_manager.pk])
    assert client.post(reverse("interventions:group-edit", args=[group.pk]), data).status_code == 302
    assert set(Group.objects.get(pk=group.pk).facilitators.all()) == {world.users.case_manager}


def test_a_facilitator_runs_the_group_but_does_not_change_it(world, client_for):
    group = make_group(world, world.users.operatore)
    client = client_for(world.users.operatore)
    assert not client.get(group.get_absolute_url()).context["can_change"]
    assert client.get(reverse("interventions:group-edit", args=[group.pk])).status_code == 403


# --- Running a group ------------------------------------------------------------------------------------------


@pytest.fixture
def running_group(world, family):
    group = make_group(world, world.users.operatore)
    group.participants.set(family.members.all())
    return group


def test_the_referent_records_sessions_and_attendance_of_its_group(world, partner, running_group, family):
    response = partner.post(
        reverse("interventions:session-create", args=[running_group.pk]),
        {"date": SEDT_START.isoformat(), "duration_minutes": "120", "topic": "Presentazioni"},
    )
    assert response.status_code == 302
    session = GroupSession.objects.get(group=running_group)
    member = family.members.first()
    url = reverse("interventions:attendance-toggle", args=[running_group.pk, session.pk, member.pk])
    assert partner.post(url).status_code == 302
    assert Attendance.objects.get(session=session, member=member).present


def test_the_referent_sees_the_participants_by_code_and_pseudonym_never_by_name(partner, running_group, family):
    GroupSession.objects.create(group=running_group, date=SEDT_START, duration_minutes=90)
    page = partner.get(running_group.get_absolute_url())
    labels = [row["label"] for row in page.context["grid"]]
    assert len(labels) == family.members.count()
    assert all(label.startswith(f"{family.code} · ") for label in labels)
    content = page.content.decode()
    for member in family.members.all():
        assert member.first_name not in content and member.last_name not in content


def test_the_referent_does_not_choose_the_participants(world, partner, running_group, family):
    page = partner.get(running_group.get_absolute_url())
    assert page.context["can_run"] and page.context["participants_form"] is None
    response = partner.post(running_group.get_absolute_url(), {"members": []})
    assert response.status_code == 403
    assert running_group.participants.count() == family.members.count()


# --- What the referent does not reach ----------------------------------------------------------------------------


def outside_groups(world, not_a_partners_project) -> dict[str, Group]:
    other = world.other
    return {
        "the Comune's group of the same project": make_group(world, world.users.case_manager, module_number=2),
        "a group of a project without the cooperative": make_group(
            world, world.users.operatore, project=not_a_partners_project, module_number=3
        ),
        "another ambito's group": make_group(
            world,
            f.make_user(other.ambito, Role.OPERATORE, other.organisation),
            project=other.project,
            ambito=other.ambito,
        ),
    }


def test_groups_outside_its_organisation_project_or_ambito_answer_404(world, partner, not_a_partners_project, family):
    for label, group in outside_groups(world, not_a_partners_project).items():
        group.participants.set(family.members.all())
        session = GroupSession.objects.create(group=group, date=SEDT_START, duration_minutes=90)
        member = family.members.first()
        for url, method in [
            (group.get_absolute_url(), "get"),
            (reverse("interventions:group-edit", args=[group.pk]), "get"),
            (reverse("interventions:group-edit", args=[group.pk]), "post"),
            (reverse("interventions:session-create", args=[group.pk]), "post"),
            (reverse("interventions:attendance-toggle", args=[group.pk, session.pk, member.pk]), "post"),
        ]:
            data = (
                group_data(world, name="Presa")
                if "modifica" in url
                else {"date": "2024-03-25", "duration_minutes": "60"}
            )
            assert getattr(partner, method)(url, data if method == "post" else None).status_code == 404, (label, url)
        assert group.sessions.count() == 1 and not Attendance.objects.filter(session=session).exists(), label
        assert Group.objects.get(pk=group.pk).name == "Genitori insieme", label


def test_the_list_shows_only_the_groups_its_staff_facilitate(world, partner, not_a_partners_project):
    # One of its educators facilitates with the Comune's case manager: the group is the cooperative's too.
    ours = make_group(world, world.users.operatore, world.users.case_manager, module_number=5)
    outside_groups(world, not_a_partners_project)
    assert list(partner.get(reverse("interventions:group-list")).context["page"]) == [ours]


def test_the_referent_of_an_organisation_that_is_no_partner_sees_no_group(world, client_for):
    group = make_group(world, world.users.operatore)
    gamma = f.make_user(world.ambito, Role.REFERENTE_ENTE, world.other_coop, username="referente_gamma")
    client = client_for(gamma)
    assert list(client.get(reverse("interventions:group-list")).context["page"]) == []
    assert client.get(group.get_absolute_url()).status_code == 404


def test_the_referent_sees_groups_and_events_but_not_the_rest_of_the_community(world, partner):
    page = partner.get(reverse("interventions:group-list")).content.decode()
    assert reverse("interventions:event-list") in page
    assert reverse("interventions:support-list") not in page and reverse("interventions:school-list") not in page
    assert partner.get(reverse("interventions:support-list")).status_code == 403
    assert partner.get(reverse("interventions:school-list")).status_code == 403


# --- Parenting events -------------------------------------------------------------------------------------------


def test_the_referent_records_and_changes_an_event_of_its_project(world, partner):
    assert partner.post(reverse("interventions:event-create"), event_data(world)).status_code == 302
    event = ParentingEvent.objects.get(topic="Le regole in famiglia")
    assert (event.ambito, event.project) == (world.ambito, world.project)
    assert event in partner.get(reverse("interventions:event-list")).context["page"]
    url = reverse("interventions:event-edit", args=[event.pk])
    assert partner.post(url, event_data(world, participants_count="30")).status_code == 302
    assert ParentingEvent.objects.get(pk=event.pk).participants_count == 30


def test_an_event_of_the_referent_needs_one_of_its_projects(world, partner, not_a_partners_project):
    for project, message in [
        ("", "Questo campo è obbligatorio."),
        (not_a_partners_project.pk, "Scegli un'opzione valida"),
    ]:
        response = partner.post(reverse("interventions:event-create"), event_data(world, project=project))
        assert response.status_code == 200 and response.context["form"].errors["project"], project
        assert message in response.context["form"].errors["project"][0]
    assert not ParentingEvent.objects.exists()


def test_events_outside_its_projects_answer_404(world, partner, not_a_partners_project):
    other = world.other
    events = [
        ParentingEvent.objects.create(
            ambito=world.ambito, project=not_a_partners_project, date=SEDT_START, topic="A", participants_count=5
        ),
        ParentingEvent.objects.create(ambito=world.ambito, date=SEDT_START, topic="B", participants_count=5),
        ParentingEvent.objects.create(
            ambito=other.ambito, project=other.project, date=SEDT_START, topic="C", participants_count=5
        ),
    ]
    assert list(partner.get(reverse("interventions:event-list")).context["page"]) == []
    for event in events:
        url = reverse("interventions:event-edit", args=[event.pk])
        assert partner.get(url).status_code == 404
        assert partner.post(url, event_data(world, topic="Presa")).status_code == 404
        assert ParentingEvent.objects.get(pk=event.pk).topic == event.topic


def test_the_ufficio_di_piano_changes_any_event_of_the_ambito(world, client_for, not_a_partners_project):
    event = ParentingEvent.objects.create(ambito=world.ambito, date=SEDT_START, topic="A", participants_count=5)
    client = client_for(world.users.ufficio_piano)
    assert "Modifica" in client.get(reverse("interventions:event-list")).content.decode()
    url = reverse("interventions:event-edit", args=[event.pk])
    assert client.post(url, event_data(world, project=not_a_partners_project.pk)).status_code == 302
    assert ParentingEvent.objects.get(pk=event.pk).project == not_a_partners_project


# --- Query counts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["group-list", "event-list"])
def test_the_referents_lists_cost_the_same_at_1_and_at_30_rows(world, partner, count_queries, name):
    def add(n, start):
        for i in range(start, start + n):
            make_group(world, world.users.operatore, module_number=i)
            ParentingEvent.objects.create(
                ambito=world.ambito, project=world.project, date=SEDT_START, topic=f"Tema {i}", participants_count=5
            )

    url = reverse(f"interventions:{name}")
    add(1, 1)
    partner.get(url)
    one = count_queries(lambda: partner.get(url))
    add(29, 2)
    thirty = count_queries(lambda: partner.get(url))
    assert len(partner.get(url).context["page"]) == 25  # a full page
    assert one == thirty
