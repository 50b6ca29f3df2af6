"""Every page of the organisation: anonymous visitors go to the login, each role gets the page (200) or a refusal
(403) as DESIGN.md §1 says, and another ambito's object answers 404 (the checks are tests/access_harness.py; the
objects are built once for the module)."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from equipes.models import ProjectTarget, StaffTraining, TargetKind, TargetScope
from tests import access_harness as access
from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "admin"]
STAFF_REGISTER = {"ufficio_piano", "referente_ente", "admin"}

# name -> (roles that get 200; every other role gets 403, or 404 where the object itself is outside the role's
# scope, as people outside the staff register are)
PAGES = {
    "project-detail": (set(ROLES),),
    "project-edit": ({"ufficio_piano", "admin"},),
    "project-conclude": ({"ufficio_piano", "admin"},),
    "project-follow-on": ({"ufficio_piano", "admin"},),
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
    "comuni-search": (set(ROLES),),  # the national list of comuni: public data
    "meeting-list": ({"ufficio_piano", "coordinatore", "referente_ente", "admin"},),
    "meeting-create": ({"ufficio_piano", "coordinatore"},),
    # A project's targets are its (lead ambito's) Ufficio di Piano's.
    "target-create": ({"ufficio_piano", "admin"},),
    "target-edit": ({"ufficio_piano", "admin"},),
    "target-delete": ({"ufficio_piano", "admin"},),
}
POSTS = {"target-delete"}


def object_urls(project, implementation, equipe, staff, training, target) -> dict[str, str]:
    """The pages about one object of an ambito: its project, implementation, équipe, a professional of its staff
    register and one of that professional's courses, a target of the project."""
    return {
        "target-create": reverse("equipes:target-create", args=[project.pk]),
        "target-edit": reverse("equipes:target-edit", args=[target.pk]),
        "project-detail": reverse("equipes:project-detail", args=[project.pk]),
        "project-edit": reverse("equipes:project-edit", args=[project.pk]),
        "project-conclude": reverse("equipes:project-conclude", args=[project.pk]),
        "project-follow-on": reverse("equipes:project-follow-on", args=[project.pk]),
        "implementation-create": reverse("equipes:implementation-create", args=[project.pk]),
        "implementation-edit": reverse("equipes:implementation-edit", args=[implementation.pk]),
        "equipe-detail": reverse("equipes:equipe-detail", args=[equipe.pk]),
        "staff-detail": reverse("equipes:staff-detail", args=[staff.pk]),
        "staff-cv": reverse("equipes:staff-cv", args=[staff.pk]),
        "staff-cv-upload": reverse("equipes:staff-cv-upload", args=[staff.pk]),
        "training-create": reverse("equipes:training-create", args=[staff.pk]),
        "training-certificate": reverse("equipes:training-certificate", args=[training.pk]),
    }


# The associated ambito of the world's project ("ASC"): its Ufficio di Piano and case manager see the shared project
# and its implementations but do not change them nor its targets (the lead's Ufficio di Piano does); everything else
# of theirs is their own ambito's, and the lead's équipes and staff are out of their scope.
ASSOCIATED = {"associated_ufficio_piano": "ufficio_piano", "associated_case_manager": "case_manager"}
SHARED_PROJECT_PAGES = {
    "project-detail",
    "project-edit",
    "project-conclude",
    "project-follow-on",
    "implementation-create",
    "implementation-edit",
    "target-create",
    "target-edit",
    "target-delete",
}


def expected(persona: str, name: str, in_scope: bool) -> int:
    name = name.removeprefix("equipes:")
    allowed, *denied = PAGES[name]
    if not in_scope and persona != "admin":
        return 404
    if persona in ASSOCIATED:
        role = ASSOCIATED[persona]
        if name in {"target-edit", "target-delete"}:
            return 404  # a target is found only among the projects the user's ambito leads
        if name in SHARED_PROJECT_PAGES and name != "project-detail":
            return 403
        return 200 if role in allowed else (denied or [403])[0]
    # The other ambito's Ufficio di Piano: the same role, with its own objects.
    role = "ufficio_piano" if persona == "outsider" else persona
    if role in allowed:
        return 302 if name in POSTS else 200
    return (denied or [403])[0]


def urls(scene, persona: str | None, name: str, in_scope: bool) -> list[str]:
    name = name.removeprefix("equipes:")
    if name == "target-delete":
        # A target to delete, made again after an allowed POST deleted it.
        world = scene.world
        ours, theirs = (
            (world.other.project, world.project) if persona == "outsider" else (world.project, world.other.project)
        )
        project = ours if in_scope else theirs
        target, _ = ProjectTarget.objects.get_or_create(
            project=project, kind=TargetKind.GRUPPI_BAMBINI, scope=TargetScope.PROGETTO, defaults={"minimum": 1}
        )
        return [reverse("equipes:target-delete", args=[target.pk])]
    if name not in scene.urls["ours"]:
        return [reverse(f"equipes:{name}")] if in_scope else []
    if persona in ASSOCIATED:
        return [scene.urls["associated" if in_scope else "associated_out"][name]]
    ours, theirs = ("theirs", "ours") if persona == "outsider" else ("ours", "theirs")
    return [scene.urls[ours if in_scope else theirs][name]]


TABLE = access.Table(
    namespace="equipes",
    pages={f"equipes:{name}": "POST" if name in POSTS else "GET" for name in PAGES},
    personas=[*ROLES, "outsider", *ASSOCIATED],
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
    associated = world.associated
    associated_staff, associated_training = with_files(associated.users.operatore)
    personas |= {
        "associated_ufficio_piano": associated.users.ufficio_piano,
        "associated_case_manager": associated.users.case_manager,
    }
    target = f.make_target(world.project, TargetKind.FAMIGLIE_INCLUSE, 10, TargetScope.IMPLEMENTAZIONE)
    other_target = f.make_target(world.other.project, TargetKind.FAMIGLIE_INCLUSE, 10, TargetScope.IMPLEMENTAZIONE)
    ours = object_urls(world.project, world.implementation, world.equipe, staff, training, target)
    theirs = object_urls(
        world.other.project, world.other.implementation, world.other.equipe, other_staff, other_training, other_target
    )
    # The associated ambito: the shared project (in scope) and its own équipe and staff; out of scope, the third
    # ambito's project and the lead's équipe and staff.
    mine = object_urls(
        world.project, world.implementation, associated.equipe, associated_staff, associated_training, target
    )
    return SimpleNamespace(
        world=world,
        personas=personas,
        sessions=access.sessions(personas),
        urls={
            "ours": ours,
            "theirs": theirs,
            "associated": mine,
            "associated_out": {name: theirs[name] if name in SHARED_PROJECT_PAGES else ours[name] for name in ours},
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
