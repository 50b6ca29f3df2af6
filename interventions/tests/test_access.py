"""Every URL of the interventions app, for each persona, on objects in and out of scope (the checks are
tests/access_harness.py; the objects of both ambiti are built once for the module)."""

import random
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from equipes.models import Role
from families.models import TeamMember
from interventions import services
from interventions.models import (
    BudgetLine,
    CostItem,
    Group,
    GroupSession,
    InterventionType,
    ParentingEvent,
    SchoolPartnership,
    Timesheet,
)
from tests import access_harness as access
from tests import factories as f

from .conftest import SEDT_START, make_sedt

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "ufficio_piano",
    "coordinatore",
    "case_manager",
    "operatore",
    "referente_ente",
    "outsider",
    "operatore_libero",
]
# The associated ambito of the world's project ("ASC", as the Bassa Romagna with the Romagna Faentina's project):
# its staff, with the same roles, have their own ambito's families, groups, hours and schools in scope and the lead
# ambito's out of scope (404 both ways); the shared project's budget is in their scope, to read, and its set-up is
# the lead's Ufficio di Piano's (404 for an associated ambito, as for any other).
ASSOCIATED = {
    "associated_ufficio_piano": "ufficio_piano",
    "associated_coordinatore": "coordinatore",
    "associated_case_manager": "case_manager",
    "associated_operatore": "operatore",
}
ALL = set(PERSONAS)
WITH_AMBITO = ALL - {"admin"}
ORGANISERS = {"admin", "ufficio_piano", "coordinatore", "case_manager"}
COMMUNITY = ORGANISERS | {"operatore", "operatore_libero"}
# The partner's referent runs the groups its staff facilitate and the events of its organisation's projects (001).
PARTNER = {"referente_ente"}
FAMILY_VISIBLE = {"admin", "ufficio_piano", "coordinatore", "case_manager", "operatore"}

TIMESHEET_VISIBLE = {"admin", "ufficio_piano", "referente_ente", "operatore"}
BUDGET_READERS = {"admin", "ufficio_piano", "coordinatore", "referente_ente"}
BUDGET_SETUP = {"admin", "ufficio_piano"}
# name -> (method, personas allowed, personas that can see the object at all — the others get 404; a persona
# that sees it but is not allowed gets 403). None: every persona of the ambito sees it.
PAGES = {
    "family": ("GET", FAMILY_VISIBLE, FAMILY_VISIBLE),
    "intervention-create": ("GET", {"admin", "case_manager"}, FAMILY_VISIBLE),
    "intervention-edit": ("GET", {"admin", "case_manager"}, FAMILY_VISIBLE),
    "week": ("GET", WITH_AMBITO, None),
    "cell-save": ("POST", WITH_AMBITO, None),
    "week-save": ("POST", WITH_AMBITO, None),
    "my-timesheets": ("GET", WITH_AMBITO, None),
    "my-month": ("GET", WITH_AMBITO, None),
    "timesheet-list": ("GET", {"admin", "ufficio_piano", "referente_ente"}, None),
    "timesheet-detail": ("GET", TIMESHEET_VISIBLE, TIMESHEET_VISIBLE),
    "timesheet-pdf": ("GET", TIMESHEET_VISIBLE, TIMESHEET_VISIBLE),
    "timesheet-confirm": ("POST", {"operatore"}, TIMESHEET_VISIBLE),
    "timesheet-withdraw": ("POST", {"operatore"}, TIMESHEET_VISIBLE),
    "timesheet-validate": ("POST", {"admin", "ufficio_piano", "referente_ente"}, TIMESHEET_VISIBLE),
    "timesheet-reopen": ("POST", {"admin", "ufficio_piano", "referente_ente"}, TIMESHEET_VISIBLE),
    "group-list": ("GET", COMMUNITY | PARTNER, None),
    "group-create": ("GET", ORGANISERS | PARTNER, None),
    "group-detail": ("GET", COMMUNITY | PARTNER, None),
    "group-edit": ("GET", ORGANISERS | PARTNER, None),
    "session-create": ("POST", ORGANISERS | PARTNER, None),
    "group-objectives": ("POST", ORGANISERS, None),
    "attendance-toggle": ("POST", ORGANISERS | PARTNER, None),
    "support-list": ("GET", COMMUNITY, None),
    "support-create": ("GET", ORGANISERS - {"admin"}, None),
    "pairing-create": ("GET", {"admin", "case_manager"}, None),
    "school-list": ("GET", COMMUNITY, None),
    "school-create": ("GET", {"ufficio_piano", "coordinatore"}, None),
    "school-meeting-create": ("POST", {"admin", "ufficio_piano", "coordinatore"}, None),
    "event-list": ("GET", COMMUNITY | PARTNER, None),
    "event-create": ("GET", (ORGANISERS - {"admin"}) | PARTNER, None),
    "event-edit": ("GET", ORGANISERS | PARTNER, None),
    "budget": ("GET", BUDGET_READERS, None),
    "budget-line-create": ("GET", BUDGET_SETUP, None),
    "budget-line-edit": ("GET", BUDGET_SETUP, None),
    "budget-line-delete": ("POST", BUDGET_SETUP, None),
    "cost-item-create": ("GET", BUDGET_SETUP, None),
    "cost-item-edit": ("GET", BUDGET_SETUP, None),
    "cost-item-delete": ("POST", BUDGET_SETUP, None),
    "cost-item-document": ("GET", BUDGET_READERS, None),
}
# Pages about one object: each has an object of the other ambito too, out of scope but for the admin.
OBJECT_PAGES = {
    "family",
    "intervention-edit",
    "intervention-create",
    "timesheet-detail",
    "timesheet-pdf",
    "timesheet-confirm",
    "timesheet-withdraw",
    "timesheet-validate",
    "timesheet-reopen",
    "group-detail",
    "group-edit",
    "session-create",
    "group-objectives",
    "attendance-toggle",
    "school-meeting-create",
    "event-edit",
    "budget",
    "budget-line-create",
    "budget-line-edit",
    "budget-line-delete",
    "cost-item-create",
    "cost-item-edit",
    "cost-item-delete",
    "cost-item-document",
}


# Pages about the project (its budget): the lead ambito and the associated one share them; the third ambito's
# project is out of scope for both.
PROJECT_PAGES = {name for name in OBJECT_PAGES if name.startswith(("budget", "cost-item"))}
# Setting up the budget: only the lead ambito's Ufficio di Piano finds the project (an associated ambito gets 404).
LEAD_ONLY = {name for name, (_method, allowed, _visible) in PAGES.items() if allowed == BUDGET_SETUP}


# Pages that check the role before looking the object up: a role without the right gets 403 whatever the object.
ROLE_FIRST = {"school-meeting-create"}


def expected(persona: str, name: str, in_scope: bool) -> int:
    name = name.removeprefix("interventions:")
    method, allowed, visible = PAGES[name]
    # The other ambito's Ufficio di Piano: the same role, with its own objects.
    role = "ufficio_piano" if persona == "outsider" else ASSOCIATED.get(persona, persona)
    if not in_scope and persona != "admin":
        return 403 if name in ROLE_FIRST and role not in allowed else 404
    if persona in ASSOCIATED and name in LEAD_ONLY:
        return 404
    if visible is not None and role not in visible:
        return 404
    if role not in allowed:
        return 403
    if name == "my-month" and role == "operatore":
        return 302  # the month exists: straight to the timesheet
    return 302 if method == "POST" else 200


def home(persona: str | None) -> str:
    """Whose objects are in the persona's scope: the lead ambito's ("ours"), the third ambito's ("theirs"), the
    associated ambito's."""
    return "theirs" if persona == "outsider" else "associated" if persona in ASSOCIATED else "ours"


def urls(scene, persona: str | None, name: str, in_scope: bool) -> list[str]:
    name = name.removeprefix("interventions:")
    mine = home(persona)
    if name not in OBJECT_PAGES:
        kwargs = scene.kwargs[mine].get(name, {})
        return [reverse(f"interventions:{name}", kwargs=kwargs)] if in_scope else []
    if in_scope:
        keys = [mine]
    elif name in PROJECT_PAGES:
        # The lead and the associated ambito share the project: the other one is the third ambito's.
        keys = ["ours"] if mine == "theirs" else ["theirs"]
    else:
        # An ambito's objects are out of the scope of both other ambiti, whether or not they share the project.
        keys = [key for key in ("ours", "associated", "theirs") if key != mine]
    return [reverse(f"interventions:{name}", kwargs=scene.kwargs[key][name]) for key in keys]


TABLE = access.Table(
    namespace="interventions",
    pages={f"interventions:{name}": method for name, (method, _allowed, _visible) in PAGES.items()},
    personas=[*PERSONAS, *ASSOCIATED],
    urls=urls,
    expected=expected,
    app_labels=["interventions"],
    post_data={
        "reason": "x",
        "value": "1",
        "row": "coordinamento:",
        "date": SEDT_START.isoformat(),
        "participants": "x",
    },
)


def objects_of(ambito, project, sedt, educator, partner) -> dict[str, dict]:
    """An hour of the family's intervention on the educator's timesheet, a parents' group of the project with one
    of the family's members and a session, facilitated by an educator of the partner (not a persona: only the
    partner's referent runs it besides the organisers), a school partnership, a parenting event of the project:
    the URL arguments of the object pages."""
    services.time_entry_set(user=educator, day=SEDT_START, activity="diretta_famiglia", minutes=60, family=sedt.family)
    sheet = Timesheet.objects.get(user=educator)
    group = Group.objects.create(
        ambito=ambito,
        project=project,
        type=InterventionType.objects.get(code="gruppo_genitori", ambito__isnull=True),
        module_number=1,
        name="Genitori",
        venue="Sala",
        frequency="settimanale",
        start_date=SEDT_START,
        implementation=project.implementations.first(),
    )
    group.facilitators.add(f.make_user(ambito, Role.OPERATORE, partner))
    member = sedt.family.members.first()
    group.participants.add(member)
    session = GroupSession.objects.create(group=group, date=SEDT_START, duration_minutes=120)
    school = SchoolPartnership.objects.create(ambito=ambito, school="IC", kind="protocollo", signed_on=SEDT_START)
    event = ParentingEvent.objects.create(
        ambito=ambito, project=project, date=SEDT_START, topic="Regole e affetto", participants_count=12
    )
    return {
        "family": {"pk": sedt.family.pk},
        "intervention-create": {"pk": sedt.family.pk},
        "intervention-edit": {"pk": sedt.pk},
        "my-month": {"year": 2024, "month": 3},
        "timesheet-detail": {"pk": sheet.pk},
        "timesheet-pdf": {"pk": sheet.pk},
        "timesheet-confirm": {"pk": sheet.pk},
        "timesheet-withdraw": {"pk": sheet.pk},
        "timesheet-validate": {"pk": sheet.pk},
        "timesheet-reopen": {"pk": sheet.pk},
        "group-detail": {"pk": group.pk},
        "group-edit": {"pk": group.pk},
        "session-create": {"pk": group.pk},
        "group-objectives": {"pk": group.pk},
        "attendance-toggle": {"pk": group.pk, "session_pk": session.pk, "member_pk": member.pk},
        "school-meeting-create": {"pk": school.pk},
        "event-edit": {"pk": event.pk},
    }


def budget_of(project) -> dict[str, dict]:
    """A staff line and a cost item with its document: the URL arguments of a project's budget pages."""
    line = BudgetLine.objects.create(project=project, profile="educatore", minimum_hours=6000, hourly_cost=22)
    item = CostItem.objects.create(project=project, description="Sala", category="spazi", amount=500, date=SEDT_START)
    item.document.save("giustificativo.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {
        "budget": {"project_pk": project.pk},
        "budget-line-create": {"project_pk": project.pk},
        "budget-line-edit": {"pk": line.pk},
        "budget-line-delete": {"pk": line.pk},
        "cost-item-create": {"project_pk": project.pk},
        "cost-item-edit": {"pk": item.pk},
        "cost-item-delete": {"pk": item.pk},
        "cost-item-document": {"pk": item.pk},
    }


@pytest.fixture(scope="module")
def scene(module_world, walk):
    """In each ambito (the lead and the associated ambito of the world's project, and the third ambito) a family
    on its path with an educational intervention of its educator, the educator's timesheet, a group and a school
    partnership; the budget of the world's project and of the third ambito's."""
    world = module_world

    def advance_by(case_manager, educator, seed):
        return lambda family, state: walk(
            family, state, by=case_manager, operator=educator, t0=f._dt.date(2024, 3, 1), rng=random.Random(seed)
        )

    family = f.make_family(world, children=2)
    TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")
    sedt = make_sedt(world, family, advance_by(world.users.case_manager, world.users.operatore, 1))

    other = world.other
    other_educator = f.make_user(other.ambito, Role.OPERATORE, other.organisation)
    other_family = f.make_family(
        world,
        case_manager=other.outsider,
        implementation=other.implementation,
        comune=other.comune,
        equipe=other.equipe,
    )
    TeamMember.objects.create(family=other_family, user=other_educator, role="Educatore")
    other_world = SimpleNamespace(users=SimpleNamespace(operatore=other_educator))
    other_sedt = make_sedt(other_world, other_family, advance_by(other.outsider, other_educator, 2))

    # The associated ambito's family, under the shared project's implementation, with its own educator.
    associated = world.associated
    shared_family = f.make_family(
        world,
        case_manager=associated.users.case_manager,
        comune=associated.comune,
        equipe=associated.equipe,
    )
    TeamMember.objects.create(family=shared_family, user=associated.users.operatore, role="Educatore")
    shared_sedt = make_sedt(
        associated,
        shared_family,
        advance_by(associated.users.case_manager, associated.users.operatore, 3),
    )

    personas = {
        name: getattr(world.users, name)
        for name in ["admin", "ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente"]
    }
    personas["outsider"] = other.ufficio_piano
    personas["operatore_libero"] = f.make_user(world.ambito, Role.OPERATORE, world.coop)
    personas |= {persona: getattr(associated.users, role) for persona, role in ASSOCIATED.items()}
    project_budget = budget_of(world.project)
    return SimpleNamespace(
        world=world,
        personas=personas,
        sessions=access.sessions(personas),
        kwargs={
            "ours": objects_of(world.ambito, world.project, sedt, world.users.operatore, world.coop) | project_budget,
            "theirs": objects_of(other.ambito, other.project, other_sedt, other_educator, other.organisation)
            | budget_of(other.project),
            "associated": objects_of(
                associated.ambito, world.project, shared_sedt, associated.users.operatore, associated.organisation
            )
            | project_budget,
        },
    )


def test_every_interventions_url_is_in_the_matrix():
    access.assert_every_url_has_an_entry(TABLE)


@pytest.mark.parametrize(("persona", "name"), TABLE.cases())
def test_each_persona_gets_the_expected_status(scene, persona, name):
    access.check(TABLE, scene, persona, name)


@pytest.mark.parametrize("name", sorted(TABLE.pages))
def test_anonymous_visitors_are_sent_to_the_login(scene, name):
    access.check_anonymous(TABLE, scene, name)
