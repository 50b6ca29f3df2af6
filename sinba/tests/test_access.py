"""Every page of the SINBA return for each persona: only the Ufficio di Piano of the ambito and the
administrators see the flows, generate them and download the ZIP; another ambito's page answers 404; the other
roles get 403. The e-service answers 401 to anybody without the ente's token, logged in or not (its token cases
are in test_eservice.py). The checks are tests/access_harness.py."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Member
from interventions.models import InterventionType
from sinba.models import Flow
from tests import access_harness as access
from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "admin"]
OUTSIDERS = {"outsider": "ufficio_piano"}
SEE = {"ufficio_piano", "admin"}
ESERVICE = {"sinba:waas-flussi": 401, "sinba:waas-esiti": 401, "sinba:waas-status": 401}

PAGES = {
    "sinba:index": ("GET", SEE),
    "sinba:flows": ("GET", SEE),
    "sinba:generate": ("POST", SEE),
    "sinba:download": ("GET", SEE),
    "sinba:resend": ("POST", SEE),
    "sinba:codes": ("GET", SEE),
    "sinba:code-edit": ("GET", SEE),
    "sinba:waas-flussi": ("GET", None),
    "sinba:waas-esiti": ("POST", None),
    "sinba:waas-status": ("GET", None),
}


def expected(persona: str, name: str, in_scope: bool) -> int:
    method, allowed = PAGES[name]
    if allowed is None:
        return ESERVICE[name]
    if not in_scope and persona != "admin":
        return 404
    if OUTSIDERS.get(persona, persona) not in allowed:
        return 403
    if name == "sinba:index" and persona != "admin":
        return 302  # to the page of the user's ambito
    return 302 if method == "POST" else 200


def urls(scene, persona: str | None, name: str, in_scope: bool) -> list[str]:
    if name == "sinba:index":
        return [reverse(name)] if in_scope else []
    if name.startswith("sinba:waas-"):
        return [reverse(name, args=["I625"])] if in_scope else []
    ours, theirs = (scene.other, scene.ambito) if persona in OUTSIDERS else (scene.ambito, scene.other)
    ambito = ours if in_scope else theirs
    if name == "sinba:resend":
        return [reverse(name, args=[ambito.pk, scene.flows[ambito.pk].pk])]
    if name == "sinba:code-edit":
        # The ambito's own intervention: its Ufficio di Piano sets its code (the shared catalogue's: test_codes.py).
        return [reverse(name, args=[ambito.pk, scene.own_types[ambito.pk].pk])]
    return [reverse(name, args=[ambito.pk])]


TABLE = access.Table(
    namespace="sinba",
    pages={name: method for name, (method, _allowed) in PAGES.items()},
    personas=[*ROLES, *OUTSIDERS],
    urls=urls,
    expected=expected,
    app_labels=["sinba"],
    post_data={"elenco_esiti": "[]"},
    public=ESERVICE,
)


@pytest.fixture(scope="module")
def scene(module_world):
    from .conftest import make_ente, sedt_type

    world = module_world
    make_ente(world.ambito)
    make_ente(world.other.ambito, code="D458")
    personas = {role: getattr(world.users, role) for role in ROLES} | {"outsider": world.other.ufficio_piano}
    other = world.other
    families = {
        world.ambito.pk: f.make_family(world),
        other.ambito.pk: f.make_family(
            world,
            case_manager=other.outsider,
            comune=other.comune,
            equipe=other.equipe,
            implementation=other.implementation,
        ),
    }
    flows = {
        pk: Flow.objects.create(
            ambito_id=pk,
            family=family,
            member=family.members.filter(kind=Member.Kind.MINORE).first(),
            intervention_type=sedt_type(),
            beneficiary_id="ACCESSO",
            state=Flow.State.INVALID,
            generated_at=timezone.now(),
        )
        for pk, family in families.items()
    }
    own_types = {
        ambito.pk: InterventionType.objects.create(
            ambito=ambito,
            code="centro-diurno",
            name=f"Centro diurno {ambito.code}",
            category=InterventionType.Category.INDIVIDUALE,
            profile=sedt_type().profile,
        )
        for ambito in (world.ambito, other.ambito)
    }
    return SimpleNamespace(
        world=world,
        ambito=world.ambito,
        other=world.other.ambito,
        flows=flows,
        own_types=own_types,
        sessions=access.sessions(personas),
    )


def test_every_sinba_url_is_in_the_matrix():
    access.assert_every_url_has_an_entry(TABLE)


@pytest.mark.parametrize(("persona", "name"), TABLE.cases())
def test_each_persona_gets_the_expected_status(scene, persona, name):
    access.check(TABLE, scene, persona, name)


@pytest.mark.parametrize("name", sorted(TABLE.pages))
def test_anonymous_visitors_are_sent_to_the_login(scene, name):
    access.check_anonymous(TABLE, scene, name)
