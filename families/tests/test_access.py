"""Every URL of the families app, for each persona, against a family in scope and one out of scope.

A family outside the user's scope answers 404 whatever the page; inside it, a page needing a capability
the role lacks answers 403 (404 for documents that only identity-seeing roles may fetch). A denied POST
leaves the database unchanged. The test fails when a URL of the app has no entry here. (The checks are
tests/access_harness.py; the two families are built once for the module.)
"""

import random
from types import SimpleNamespace

import pytest
from django.urls import reverse

from equipes.models import Role
from families.models import Placement, State, TeamMember
from tests import access_harness as access
from tests import factories as f

pytestmark = pytest.mark.django_db

# URL name -> (HTTP method, capability the page needs). Capabilities are granted per persona below.
PAGES = {
    "family-list": ("GET", "list"),
    "family-create": ("GET", "create"),
    "duplicate-list": ("GET", "review_duplicates"),
    "family-detail": ("GET", "view"),
    "family-edit": ("GET", "change"),
    "family-audit": ("GET", "audit"),
    "family-transition": ("POST", "change"),
    "member-create": ("GET", "change"),
    "member-edit": ("GET", "change"),
    "placement-create": ("GET", "change"),
    "placement-edit": ("GET", "change"),
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
    "coordinatore": {"list", "view", "comment", "review_duplicates"},
    # The family's own case manager: the only role besides the admin that sees its register ("audit").
    "case_manager": {"list", "create", "view", "change", "contribute", "identities", "comment", "note", "audit"},
    "operatore": {"list", "view", "contribute", "identities", "note"},
    "operatore_non_assegnato": {"list", "identities", "note"},
    "referente_ente": set(),
    # The other ambito's case manager: its own family is the one in scope, ours is out of scope.
    "outsider": {"list", "create", "view", "change", "contribute", "identities", "comment", "note", "audit"},
    # The associated ambito of the world's project: its family (under the shared project's implementation) is in
    # scope, the lead ambito's family is out of scope for its Ufficio di Piano and case manager alike.
    "associated_ufficio_piano": {"list", "view"},
    "associated_case_manager": {
        "list",
        "create",
        "view",
        "change",
        "contribute",
        "identities",
        "comment",
        "note",
        "audit",
    },
}
ASSOCIATED = {"associated_ufficio_piano", "associated_case_manager"}
# Pages that are not about one family.
NO_OBJECT = {"family-list", "family-create", "duplicate-list"}


def url_for(name: str, family) -> str:
    objective = family.plans.get(superseded_at__isnull=True).objectives.first()
    kwargs = {
        "family-transition": {"name": "sospendi"},
        "member-edit": {"member_pk": family.members.first().pk},
        "placement-create": {"kind": "affido"},
        # The scene gives each family a placement; a family without one (the demo's) gets a number none has.
        "placement-edit": {"placement_pk": getattr(Placement.objects.filter(member__family=family).first(), "pk", 0)},
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


def expected(persona: str, name: str, in_scope: bool) -> int:
    name = name.removeprefix("families:")
    method, capability = PAGES[name]
    capabilities = CAPABILITIES[persona]
    if name in NO_OBJECT:
        return (302 if method == "POST" else 200) if capability in capabilities else 403
    visible = persona == "admin" or (in_scope and "view" in capabilities)
    if not visible:
        return 404
    if capability not in capabilities:
        return 404 if capability == "identities" else 403
    return 302 if method == "POST" else 200


def urls(scene, persona: str | None, name: str, in_scope: bool) -> list[str]:
    name = name.removeprefix("families:")
    if name in NO_OBJECT:
        return [scene.urls["ours"][name]] if in_scope else []
    if persona in ASSOCIATED:
        return [scene.urls["associated" if in_scope else "ours"][name]]
    ours, theirs = ("theirs", "ours") if persona == "outsider" else ("ours", "theirs")
    return [scene.urls[ours if in_scope else theirs][name]]


TABLE = access.Table(
    namespace="families",
    pages={f"families:{name}": method for name, (method, _capability) in PAGES.items()},
    personas=sorted(CAPABILITIES),
    urls=urls,
    expected=expected,
    app_labels=["families"],
    post_data={"reason": "x", "text": "x", "shared_on": "2024-03-20", "date": "2024-03-05", "general_aims": "x"},
)


@pytest.fixture(scope="module")
def scene(module_world, walk):
    """A family of the world's équipe in progress, with the world's operator in its team, and one of the other
    ambito, both taken along the path by the real services."""
    world = module_world
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
    associated = world.associated
    shared = f.make_family(
        world,
        case_manager=associated.users.case_manager,
        comune=associated.comune,
        equipe=associated.equipe,
    )
    walk(
        shared,
        State.IN_CORSO,
        by=associated.users.case_manager,
        operator=associated.users.operatore,
        t0=f._dt.date(2024, 3, 1),
        rng=random.Random(3),
    )
    for made in (family, other, shared):  # an affido to change on each family's placement page
        Placement.objects.create(
            member=made.members.filter(kind="minore").first(),
            kind="affido",
            form="1",
            start_date=f._dt.date(2024, 3, 1),
            affido_type="1",
            affido_time="1",
            affido_character="1",
        )
    personas = {
        "associated_ufficio_piano": associated.users.ufficio_piano,
        "associated_case_manager": associated.users.case_manager,
        "admin": users.admin,
        "ufficio_piano": users.ufficio_piano,
        "coordinatore": users.coordinatore,
        "case_manager": users.case_manager,
        "operatore": users.operatore,
        "operatore_non_assegnato": unassigned,
        "referente_ente": users.referente_ente,
        "outsider": world.other.outsider,
    }
    return SimpleNamespace(
        world=world,
        personas=personas,
        sessions=access.sessions(personas),
        urls={
            key: {name: url_for(name, made) for name in PAGES}
            for key, made in (("ours", family), ("theirs", other), ("associated", shared))
        },
    )


def test_every_families_url_is_in_the_matrix():
    access.assert_every_url_has_an_entry(TABLE)


@pytest.mark.parametrize(("persona", "name"), TABLE.cases())
def test_each_persona_gets_the_expected_status_on_every_page(scene, persona, name):
    access.check(TABLE, scene, persona, name)


@pytest.mark.parametrize("name", sorted(TABLE.pages))
def test_anonymous_visitors_are_sent_to_the_login(scene, name):
    access.check_anonymous(TABLE, scene, name)
