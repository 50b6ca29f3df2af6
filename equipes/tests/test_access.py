"""Every page of the organisation: anonymous visitors go to the login, each role gets the page (200) or a refusal
(403) as DESIGN.md §1 says, and another ambito's object answers 404 (the checks are tests/access_harness.py; the
objects are built once for the module)."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from equipes.models import StaffTraining
from tests import access_harness as access

pytestmark = pytest.mark.django_db

ROLES = ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "admin"]
STAFF_REGISTER = {"ufficio_piano", "referente_ente", "admin"}

# name -> (roles that get 200; every other role gets 403, or 404 where the object itself is outside the role's
# scope, as people outside the staff register are)
PAGES = {
    "project-detail": (set(ROLES),),
    "project-edit": ({"ufficio_piano", "admin"},),
    "implementation-create": ({"ufficio_piano", "admin"},),
    "implementation-edit": ({"ufficio_piano", "admin"},),
    "equipe-list": (set(ROLES),),
    "equipe-detail": (set(ROLES),),
    "staff-list": (STAFF_REGISTER,),
    "staff-detail": (STAFF_REGISTER, 404),
    "staff-cv": (STAFF_REGISTER, 404),
    "staff-cv-upload": (STAFF_REGISTER, 404),
    "training-create": (STAFF_REGISTER, 404),
    "training-certificate": (STAFF_REGISTER, 404),
    "profile": (set(ROLES),),
    "meeting-list": ({"ufficio_piano", "coordinatore", "referente_ente", "admin"},),
    "meeting-create": ({"ufficio_piano", "coordinatore"},),
}


def object_urls(project, implementation, equipe, staff, training) -> dict[str, str]:
    """The pages about one object of an ambito: its project, implementation, équipe, a professional of its staff
    register and one of that professional's courses."""
    return {
        "project-detail": reverse("equipes:project-detail", args=[project.pk]),
        "project-edit": reverse("equipes:project-edit", args=[project.pk]),
        "implementation-create": reverse("equipes:implementation-create", args=[project.pk]),
        "implementation-edit": reverse("equipes:implementation-edit", args=[implementation.pk]),
        "equipe-detail": reverse("equipes:equipe-detail", args=[equipe.pk]),
        "staff-detail": reverse("equipes:staff-detail", args=[staff.pk]),
        "staff-cv": reverse("equipes:staff-cv", args=[staff.pk]),
        "staff-cv-upload": reverse("equipes:staff-cv-upload", args=[staff.pk]),
        "training-create": reverse("equipes:training-create", args=[staff.pk]),
        "training-certificate": reverse("equipes:training-certificate", args=[training.pk]),
    }


def expected(persona: str, name: str, in_scope: bool) -> int:
    allowed, *denied = PAGES[name.removeprefix("equipes:")]
    if not in_scope and persona != "admin":
        return 404
    # The other ambito's Ufficio di Piano: the same role, with its own objects.
    role = "ufficio_piano" if persona == "outsider" else persona
    return 200 if role in allowed else (denied or [403])[0]


def urls(scene, persona: str | None, name: str, in_scope: bool) -> list[str]:
    name = name.removeprefix("equipes:")
    if name not in scene.urls["ours"]:
        return [reverse(f"equipes:{name}")] if in_scope else []
    ours, theirs = ("theirs", "ours") if persona == "outsider" else ("ours", "theirs")
    return [scene.urls[ours if in_scope else theirs][name]]


TABLE = access.Table(
    namespace="equipes",
    pages={f"equipes:{name}": "GET" for name in PAGES},
    personas=[*ROLES, "outsider"],
    urls=urls,
    expected=expected,
    app_labels=["equipes"],
)


@pytest.fixture(scope="module")
def scene(module_world, signed_pdf):
    """The world, with a CV and a course certificate for the world's educator and the other ambito's case
    manager."""
    world = module_world

    def with_files(user):
        user.cv.save("cv.pdf", ContentFile(signed_pdf))
        training = StaffTraining(
            user=user, course="MOOC Vicinanza solidale", hours=12, completed_on=datetime.date(2024, 2, 1)
        )
        training.certificate.save("attestato.pdf", ContentFile(signed_pdf))
        return user, training

    staff, training = with_files(world.users.operatore)
    other_staff, other_training = with_files(world.other.outsider)
    personas = {role: getattr(world.users, role) for role in ROLES}
    personas["outsider"] = world.other.ufficio_piano
    return SimpleNamespace(
        world=world,
        personas=personas,
        sessions=access.sessions(personas),
        urls={
            "ours": object_urls(world.project, world.implementation, world.equipe, staff, training),
            "theirs": object_urls(
                world.other.project, world.other.implementation, world.other.equipe, other_staff, other_training
            ),
        },
    )


def test_every_equipes_url_is_in_the_matrix():
    access.assert_every_url_has_an_entry(TABLE)


@pytest.mark.parametrize(("persona", "name"), TABLE.cases())
def test_each_role_gets_the_page_or_a_refusal(scene, persona, name):
    access.check(TABLE, scene, persona, name)


@pytest.mark.parametrize("name", sorted(TABLE.pages))
def test_anonymous_visitor_is_sent_to_the_login(scene, name):
    access.check_anonymous(TABLE, scene, name)


def test_referente_ente_sees_only_its_organisations_staff(scene):
    users = scene.world.users
    client = access.logged_in(scene, "referente_ente")
    assert client.get(reverse("equipes:staff-detail", args=[users.operatore.pk])).status_code == 200
    assert client.get(reverse("equipes:staff-detail", args=[users.case_manager.pk])).status_code == 404


def test_staff_list_shows_the_register_of_the_ambito_only(scene):
    response = access.logged_in(scene, "ufficio_piano").get(reverse("equipes:staff-list"))
    names = {str(member) for member in response.context["page"]}
    assert str(scene.world.users.operatore) in names
    assert str(scene.world.other.outsider) not in names


def test_denied_post_changes_nothing(scene):
    project = scene.world.project
    url = reverse("equipes:project-edit", args=[project.pk])
    response = access.logged_in(scene, "case_manager").post(url, {"title": "Cambiato", "cup": project.cup})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title == "Progetto di prova"


def test_outsider_post_to_our_project_is_404_and_changes_nothing(scene):
    project = scene.world.project
    url = reverse("equipes:project-edit", args=[project.pk])
    response = access.logged_in(scene, "outsider").post(url, {"title": "Cambiato"})
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.title == "Progetto di prova"
