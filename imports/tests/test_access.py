"""Every page of the imports: the Ufficio di Piano imports into its own ambito, administrators into any; the other
roles are refused (403 on the pages of the ambito, 404 on a run), and another ambito's run answers 404 (the checks are
tests/access_harness.py)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from imports.models import ImportRun
from tests import access_harness as access

pytestmark = pytest.mark.django_db

ROLES = ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "admin"]
IMPORTERS = {"ufficio_piano", "admin"}
# name -> whether the page is about one run (404 outside the role's reach) or the ambito's (403)
PAGES = {
    "run-list": False,
    "template-download": False,
    "run-detail": True,
    "run-status": True,
    "run-confirm": True,
    "run-undo": True,
    "run-retry": True,
}
POSTS = {"run-confirm", "run-undo", "run-retry"}


def expected(persona: str, name: str, in_scope: bool) -> int:
    name = name.removeprefix("imports:")
    if not in_scope and persona != "admin":
        return 404
    role = "ufficio_piano" if persona == "outsider" else persona
    if role in IMPORTERS:
        return 302 if name in POSTS else 200
    return 404 if PAGES[name] else 403


def urls(scene, persona: str | None, name: str, in_scope: bool) -> list[str]:
    name = name.removeprefix("imports:")
    if name == "template-download":
        return [reverse("imports:template-download", args=["families"])] if in_scope else []
    if not PAGES[name]:
        return [reverse(f"imports:{name}")] if in_scope else []
    ours, theirs = (scene.theirs, scene.ours) if persona == "outsider" else (scene.ours, scene.theirs)
    return [reverse(f"imports:{name}", args=[(ours if in_scope else theirs).pk])]


TABLE = access.Table(
    namespace="imports",
    pages={f"imports:{name}": "POST" if name in POSTS else "GET" for name in PAGES},
    personas=[*ROLES, "outsider"],
    urls=urls,
    expected=expected,
    app_labels=["imports", "equipes", "families", "interventions"],
)


def make_run(ambito, by) -> ImportRun:
    return ImportRun.objects.create(
        ambito=ambito, kind=ImportRun.Kind.HOURS, by=by, file_name="ore.csv", file_sha256="0" * 64, content=b""
    )


@pytest.fixture(scope="module")
def scene(module_world):
    world = module_world
    personas = {role: getattr(world.users, role) for role in ROLES}
    personas["outsider"] = world.other.ufficio_piano
    return SimpleNamespace(
        world=world,
        personas=personas,
        sessions=access.sessions(personas),
        ours=make_run(world.ambito, world.users.ufficio_piano),
        theirs=make_run(world.other.ambito, world.other.ufficio_piano),
    )


def test_every_imports_url_is_in_the_matrix():
    access.assert_every_url_has_an_entry(TABLE)


@pytest.mark.parametrize(("persona", "name"), TABLE.cases())
def test_each_role_gets_the_page_or_a_refusal(scene, persona, name):
    access.check(TABLE, scene, persona, name)


@pytest.mark.parametrize("name", sorted(TABLE.pages))
def test_anonymous_visitor_is_sent_to_the_login(scene, name):
    access.check_anonymous(TABLE, scene, name)


def test_the_history_lists_only_the_ambitos_runs(scene, client_for):
    page = client_for(scene.world.users.ufficio_piano).get(reverse("imports:run-list"))
    assert list(page.context["page"]) == [scene.ours]


def test_an_unknown_template_is_404(scene, client_for):
    client = client_for(scene.world.users.ufficio_piano)
    assert client.get(reverse("imports:template-download", args=["nulla"])).status_code == 404
