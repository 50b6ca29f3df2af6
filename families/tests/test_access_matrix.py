"""Every URL of the families app, for each persona, against a family in scope and one out of scope.

A family outside the user's scope answers 404 whatever the page; inside it, a page needing a capability
the role lacks answers 403 (404 for documents that only identity-seeing roles may fetch). A denied POST
leaves the database unchanged. The test fails when a URL of the app has no entry here.
"""

import random

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from equipes.models import Role
from families.models import State, TeamMember
from tests import factories as f

# URL name -> (HTTP method, capability the page needs). Capabilities are granted per persona below.
PAGES = {
    "family-list": ("GET", "list"),
    "family-create": ("GET", "create"),
    "family-detail": ("GET", "view"),
    "family-edit": ("GET", "change"),
    "family-audit": ("GET", "audit"),
    "family-transition": ("POST", "change"),
    "member-create": ("GET", "change"),
    "member-edit": ("GET", "change"),
    "preassessment": ("GET", "change"),
    "consent-create": ("GET", "change"),
    "consent-file": ("GET", "identities"),
    "consent-revoke": ("POST", "change"),
    "team": ("GET", "view"),
    "team-remove": ("POST", "change"),
    "team-meeting-create": ("GET", "contribute"),
    "assessments": ("GET", "view"),
    "assessment-edit": ("GET", "contribute"),
    "sdq-create": ("GET", "contribute"),
    "plan": ("GET", "view"),
    "plan-create": ("POST", "contribute"),
    "plan-edit": ("GET", "contribute"),
    "plan-share": ("POST", "contribute"),
    "plan-revise": ("GET", "contribute"),
    "plan-print": ("GET", "view"),
    "plan-comment": ("POST", "comment"),
    "objective-create": ("GET", "contribute"),
    "objective-edit": ("GET", "contribute"),
    "action-create": ("GET", "contribute"),
    "verification": ("GET", "contribute"),
    "note-create": ("GET", "note"),
    "closure": ("GET", "change"),
}

CAPABILITIES = {
    "admin": {"list", "view", "change", "contribute", "identities", "comment", "note", "audit"},
    "ufficio_piano": {"list", "view"},
    "coordinatore": {"list", "view", "comment"},
    # The family's own case manager: the only role besides the admin that sees its register ("audit").
    "case_manager": {"list", "create", "view", "change", "contribute", "identities", "comment", "note", "audit"},
    "operatore": {"list", "view", "contribute", "identities", "note"},
    "operatore_non_assegnato": {"list", "identities", "note"},
    "referente_ente": set(),
    # The other ambito's case manager: its own family is the one in scope, ours is out of scope.
    "outsider": {"list", "create", "view", "change", "contribute", "identities", "comment", "note", "audit"},
}
# Pages that are not about one family.
NO_OBJECT = {"family-list", "family-create"}


def url_for(name: str, family) -> str:
    objective = family.plans.get(superseded_at__isnull=True).objectives.first()
    kwargs = {
        "family-transition": {"name": "sospendi"},
        "member-edit": {"member_pk": family.members.first().pk},
        "consent-file": {"consent_pk": family.consents.first().pk},
        "consent-revoke": {"consent_pk": family.consents.first().pk},
        "team-remove": {"member_pk": family.team.exclude(user=family.case_manager).first().pk},
        "assessment-edit": {"time_point": "T1"},
        "objective-edit": {"objective_pk": objective.pk},
        "action-create": {"objective_pk": objective.pk},
        "verification": {"objective_pk": objective.pk, "time_point": "T1"},
    }.get(name, {})
    if name in NO_OBJECT:
        return reverse(f"families:{name}")
    return reverse(f"families:{name}", kwargs={"pk": family.pk, **kwargs})


def expected(persona: str, name: str, method: str, in_scope: bool) -> int:
    capabilities = CAPABILITIES[persona]
    capability = PAGES[name][1]
    if name in NO_OBJECT:
        return (302 if method == "POST" else 200) if capability in capabilities else 403
    visible = persona == "admin" or (in_scope and "view" in capabilities)
    if not visible:
        return 404
    if capability not in capabilities:
        return 404 if capability == "identities" else 403
    return 302 if method == "POST" else 200


@pytest.fixture
def matrix(world, walk):
    users = world.users
    unassigned = f.make_user(world.ambito, Role.OPERATORE, world.coop, username="educatore_libero")
    family = f.make_family(world, children=2)
    TeamMember.objects.create(family=family, user=users.operatore, role="Educatore")
    walk(
        family,
        State.IN_CORSO,
        by=users.case_manager,
        operator=users.operatore,
        t0=f._dt.date(2024, 3, 1),
        rng=random.Random(1),
    )
    other_operator = f.make_user(world.other.ambito, Role.OPERATORE, world.other.organisation)
    other = f.make_family(
        world,
        case_manager=world.other.outsider,
        implementation=world.other.implementation,
        comune=world.other.comune,
        equipe=world.other.equipe,
    )
    walk(
        other,
        State.IN_CORSO,
        by=world.other.outsider,
        operator=other_operator,
        t0=f._dt.date(2024, 3, 1),
        rng=random.Random(2),
    )
    personas = {
        "admin": users.admin,
        "ufficio_piano": users.ufficio_piano,
        "coordinatore": users.coordinatore,
        "case_manager": users.case_manager,
        "operatore": users.operatore,
        "operatore_non_assegnato": unassigned,
        "referente_ente": users.referente_ente,
        "outsider": world.other.outsider,
    }
    return family, other, personas


def test_every_families_url_is_in_the_matrix():
    names = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "families":
            names |= {p.name for p in pattern.url_patterns}
    assert names == set(PAGES)


def snapshot() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_app_config("families").get_models()
        if m._meta.label != "families.AccessLog"
    }


@pytest.mark.parametrize("persona", sorted(CAPABILITIES))
def test_each_persona_gets_the_expected_status_on_every_page(matrix, persona):
    family, other, personas = matrix
    client = Client()
    client.force_login(personas[persona])
    failures = []
    ours, theirs = (other, family) if persona == "outsider" else (family, other)
    for name, (method, _capability) in sorted(PAGES.items()):
        for target, in_scope in ((ours, True), (theirs, False)):
            url = url_for(name, target)
            if method == "GET":
                status = client.get(url).status_code
                want = expected(persona, name, method, in_scope)
            else:
                want = expected(persona, name, method, in_scope)
                if want in (302,):
                    continue  # allowed POSTs change data; they are exercised in the view tests
                before = snapshot()
                state = type(target).objects.get(pk=target.pk).state
                status = client.post(
                    url,
                    {"reason": "x", "text": "x", "shared_on": "2024-03-20", "date": "2024-03-05", "general_aims": "x"},
                ).status_code
                if snapshot() != before or type(target).objects.get(pk=target.pk).state != state:
                    failures.append(f"{name} ({'in' if in_scope else 'out of'} scope): denied POST changed data")
            if status != want:
                failures.append(f"{name} ({'in' if in_scope else 'out of'} scope): {status}, expected {want}")
    assert not failures, "\n".join(failures)


def test_anonymous_visitors_are_sent_to_the_login(matrix):
    family, _other, _personas = matrix
    client = Client()
    for name, (method, _capability) in PAGES.items():
        response = getattr(client, method.lower())(url_for(name, family))
        assert response.status_code == 302 and "/accounts/login/" in response.url, name
