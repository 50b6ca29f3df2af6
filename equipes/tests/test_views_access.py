"""Every page of the organisation: anonymous visitors go to the login, outsiders get 404, each role
gets the page (200) or a refusal (403) as DESIGN.md §1 says."""

import datetime

import pytest
from django.urls import reverse

from equipes.models import StaffTraining

ROLES = ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "admin"]


def training_of(user):
    return StaffTraining.objects.create(
        user=user, course="MOOC Vicinanza solidale", hours=12, completed_on=datetime.date(2024, 2, 1)
    )


# name -> (how to build the URL from the world, roles that get 200; every other role gets 403, or 404
# where the object itself is outside the role's scope, as people outside the staff register are)
PAGES = {
    "project-detail": (lambda w: reverse("equipes:project-detail", args=[w.project.pk]), set(ROLES)),
    "project-edit": (lambda w: reverse("equipes:project-edit", args=[w.project.pk]), {"ufficio_piano", "admin"}),
    "implementation-create": (
        lambda w: reverse("equipes:implementation-create", args=[w.project.pk]),
        {"ufficio_piano", "admin"},
    ),
    "implementation-edit": (
        lambda w: reverse("equipes:implementation-edit", args=[w.implementation.pk]),
        {"ufficio_piano", "admin"},
    ),
    "equipe-list": (lambda w: reverse("equipes:equipe-list"), set(ROLES)),
    "equipe-detail": (lambda w: reverse("equipes:equipe-detail", args=[w.equipe.pk]), set(ROLES)),
    "staff-list": (lambda w: reverse("equipes:staff-list"), {"ufficio_piano", "referente_ente", "admin"}),
    "staff-detail": (
        lambda w: reverse("equipes:staff-detail", args=[w.users.operatore.pk]),
        {"ufficio_piano", "referente_ente", "admin"},
        404,
    ),
    "training-create": (
        lambda w: reverse("equipes:training-create", args=[w.users.operatore.pk]),
        {"ufficio_piano", "referente_ente", "admin"},
        404,
    ),
    "profile": (lambda w: reverse("equipes:profile"), set(ROLES)),
    "meeting-list": (
        lambda w: reverse("equipes:meeting-list"),
        {"ufficio_piano", "coordinatore", "referente_ente", "admin"},
    ),
    "meeting-create": (lambda w: reverse("equipes:meeting-create"), {"ufficio_piano", "coordinatore"}),
}

# Pages about one object of the ambito, and the same page for the other ambito's object.
OBJECT_PAGES = {
    "project-detail": lambda w: reverse("equipes:project-detail", args=[w.other.project.pk]),
    "project-edit": lambda w: reverse("equipes:project-edit", args=[w.other.project.pk]),
    "implementation-create": lambda w: reverse("equipes:implementation-create", args=[w.other.project.pk]),
    "implementation-edit": lambda w: reverse("equipes:implementation-edit", args=[w.other.implementation.pk]),
    "equipe-detail": lambda w: reverse("equipes:equipe-detail", args=[w.other.equipe.pk]),
    "staff-detail": lambda w: reverse("equipes:staff-detail", args=[w.other.outsider.pk]),
    "training-create": lambda w: reverse("equipes:training-create", args=[w.other.outsider.pk]),
    "staff-cv": lambda w: reverse("equipes:staff-cv", args=[w.other.outsider.pk]),
    "training-certificate": lambda w: reverse("equipes:training-certificate", args=[training_of(w.other.outsider).pk]),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_visitor_is_sent_to_the_login(world, client, name):
    url = PAGES[name][0](world)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_page_or_a_refusal(world, client_for, name, role):
    build_url, allowed, *denied = PAGES[name]
    response = client_for(getattr(world.users, role)).get(build_url(world))
    assert response.status_code == (200 if role in allowed else (denied or [403])[0])


@pytest.mark.parametrize("name", sorted(OBJECT_PAGES))
def test_ufficio_piano_gets_404_for_another_ambitos_object(world, client_for, name):
    response = client_for(world.users.ufficio_piano).get(OBJECT_PAGES[name](world))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["project-detail", "implementation-edit", "equipe-detail"])
def test_other_ambitos_user_gets_404_for_our_objects(world, client_for, name):
    # The mirror image: the other ambito's user asking for this ambito's objects.
    url = PAGES[name][0](world)
    assert client_for(world.other.ufficio_piano).get(url).status_code == 404


def test_referente_ente_sees_only_its_organisations_staff(world, client_for):
    client = client_for(world.users.referente_ente)
    assert client.get(reverse("equipes:staff-detail", args=[world.users.operatore.pk])).status_code == 200
    assert client.get(reverse("equipes:staff-detail", args=[world.users.case_manager.pk])).status_code == 404


def test_staff_list_shows_the_register_of_the_ambito_only(world, client_for):
    response = client_for(world.users.ufficio_piano).get(reverse("equipes:staff-list"))
    names = {str(member) for member in response.context["page"]}
    assert str(world.users.operatore) in names
    assert str(world.other.outsider) not in names


def test_denied_post_changes_nothing(world, client_for):
    url = reverse("equipes:project-edit", args=[world.project.pk])
    response = client_for(world.users.case_manager).post(url, {"title": "Cambiato", "cup": world.project.cup})
    assert response.status_code == 403
    world.project.refresh_from_db()
    assert world.project.title == "Progetto di prova"


def test_outsider_post_to_our_project_is_404_and_changes_nothing(world, client_for):
    url = reverse("equipes:project-edit", args=[world.project.pk])
    response = client_for(world.other.ufficio_piano).post(url, {"title": "Cambiato"})
    assert response.status_code == 404
    world.project.refresh_from_db()
    assert world.project.title == "Progetto di prova"
