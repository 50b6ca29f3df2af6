"""The family's register (families:family-audit): who viewed the family and who changed what, for its
case manager and the admin only, without names or free text."""

import pytest
from django.urls import reverse

from families.history import family_event_querysets, family_history
from families.models import AccessLog, DiaryNote, Family, Member, TeamMember
from families.services import family_start_preassessment
from tests import factories as f


@pytest.fixture
def family(world):
    family = f.make_family(world, children=1)
    TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")
    return family


def audit_url(family) -> str:
    return reverse("families:family-audit", args=[family.pk])


def test_the_case_manager_sees_who_viewed_and_who_changed_what(world, client_for, family):
    client = client_for(world.users.case_manager)
    client_for(world.users.operatore).get(family.get_absolute_url())
    family_start_preassessment(family=family, by=world.users.case_manager, on=f._dt.date(2024, 1, 20))
    child = family.members.get(kind=Member.Kind.MINORE)
    child.first_name = "Nomenuovo"
    child.save()
    page = client.get(audit_url(family)).content.decode()
    assert str(world.users.operatore) in page  # a consultation
    assert "Segnalata → In pre-assessment" in page  # a state change, with its values
    assert "Nome <span" in page and "(modificato)" in page  # a name change, without the names
    assert "Nomenuovo" not in page and child.last_name not in page


def test_the_register_never_shows_diary_text_or_encrypted_values(world, client_for, family):
    note = DiaryNote.objects.create(
        family=family, author=world.users.case_manager, date=f._dt.date(2024, 2, 1), text="Testo riservato"
    )
    note.text = "Testo riservato corretto"
    note.save()
    Family.objects.filter(pk=family.pk).update(address="Via Inventata 9")
    page = client_for(world.users.admin).get(audit_url(family)).content.decode()
    assert "Testo riservato" not in page and "Via Inventata" not in page
    assert "Nota di diario" in page


@pytest.mark.parametrize("persona", ["coordinatore", "ufficio_piano", "operatore"])
def test_other_roles_that_see_the_family_get_403(world, client_for, family, persona):
    response = client_for(getattr(world.users, persona)).get(audit_url(family))
    assert response.status_code == 403
    assert not AccessLog.objects.filter(path=audit_url(family)).exists()


def test_outside_the_scope_the_register_does_not_exist(world, client_for, family):
    assert client_for(world.other.outsider).get(audit_url(family)).status_code == 404
    assert client_for(world.users.referente_ente).get(audit_url(family)).status_code == 404


def test_a_case_manager_of_the_equipe_who_is_not_the_familys_gets_403(world, client_for, family):
    colleague = f.make_user(world.ambito, "case_manager", world.municipality)
    world.equipe.memberships.create(user=colleague, role="case_manager")
    assert client_for(colleague).get(family.get_absolute_url()).status_code == 200
    assert client_for(colleague).get(audit_url(family)).status_code == 403


def test_the_detail_page_links_the_register_only_for_those_who_may_open_it(world, client_for, family):
    link = audit_url(family)
    assert link in client_for(world.users.case_manager).get(family.get_absolute_url()).content.decode()
    assert link in client_for(world.users.admin).get(family.get_absolute_url()).content.decode()
    assert link not in client_for(world.users.operatore).get(family.get_absolute_url()).content.decode()
    assert link not in client_for(world.users.coordinatore).get(family.get_absolute_url()).content.decode()


def test_every_tracked_model_of_a_family_has_a_path_to_it_in_the_history(family):
    from families.models import TRACKED_MODELS

    resolved = {tracked for tracked, _qs in family_event_querysets(family.pk)}
    assert set(TRACKED_MODELS) <= resolved


def test_history_finds_rows_of_rows_even_after_they_were_deleted(world, family):
    child = family.members.get(kind=Member.Kind.MINORE)
    child.delete()
    events = family_history(family.pk)
    assert any(e.what == "Componente" and e.action == "eliminazione" for e in events)


def test_the_register_makes_as_many_queries_for_30_rows_as_for_1(world, client_for, family, count_queries):
    client = client_for(world.users.case_manager)
    member = family.members.get(kind=Member.Kind.MINORE)
    client.get(audit_url(family))
    one = count_queries(lambda: client.get(audit_url(family)))
    for n in range(30):
        member.school_class = f"classe {n}"
        member.save()
        AccessLog.objects.create(user=world.users.operatore, family=family, path="/prova/")
    thirty = count_queries(lambda: client.get(audit_url(family)))
    assert thirty == one


def test_saving_the_same_codice_fiscale_again_is_not_a_change(world, family):
    """Each save encrypts the codice fiscale anew: pghistory's diff sees new bytes, the register no change."""
    child = family.members.get(kind=Member.Kind.MINORE)
    child.codice_fiscale = "RSSMRA15A41F704X"
    child.save()
    child.save()
    fiscal_changes = [
        e
        for e in family_history(family.pk)
        if e.what == "Componente" and any(c.label == "Codice fiscale" for c in e.changes)
    ]
    assert len(fiscal_changes) == 1
    assert not fiscal_changes[0].changes[0].shown
