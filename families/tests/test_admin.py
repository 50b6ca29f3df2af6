"""The family changelist of the admin: its search (code, comune, a member's full codice fiscale through the
keyed hash), the implementations named with their ambito, years written as years."""

import re

import pytest
from django.urls import reverse

from families.models import Family
from tests.factories import synthetic_codice_fiscale

CHANGELIST = "admin:families_family_changelist"


def found(client, term: str) -> set[str]:
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 200
    return {family.code for family in response.context["cl"].result_list}


@pytest.fixture
def admin_client_(world, client_for):
    return client_for(world.users.admin)


def test_search_finds_a_family_by_a_members_full_codice_fiscale(world, family, other_family, admin_client_):
    # The factory's children of two families share a codice fiscale (same letters of the names, same birth
    # date); this one is the only child with its own.
    child = family.members.exclude(codice_fiscale=None).first()
    child.codice_fiscale = code = synthetic_codice_fiscale("Ornella", "Zanardi", child.birth_date, "F")
    child.save()
    assert found(admin_client_, code) == {family.code}
    # As typed or pasted: lower case, spaces around and inside.
    assert found(admin_client_, f"  {code[:6].lower()} {code[6:]} ") == {family.code}
    # The stored code is encrypted: a part of it finds nothing (and nobody can probe it letter by letter).
    assert found(admin_client_, code[:10]) == set()


def test_search_finds_a_family_by_comune(world, family, other_family, admin_client_):
    assert found(admin_client_, "Comune Omega") == {other_family.code}
    assert found(admin_client_, "omega") == {other_family.code}
    assert found(admin_client_, "Comune Alfa") == {family.code}


def test_search_still_finds_by_code_and_member_name(world, family, other_family, admin_client_):
    assert found(admin_client_, family.code) == {family.code}
    surname = family.members.first().last_name
    assert found(admin_client_, surname) == {family.code}
    assert found(admin_client_, "") == {family.code, other_family.code}


def test_the_implementation_filter_names_the_ambito(world, family, other_family, admin_client_):
    response = admin_client_.get(reverse(CHANGELIST))
    page = response.content.decode()
    assert "P.I.P.P.I. 11 · Ambito TST" in page
    assert "P.I.P.P.I. 11 · Ambito OTH" in page
    link = reverse(CHANGELIST) + f"?implementation__id__exact={world.other.implementation.pk}"
    assert {f.code for f in admin_client_.get(link).context["cl"].result_list} == {other_family.code}


def test_years_print_as_years(world, family, admin_client_):
    Family.objects.filter(pk=family.pk).update(year=2026)
    changelist = admin_client_.get(reverse(CHANGELIST)).content.decode()
    assert "2026" in changelist and "2.026" not in changelist
    assert {f.code for f in admin_client_.get(reverse(CHANGELIST), {"anno": "2026"}).context["cl"].result_list} == {
        family.code
    }
    change = admin_client_.get(reverse("admin:families_family_change", args=[family.pk])).content.decode()
    assert re.search(r">\s*2026\s*<", change) and "2.026" not in change


@pytest.mark.parametrize("value", ["duemila", "20266", "-1", "２０２６", "2026'"])
def test_a_bad_year_in_the_filter_is_refused_without_an_error(world, family, admin_client_, value):
    response = admin_client_.get(reverse(CHANGELIST), {"anno": value})
    # The admin's answer to a bad filter value: back to the list with ?e=1.
    assert response.status_code == 302 and "e=1" in response.url


def test_the_changelist_is_five_columns(world, family, admin_client_):
    response = admin_client_.get(reverse(CHANGELIST))
    assert len(response.context["cl"].list_display) <= 6  # the selection box and five columns
