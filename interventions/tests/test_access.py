"""Every URL of the interventions app, for each persona, on objects in and out of scope."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from equipes.models import Role
from interventions import services
from interventions.models import Group, GroupSession, InterventionType, SchoolPartnership, Timesheet
from tests import factories as f

from .conftest import SEDT_START

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
ALL = set(PERSONAS)
WITH_AMBITO = ALL - {"admin"}
ORGANISERS = {"admin", "ufficio_piano", "coordinatore", "case_manager"}
COMMUNITY = ORGANISERS | {"operatore", "operatore_libero"}
FAMILY_VISIBLE = {"admin", "ufficio_piano", "coordinatore", "case_manager", "operatore"}

TIMESHEET_VISIBLE = {"admin", "ufficio_piano", "referente_ente", "operatore"}
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
    "group-list": ("GET", COMMUNITY, None),
    "group-create": ("GET", ORGANISERS, None),
    "group-detail": ("GET", COMMUNITY, None),
    "session-create": ("POST", ORGANISERS, None),
    "attendance-toggle": ("POST", ORGANISERS, None),
    "support-list": ("GET", COMMUNITY, None),
    "support-create": ("GET", ORGANISERS - {"admin"}, None),
    "pairing-create": ("GET", {"admin", "case_manager"}, None),
    "school-list": ("GET", COMMUNITY, None),
    "school-create": ("GET", {"ufficio_piano", "coordinatore"}, None),
    "school-meeting-create": ("POST", {"admin", "ufficio_piano", "coordinatore"}, None),
    "event-list": ("GET", COMMUNITY, None),
    "event-create": ("GET", ORGANISERS - {"admin"}, None),
    "budget": ("GET", {"admin", "ufficio_piano", "coordinatore", "referente_ente"}, None),
}
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
    "session-create",
    "attendance-toggle",
    "school-meeting-create",
    "budget",
}


@pytest.fixture
def objects(world, sedt):
    educator = world.users.operatore
    services.time_entry_set(user=educator, day=SEDT_START, activity="diretta_famiglia", minutes=60, family=sedt.family)
    sheet = Timesheet.objects.get()
    group = Group.objects.create(
        ambito=world.ambito,
        type=InterventionType.objects.get(code="gruppo_genitori"),
        module_number=1,
        name="Genitori",
        venue="Sala",
        frequency="settimanale",
        start_date=SEDT_START,
    )
    member = sedt.family.members.first()
    group.participants.add(member)
    session = GroupSession.objects.create(group=group, date=SEDT_START, duration_minutes=120)
    school = SchoolPartnership.objects.create(ambito=world.ambito, school="IC", kind="protocollo", signed_on=SEDT_START)
    kwargs = {
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
        "session-create": {"pk": group.pk},
        "attendance-toggle": {"pk": group.pk, "session_pk": session.pk, "member_pk": member.pk},
        "school-meeting-create": {"pk": school.pk},
        "budget": {"project_pk": world.project.pk},
    }
    personas = {
        name: getattr(world.users, name)
        for name in ["admin", "ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente"]
    }
    personas["outsider"] = world.other.ufficio_piano
    personas["operatore_libero"] = f.make_user(world.ambito, Role.OPERATORE, world.coop)
    return kwargs, personas


def test_every_interventions_url_is_in_the_matrix():
    names = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "interventions":
            names |= {p.name for p in pattern.url_patterns}
    assert names == set(PAGES)


def expected(persona, name):
    method, allowed, visible = PAGES[name]
    if persona == "outsider":
        if name in OBJECT_PAGES:
            return 404
        # The other ambito's Ufficio di Piano: the same role, with its own (empty) data.
        persona = "ufficio_piano"
    if visible is not None and persona not in visible:
        return 404
    if persona not in allowed:
        return 403
    if name == "my-month" and persona == "operatore":
        return 302  # the month exists: straight to the timesheet
    return 302 if method == "POST" else 200


def snapshot():
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("interventions").get_models()}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_status(objects, persona):
    kwargs, personas = objects
    client = Client()
    client.force_login(personas[persona])
    failures = []
    for name, (method, _allowed, _visible) in sorted(PAGES.items()):
        url = reverse(f"interventions:{name}", kwargs=kwargs.get(name, {}))
        want = expected(persona, name)
        if method == "POST":
            if want == 302:
                continue  # allowed writes are exercised in the feature tests
            before = snapshot()
            status = client.post(
                url,
                {
                    "reason": "x",
                    "value": "1",
                    "row": "coordinamento:",
                    "date": SEDT_START.isoformat(),
                    "participants": "x",
                },
            ).status_code
            if snapshot() != before:
                failures.append(f"{name}: a denied POST changed data")
        else:
            status = client.get(url).status_code
        if status != want:
            failures.append(f"{name}: {status}, expected {want}")
    assert not failures, "\n".join(failures)


def test_anonymous_visitors_are_sent_to_the_login(objects):
    kwargs, _personas = objects
    client = Client()
    for name, (method, _allowed, _visible) in PAGES.items():
        url = reverse(f"interventions:{name}", kwargs=kwargs.get(name, {}))
        response = getattr(client, method.lower())(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name
