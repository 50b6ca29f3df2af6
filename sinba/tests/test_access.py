"""Every page of the SINBA return for each persona: only the Ufficio di Piano of the ambito and the
administrators see the flows, generate them and download the ZIP; another ambito's page answers 404; the other
roles get 403. The e-service answers 401 to anybody without the ente's token, logged in or not (its token cases
are in test_eservice.py). The checks are tests/access_harness.py."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests import access_harness as access

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
    return [reverse(name, args=[(ours if in_scope else theirs).pk])]


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
    from .conftest import make_ente

    world = module_world
    make_ente(world.ambito)
    make_ente(world.other.ambito, code="D458")
    personas = {role: getattr(world.users, role) for role in ROLES} | {"outsider": world.other.ufficio_piano}
    return SimpleNamespace(
        world=world, ambito=world.ambito, other=world.other.ambito, sessions=access.sessions(personas)
    )


def test_every_sinba_url_is_in_the_matrix():
    access.assert_every_url_has_an_entry(TABLE)


@pytest.mark.parametrize(("persona", "name"), TABLE.cases())
def test_each_persona_gets_the_expected_status(scene, persona, name):
    access.check(TABLE, scene, persona, name)


@pytest.mark.parametrize("name", sorted(TABLE.pages))
def test_anonymous_visitors_are_sent_to_the_login(scene, name):
    access.check_anonymous(TABLE, scene, name)
