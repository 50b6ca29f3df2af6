"""The per-child SINBA panel of the family page (issue 18): what the national return still misses for each minor,
each field linked to the form where it is entered, "completo" when nothing is; for the family's case manager and
the coordinators, by pseudonym for the latter, and for no other role."""

import datetime

import pytest
from django.urls import reverse

from families.models import Member, Referral
from tests import factories as f


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def panel_of(page: str) -> str:
    start = page.index('class="list-unstyled sinba-panel"')
    return page[start : page.index("</ul>", start)]


def complete(family) -> None:
    family.sinba_judicial_report = "2"
    family.sinba_family_assessment = "2"
    family.save()
    family.members.filter(kind=Member.Kind.MINORE).update(
        sinba_condition="1", sinba_living_place="1", sinba_school="5", sinba_disability="2", sinba_assessment="2"
    )
    Referral.objects.filter(family=family).update(source=Referral.Source.SCUOLA)


def test_a_new_family_shows_what_each_child_misses_linked_to_its_form(world, client_for, family):
    child = family.members.filter(kind=Member.Kind.MINORE).first()
    page = text(client_for(world.users.case_manager).get(reverse("families:family-detail", args=[family.pk])))
    panel = panel_of(page)
    edit = reverse("families:member-edit", args=[family.pk, child.pk])
    family_edit = reverse("families:family-edit", args=[family.pk])
    assert f'href="{edit}#id_sinba_condition">Condizione del minore</a>' in panel
    assert f'href="{edit}#id_sinba_school">Scuola frequentata</a>' in panel
    assert f'href="{family_edit}#id_sinba_family_assessment">Valutazione della famiglia</a>' in panel
    assert "completo" not in panel


def test_a_child_with_everything_is_complete(world, client_for, family):
    complete(family)
    page = text(client_for(world.users.case_manager).get(reverse("families:family-detail", args=[family.pk])))
    assert "completo" in panel_of(page) and "mancano" not in panel_of(page)


def test_the_work_condition_is_missing_only_from_sixteen(world, client_for, family):
    complete(family)
    family.members.filter(kind=Member.Kind.MINORE).update(birth_date=datetime.date.today().replace(year=2009))
    page = text(client_for(world.users.case_manager).get(reverse("families:family-detail", args=[family.pk])))
    assert "Condizione lavorativa del minore" in panel_of(page)


def test_the_sinba_source_is_entered_on_the_family_form_when_the_referral_does_not_say_it(world, client_for, family):
    complete(family)
    Referral.objects.filter(family=family).update(source=Referral.Source.SERVIZIO_SOCIALE, sinba_source="")
    client = client_for(world.users.case_manager)
    url = reverse("families:family-detail", args=[family.pk])
    anchor = reverse("families:family-edit", args=[family.pk]) + "#id_referral_sinba_source"
    assert anchor in panel_of(text(client.get(url)))
    edit = client.get(reverse("families:family-edit", args=[family.pk]))
    form = edit.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["referral_sinba_source"] = "1"
    response = client.post(reverse("families:family-edit", args=[family.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Referral.objects.get(family=family).sinba_source == "1"
    assert "completo" in panel_of(text(client.get(url)))


def test_a_bad_sinba_source_is_a_form_error(world, client_for, family):
    client = client_for(world.users.case_manager)
    form = client.get(reverse("families:family-edit", args=[family.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["referral_sinba_source"] = "99"
    response = client.post(reverse("families:family-edit", args=[family.pk]), data)
    assert response.status_code == 200 and "referral_sinba_source" in response.context["form"].errors


def test_the_coordinator_sees_pseudonyms_and_no_links(world, client_for, family):
    child = family.members.filter(kind=Member.Kind.MINORE).first()
    page = text(client_for(world.users.coordinatore).get(reverse("families:family-detail", args=[family.pk])))
    panel = panel_of(page)
    assert child.first_name not in panel and child.last_name not in panel
    assert "Condizione del minore" in panel and "href" not in panel


@pytest.mark.parametrize("role", ["operatore", "ufficio_piano"])
def test_other_roles_do_not_see_the_panel(world, client_for, family, role):
    page = text(client_for(getattr(world.users, role)).get(reverse("families:family-detail", args=[family.pk])))
    assert "sinba-panel" not in page


def test_another_case_manager_does_not_see_it(world, client_for):
    other = f.make_user(world.ambito, "case_manager")
    family = f.make_family(world, case_manager=world.users.case_manager)
    page = client_for(other).get(reverse("families:family-detail", args=[family.pk]))
    assert page.status_code == 404 or "sinba-panel" not in text(page)


def test_an_adult_child_is_outside_the_return(world, client_for, family):
    family.members.filter(kind=Member.Kind.MINORE).update(birth_date=datetime.date(2000, 1, 1))
    page = text(client_for(world.users.case_manager).get(reverse("families:family-detail", args=[family.pk])))
    assert "maggiorenne, fuori dal ritorno" in panel_of(page)
