"""The Ufficio di Piano records its project's targets: a kind, a minimum and a scope, with the document's
wording; bad input is an Italian form error, never a 500."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from equipes.models import ProjectTarget, TargetKind, TargetScope
from tests import factories as f

pytestmark = pytest.mark.django_db


def post_target(client, project, **data):
    return client.post(reverse("equipes:target-create", args=[project.pk]), data)


def test_ufficio_di_piano_adds_a_target_with_the_documents_wording(world, client_for):
    client = client_for(world.users.ufficio_piano)
    response = post_target(
        client, world.project, kind="famiglie_incluse", scope="implementazione", minimum="10", note="almeno 10"
    )
    assert response.status_code == 302
    target = ProjectTarget.objects.get(project=world.project)
    assert (target.kind, target.scope, target.minimum, target.note) == (
        "famiglie_incluse",
        "implementazione",
        10,
        "almeno 10",
    )
    page = client.get(reverse("equipes:project-detail", args=[world.project.pk])).content.decode()
    assert "Famiglie incluse nel programma" in page and "Per implementazione" in page


def test_school_collaborations_are_not_checked_per_implementation(world, client_for):
    response = post_target(
        client_for(world.users.ufficio_piano),
        world.project,
        kind="collaborazioni_scuole",
        scope="implementazione",
        minimum="1",
    )
    assert response.status_code == 200
    assert "solo sul progetto o per ambito" in response.content.decode()
    assert not ProjectTarget.objects.exists()


def test_a_share_is_at_most_100_percent(world, client_for):
    response = post_target(
        client_for(world.users.ufficio_piano), world.project, kind="famiglie_con_sedt", scope="progetto", minimum="120"
    )
    assert response.status_code == 200 and "percentuale da 1 a 100" in response.content.decode()


def test_the_same_target_twice_is_a_form_error(world, client_for):
    f.make_target(world.project, TargetKind.FAMIGLIE_INCLUSE, 10, TargetScope.PROGETTO)
    response = post_target(
        client_for(world.users.ufficio_piano), world.project, kind="famiglie_incluse", scope="progetto", minimum="30"
    )
    assert response.status_code == 200
    assert ProjectTarget.objects.get().minimum == 10


def test_a_minimum_of_zero_is_refused(world, client_for):
    response = post_target(
        client_for(world.users.ufficio_piano), world.project, kind="famiglie_incluse", scope="progetto", minimum="0"
    )
    assert response.status_code == 200 and not ProjectTarget.objects.exists()


def test_the_database_refuses_a_share_over_100(world):
    with pytest.raises(IntegrityError, match="project_target_share_at_most_100"), transaction.atomic():
        f.make_target(world.project, TargetKind.ESITI_POSITIVI, 150, TargetScope.PROGETTO)


def test_ufficio_di_piano_changes_and_deletes_a_target(world, client_for):
    target = f.make_target(world.project, TargetKind.FAMIGLIE_INCLUSE, 10, TargetScope.PROGETTO)
    client = client_for(world.users.ufficio_piano)
    response = client.post(
        reverse("equipes:target-edit", args=[target.pk]),
        {"kind": "famiglie_incluse", "scope": "progetto", "minimum": "30", "note": "n.30"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.minimum == 30
    assert client.post(reverse("equipes:target-delete", args=[target.pk])).status_code == 302
    assert not ProjectTarget.objects.exists()


def test_another_ambitos_ufficio_di_piano_cannot_delete_our_target(world, client_for):
    target = f.make_target(world.project, TargetKind.FAMIGLIE_INCLUSE, 10, TargetScope.PROGETTO)
    response = client_for(world.other.ufficio_piano).post(reverse("equipes:target-delete", args=[target.pk]))
    assert response.status_code == 404
    assert ProjectTarget.objects.filter(pk=target.pk).exists()


def test_project_page_keeps_its_queries_with_more_targets(world, client_for, count_queries):
    client = client_for(world.users.ufficio_piano)
    url = reverse("equipes:project-detail", args=[world.project.pk])
    f.make_target(world.project, TargetKind.FAMIGLIE_INCLUSE, 10, TargetScope.PROGETTO)
    client.get(url)
    one = count_queries(lambda: client.get(url))
    for kind in TargetKind:
        for scope in kind.allowed_scopes:
            ProjectTarget.objects.get_or_create(project=world.project, kind=kind, scope=scope, defaults={"minimum": 1})
    assert ProjectTarget.objects.count() > 20
    assert count_queries(lambda: client.get(url)) == one
