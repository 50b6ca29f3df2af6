"""A member's comune (or foreign state) of birth: chosen from the national list, optional, and cross-checked
with the codice fiscale when both are given."""

import datetime

import pytest
from codicefiscale import codicefiscale
from django.urls import reverse

from families.forms import MemberForm
from families.models import Member
from tests.factories import synthetic_codice_fiscale

pytestmark = pytest.mark.django_db

BORN = datetime.date(2016, 5, 12)


def member_form(family, user, **data):
    fields = {
        "kind": Member.Kind.MINORE,
        "first_name": "Lia",
        "last_name": "Brambilla",
        "codice_fiscale": "",
        "birth_date": BORN.isoformat(),
        "sex": "F",
        "birth_comune_code": "",
        "relationship": "figlia",
    }
    fields.update(data)
    return MemberForm(fields, instance=Member(family=family), user=user)


def test_the_place_is_optional(world, family):
    form = member_form(family, world.users.case_manager)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_comune_code"] == ""


@pytest.mark.parametrize("typed", ["Seregno", "Seregno (MB)", "seregno mb", "I625", "i625"])
def test_the_place_is_stored_as_its_cadastral_code(world, family, typed):
    code = synthetic_codice_fiscale("Lia", "Brambilla", BORN, "F")  # born in Seregno (I625)
    form = member_form(family, world.users.case_manager, codice_fiscale=code, birth_comune_code=typed)
    assert form.is_valid(), form.errors
    member = form.save()
    assert Member.objects.get(pk=member.pk).birth_comune_code == "I625"
    # Shown again by its name.
    assert 'value="Seregno (MB)"' in str(MemberForm(instance=member)["birth_comune_code"])


def test_a_place_that_does_not_match_the_codice_fiscale_is_an_italian_error(world, family):
    code = synthetic_codice_fiscale("Lia", "Brambilla", BORN, "F")
    form = member_form(family, world.users.case_manager, codice_fiscale=code, birth_comune_code="Giussano")
    assert not form.is_valid()
    assert form.errors["birth_comune_code"] == [
        "Il luogo di nascita non corrisponde al codice fiscale, che indica Seregno (MB)."
    ]


def test_a_foreign_birth_is_checked_against_the_state(world, family):
    code = codicefiscale.encode(
        lastname="Brambilla", firstname="Lia", gender="F", birthdate="12/05/2016", birthplace="Marocco"
    )
    assert code[11:15] == "Z330"
    good = member_form(family, world.users.case_manager, codice_fiscale=code, birth_comune_code="Marocco")
    assert good.is_valid(), good.errors
    assert good.cleaned_data["birth_comune_code"] == "Z330"
    italian = member_form(family, world.users.case_manager, codice_fiscale=code, birth_comune_code="Seregno")
    assert italian.errors["birth_comune_code"] == [
        "Il luogo di nascita non corrisponde al codice fiscale, che indica Marocco (stato estero)."
    ]
    other_state = member_form(family, world.users.case_manager, codice_fiscale=code, birth_comune_code="Z100")
    assert not other_state.is_valid()


def test_without_a_codice_fiscale_the_place_is_only_checked_against_the_list(world, family):
    form = member_form(family, world.users.case_manager, birth_comune_code="Giussano")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_comune_code"] == "E063"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Atlantide", "Non è nell'elenco nazionale"),
        ("Castro", "Più comuni si chiamano così: aggiungi la provincia"),
        ("X999", "Non è nell'elenco nazionale"),
    ],
)
def test_a_place_not_in_the_list_is_an_italian_error(world, family, typed, message):
    form = member_form(family, world.users.case_manager, birth_comune_code=typed)
    assert not form.is_valid()
    assert message in form.errors["birth_comune_code"][0]


def test_the_member_page_saves_the_place(world, family, client_for):
    client = client_for(world.users.case_manager)
    url = reverse("families:member-create", args=[family.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Comune o stato di nascita" in page.content.decode()
