"""The case fields the return needs, on the forms where the social worker fills them in: the XSD's codes with its
Italian labels, a minor's fields refused for an adult."""

import pytest

from families.forms import FamilyForm, MemberForm, ReferralForm
from families.models import Member

pytestmark = pytest.mark.django_db

ADULT = {
    "kind": "figura_genitoriale",
    "first_name": "Anna",
    "last_name": "Prova",
    "birth_date": "1988-03-04",
    "sex": "F",
}


def test_a_minor_s_sinba_fields_are_refused_for_an_adult():
    form = MemberForm({**ADULT, "sinba_school": "5", "sinba_condition": "1"})
    assert not form.is_valid()
    assert form.errors["sinba_school"] == ["Si indica solo per un minore."]
    assert MemberForm(ADULT).is_valid(), MemberForm(ADULT).errors


def test_a_minor_s_sinba_fields_are_saved_with_the_xsd_codes():
    form = MemberForm({**ADULT, "kind": "minore", "birth_date": "2017-05-06", "sinba_living_place": "3"})
    assert form.is_valid(), form.errors
    assert dict(form.fields["sinba_living_place"].choices)["3"] == "In famiglia affidataria"
    assert form.cleaned_data["sinba_living_place"] == "3"
    assert not MemberForm({**ADULT, "kind": "minore", "sinba_living_place": "99"}).is_valid()


def test_the_family_and_referral_forms_ask_the_family_s_fields(world):
    family_fields = FamilyForm(user=world.users.case_manager).fields
    assert dict(family_fields["sinba_judicial_report"].choices)["1"] == "Sì"
    assert "Grave conflittualità familiare" in dict(family_fields["sinba_family_assessment"].choices).values()
    assert dict(ReferralForm().fields["sinba_source"].choices)["13"] == "Scuola"
    assert Member._meta.get_field("sinba_work").choices[0] == (
        "1",
        "Inattivo (non in età da lavoro, non ha e non cerca lavoro)",
    )
