"""Registering a family (issue 14 §2): the referral page's error summary, today's date, members one block at
a time; a codice fiscale already registered in the ambito (found through its keyed hash) warned about, named
only for who may see the family, confirmed with a reason that is recorded, never hinted at across ambiti; the
same on a member added to a family; the list found by a member's full codice fiscale."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from equipes.models import EquipeMembership, Role
from families.models import DuplicateConfirmation, Family, Member
from families.tests.test_views import PARENT, child, referral_data
from tests import factories as f

LIA_BIRTH = datetime.date(2017, 3, 9)


def children_codes(family) -> list[str]:
    return [m.codice_fiscale for m in family.members.filter(kind="minore").order_by("pk")]


def add_child(family, first: str, last: str, birth: datetime.date, sex: str = "F") -> Member:
    """A child whose codice fiscale no other family has (the factory's children share theirs: their names
    differ only by digits, which a codice fiscale ignores)."""
    code = f.synthetic_codice_fiscale(first, last, birth, sex)
    return Member.objects.create(
        family=family, kind="minore", first_name=first, last_name=last, birth_date=birth, sex=sex, codice_fiscale=code
    )


@pytest.fixture
def colleague_family(world):
    """A family of another équipe of the same ambito, whose case manager is not the world's: the world's case
    manager cannot open it."""
    colleague = f.make_user(world.ambito, Role.CASE_MANAGER, world.municipality, username="collega")
    equipe = f.make_equipe(world.ambito, "Équipe Beta", {colleague: EquipeMembership.MemberRole.CASE_MANAGER})
    equipe.comuni.add(world.comune)
    family = f.make_family(world, case_manager=colleague, equipe=equipe)
    family.nives = add_child(family, "Nives", "Colombo", datetime.date(2018, 2, 11))
    return family


def post_referral(world, client_for, members, user=None, **extra):
    data = {**referral_data(world, members), **extra}
    return client_for(user or world.users.case_manager).post(reverse("families:family-create"), data)


# --- The page --------------------------------------------------------------------------------------------


def test_the_referral_date_is_today_and_one_member_block_is_offered(world, client_for):
    page = client_for(world.users.case_manager).get(reverse("families:family-create")).content.decode()
    assert f'name="referral-date" value="{timezone.localdate():%Y-%m-%d}"' in page
    assert 'name="members-TOTAL_FORMS" value="1"' in page
    assert 'id="members-0-block"' in page and 'id="members-1-block"' not in page
    assert "Aggiungi un componente" in page and 'id="member-empty-form"' in page
    assert "js/referral-form.js" in page and "<script>" not in page


def test_the_error_summary_links_to_each_field_in_error_member_blocks_included(world, client_for):
    members = [PARENT, child("Lia", LIA_BIRTH, cf="RSSMRA15D03I625X")]
    response = post_referral(world, client_for, members, **{"referral-source": ""})
    page = response.content.decode()
    assert response.status_code == 200
    summary = re.search(r'<div class="alert alert-danger" id="error-summary".*?</div>', page, re.S).group(0)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert "Ci sono 2 errori da correggere" in summary
    assert 'href="#id_referral-source"' in summary
    assert 'href="#id_members-1-codice_fiscale"' in summary
    assert "Componente 2 — Codice fiscale: Il codice fiscale non è valido" in summary
    assert not Family.objects.exists()


def test_the_errors_of_the_members_as_a_whole_link_to_the_members(world, client_for):
    page = post_referral(world, client_for, [PARENT]).content.decode()
    assert "C&#x27;è un errore da correggere" in page or "C'è un errore da correggere" in page
    assert '<a href="#componenti">Componenti: Indica almeno un minore tra i componenti della famiglia.</a>' in page


def test_a_removed_member_block_is_ignored_even_when_half_filled(world, client_for):
    half_filled = {"kind": "minore", "first_name": "Scartato", "DELETE": "on"}
    response = post_referral(world, client_for, [PARENT, half_filled, child("Lia", LIA_BIRTH)])
    assert response.status_code == 302
    family = Family.objects.get()
    assert sorted(family.members.values_list("first_name", flat=True)) == ["Ada", "Lia"]


def test_a_removed_block_stays_hidden_when_the_page_comes_back_with_errors(world, client_for):
    half_filled = {"kind": "minore", "first_name": "Scartato", "DELETE": "on"}
    page = post_referral(world, client_for, [PARENT, half_filled]).content.decode()
    assert 'id="members-1-block" data-member-block hidden' in page
    assert "Componente 2 — " not in page


# --- A codice fiscale already registered in the ambito ------------------------------------------------------


def test_a_codice_fiscale_of_a_family_the_user_sees_is_warned_about_with_its_code_and_link(world, client_for, family):
    code = children_codes(family)[0]
    member = family.members.get(codice_fiscale_hash=Member.objects.with_codice_fiscale(code).get().codice_fiscale_hash)
    lookalike = child(member.first_name, member.birth_date, sex=member.sex, cf=code.lower())
    page = post_referral(world, client_for, [PARENT, lookalike]).content.decode()
    assert f"Questo codice fiscale è già registrato nella famiglia {family.code}." in page
    assert f'<a href="{family.get_absolute_url()}">{family.code}</a>' in page
    assert 'name="members-1-confirm_duplicate"' in page and 'type="checkbox"' in page
    assert Family.objects.count() == 1


def test_a_codice_fiscale_of_a_family_the_user_does_not_see_names_no_family(world, client_for, colleague_family):
    member = colleague_family.nives
    lookalike = child(member.first_name, member.birth_date, sex=member.sex, cf=member.codice_fiscale)
    page = post_referral(world, client_for, [PARENT, lookalike]).content.decode()
    assert "Questo codice fiscale è già registrato nell&#x27;ambito: chiedi al coordinatore." in page
    assert colleague_family.code not in page
    assert colleague_family.get_absolute_url() not in page


def test_the_same_codice_fiscale_in_another_ambito_gives_no_warning_and_no_hint(world, client_for, other_family):
    member = other_family.members.filter(kind="minore").get()
    lookalike = child(member.first_name, member.birth_date, sex=member.sex, cf=member.codice_fiscale)
    response = post_referral(world, client_for, [PARENT, lookalike])
    assert response.status_code == 302
    assert not DuplicateConfirmation.objects.exists()
    new = Family.objects.get(ambito=world.ambito)
    assert children_codes(new) == [member.codice_fiscale]


def test_the_confirmation_without_a_reason_is_refused(world, client_for, family):
    member = family.members.filter(kind="minore").first()
    lookalike = child(member.first_name, member.birth_date, sex=member.sex, cf=member.codice_fiscale)
    lookalike["confirm_duplicate"] = "on"
    page = post_referral(world, client_for, [PARENT, lookalike]).content.decode()
    assert "Scrivi il motivo per cui registri di nuovo questa persona." in page
    assert 'href="#id_members-1-duplicate_reason"' in page
    assert Family.objects.count() == 1


def test_a_confirmed_second_family_is_created_and_the_reason_recorded(world, client_for, colleague_family):
    member = colleague_family.nives
    lookalike = child(member.first_name, member.birth_date, sex=member.sex, cf=member.codice_fiscale)
    lookalike.update(confirm_duplicate="on", duplicate_reason="La madre è segnalata con il nuovo compagno.")
    response = post_referral(world, client_for, [PARENT, lookalike])
    assert response.status_code == 302
    new = Family.objects.exclude(pk=colleague_family.pk).get()
    confirmation = DuplicateConfirmation.objects.get()
    assert confirmation.family == new and confirmation.member.codice_fiscale == member.codice_fiscale
    assert confirmation.existing_family == colleague_family
    assert confirmation.by == world.users.case_manager
    assert confirmation.reason == "La madre è segnalata con il nuovo compagno."


def test_a_reason_without_the_confirmation_is_not_enough(world, client_for, family):
    member = family.members.filter(kind="minore").first()
    lookalike = child(member.first_name, member.birth_date, sex=member.sex, cf=member.codice_fiscale)
    lookalike["duplicate_reason"] = "Un motivo"
    page = post_referral(world, client_for, [PARENT, lookalike]).content.decode()
    assert f"già registrato nella famiglia {family.code}" in page
    assert Family.objects.count() == 1 and not DuplicateConfirmation.objects.exists()


# --- A member added to an existing family -------------------------------------------------------------------


def member_data(member, **extra):
    return {
        "kind": "minore",
        "first_name": member.first_name,
        "last_name": member.last_name,
        "birth_date": member.birth_date.isoformat(),
        "sex": member.sex,
        "codice_fiscale": member.codice_fiscale,
        **extra,
    }


def test_adding_a_member_already_in_another_family_asks_for_confirmation(world, client_for, family, colleague_family):
    member = colleague_family.nives
    client = client_for(world.users.case_manager)
    url = reverse("families:member-create", args=[family.pk])
    page = client.post(url, member_data(member)).content.decode()
    assert "già registrato nell&#x27;ambito: chiedi al coordinatore" in page
    assert colleague_family.code not in page
    assert family.members.count() == 3
    response = client.post(url, member_data(member, confirm_duplicate="on", duplicate_reason="Affido condiviso."))
    assert response.status_code == 302
    confirmation = DuplicateConfirmation.objects.get()
    assert confirmation.family == family and confirmation.existing_family == colleague_family
    assert confirmation.reason == "Affido condiviso."


def test_the_admin_adding_a_member_sees_which_family_has_the_codice_fiscale(
    world, client_for, family, colleague_family
):
    member = colleague_family.nives
    url = reverse("families:member-create", args=[family.pk])
    page = client_for(world.users.admin).post(url, member_data(member)).content.decode()
    assert f"già registrato nella famiglia {colleague_family.code}" in page
    assert f'<a href="{colleague_family.get_absolute_url()}">' in page


def test_editing_a_member_without_changing_the_codice_fiscale_asks_nothing(world, client_for, family):
    mine = family.members.filter(kind="minore").order_by("pk").first()
    other = f.make_family(world)
    assert other.members.filter(codice_fiscale_hash=mine.codice_fiscale_hash).exists()
    url = reverse("families:member-edit", args=[family.pk, mine.pk])
    response = client_for(world.users.case_manager).post(url, member_data(mine, school="Scuola Rodari"))
    assert response.status_code == 302
    assert not DuplicateConfirmation.objects.exists()


# --- The list's search by codice fiscale --------------------------------------------------------------------


def search(client, text):
    return client.get(reverse("families:family-list"), {"q": text}).content.decode()


def test_the_list_finds_a_family_by_a_members_full_codice_fiscale(world, client_for, family):
    other = f.make_family(world)
    code = add_child(family, "Nives", "Colombo", datetime.date(2018, 2, 11)).codice_fiscale
    page = search(client_for(world.users.case_manager), f" {code.lower()} ")
    assert family.code in page and other.code not in page
    assert "Cerca per codice, nome o codice fiscale" in page


def test_part_of_a_codice_fiscale_finds_nothing(world, client_for, family):
    page = search(client_for(world.users.case_manager), children_codes(family)[0][:10])
    assert family.code not in page


@pytest.mark.parametrize("role", ["coordinatore", "ufficio_piano"])
def test_pseudonymised_roles_cannot_find_a_family_by_codice_fiscale(world, client_for, family, role):
    page = search(client_for(getattr(world.users, role)), children_codes(family)[0])
    assert family.code not in page


def test_a_codice_fiscale_of_another_ambito_is_not_found(world, client_for, other_family):
    code = other_family.members.filter(kind="minore").get().codice_fiscale
    assert other_family.code not in search(client_for(world.users.case_manager), code)
    assert other_family.code in search(client_for(world.other.outsider), code)


def test_the_search_by_codice_fiscale_keeps_its_query_count_at_1_and_30_families(world, client_for, count_queries):
    client = client_for(world.users.case_manager)
    url = reverse("families:family-list") + "?q=" + "RSSMRA15D03I625X"
    f.make_family(world)
    client.get(url)
    one = count_queries(lambda: client.get(url))
    for _ in range(29):
        f.make_family(world)
    thirty = count_queries(lambda: client.get(url))
    assert one == thirty <= 12


def test_the_administrator_reads_the_confirmations_in_the_admin(world, client_for, family, colleague_family):
    member = colleague_family.nives
    url = reverse("families:member-create", args=[family.pk])
    client_for(world.users.case_manager).post(url, member_data(member, confirm_duplicate="on", duplicate_reason="X"))
    page = client_for(world.users.admin).get(reverse("admin:families_duplicateconfirmation_changelist"))
    assert page.status_code == 200
    assert family.code in page.content.decode() and colleague_family.code in page.content.decode()
