"""A minor's foster care and residential placement ("Affido e inserimenti in struttura" on the family page): the
family's case manager records, changes and ends one (the same rule as for the members); the codes of each kind are
required, the outcome is given exactly when it has ended, bad dates are form errors; the other roles read the
list (by pseudonym when they see no names) without links; another ambito's family answers 404."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from families.forms import PlacementForm
from families.history import family_event_querysets
from families.models import Member, Placement
from tests import factories as f

pytestmark = pytest.mark.django_db
AFFIDO = {"form": "2", "affido_type": "2", "affido_time": "1", "affido_character": "1"}
RESIDENZIALE = {"form": "1", "residential_character": "6", "residential_type": "1"}


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.fixture
def child(family):
    return family.members.filter(kind=Member.Kind.MINORE).order_by("pk").first()


def affido(child, start=datetime.date(2025, 3, 1), end=None, **fields) -> Placement:
    return Placement.objects.create(member=child, kind="affido", start_date=start, end_date=end, **{**AFFIDO, **fields})


def create_url(family, kind="affido") -> str:
    return reverse("families:placement-create", args=[family.pk, kind])


def form_for(world, family, data, kind="affido", instance=None) -> PlacementForm:
    return PlacementForm(data, instance=instance or Placement(kind=kind), family=family, user=world.users.case_manager)


def data(child, **fields) -> dict:
    return {"member": str(child.pk), "start_date": "2025-03-01", **AFFIDO, **fields}


# --- The form ---------------------------------------------------------------------------------------------


def test_the_affido_form_asks_only_for_the_affido_codes_and_requires_them(world, family, child):
    form = form_for(world, family, {"member": str(child.pk), "start_date": "2025-03-01", "form": "1"})
    assert not form.is_valid()
    assert {"affido_type", "affido_time", "affido_character"} <= set(form.errors)
    assert "residential_character" not in form.fields and "affido_outcome" in form.fields
    assert form.fields["form"].label == "Forma dell'affido"


def test_the_residential_form_asks_for_its_own_codes(world, family, child):
    form = form_for(
        world, family, {"member": str(child.pk), "start_date": "2025-03-01", **RESIDENZIALE}, "residenziale"
    )
    assert form.is_valid(), form.errors
    assert "affido_type" not in form.fields
    placement = form.save()
    assert (placement.kind, placement.residential_type, placement.affido_type) == ("residenziale", "1", "")


def test_only_the_family_s_minors_can_be_chosen(world, family, child):
    parent = family.members.exclude(kind=Member.Kind.MINORE).first()
    other_child = f.make_family(world, children=1).members.get(kind=Member.Kind.MINORE)
    for member in (parent, other_child):
        form = form_for(world, family, data(member))
        assert "member" in form.errors


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end_date": "2025-02-01", "affido_outcome": "1"}, "end_date", "La fine non può precedere l'inizio."),
        ({"start_date": "0001-01-01"}, "start_date", "L'inizio non può precedere la nascita del minore."),
        ({"start_date": "2099-01-01"}, "start_date", "L'inizio non può essere oltre sei mesi da oggi."),
        ({"end_date": "2099-01-01", "affido_outcome": "1"}, "end_date", "La data non può essere nel futuro."),
        ({"end_date": "2025-06-01"}, "affido_outcome", "Il collocamento è concluso: indicarne l'esito."),
        ({"affido_outcome": "1"}, "affido_outcome", "L'esito si indica quando il collocamento è concluso."),
        ({"start_date": "2025-02-31"}, "start_date", "Inserisci una data valida."),
    ],
)
def test_bad_dates_and_a_misplaced_outcome_are_form_errors(world, family, child, fields, field, message):
    form = form_for(world, family, data(child, **fields))
    assert not form.is_valid()
    assert message in form.errors[field]


def test_two_placements_of_a_kind_cannot_overlap(world, family, child):
    affido(child, end=datetime.date(2025, 6, 30), affido_outcome="1")
    overlapping = form_for(world, family, data(child, start_date="2025-06-01"))
    assert "già un collocamento di questo tipo" in overlapping.errors["start_date"][0]
    assert form_for(world, family, data(child, start_date="2025-07-01")).is_valid()
    # A residential placement may run beside the affido (the record carries both).
    residential = {"member": str(child.pk), "start_date": "2025-04-01", **RESIDENZIALE}
    assert form_for(world, family, residential, "residenziale").is_valid()


def test_ending_a_placement_on_its_own_form_keeps_it_valid(world, family, child):
    placement = affido(child)
    form = form_for(world, family, data(child, end_date="2025-09-30", affido_outcome="2"), instance=placement)
    assert form.is_valid(), form.errors
    form.save()
    placement.refresh_from_db()
    assert (placement.end_date, placement.affido_outcome) == (datetime.date(2025, 9, 30), "2")


def test_the_database_refuses_what_the_form_refuses(child):
    with pytest.raises(IntegrityError), transaction.atomic():
        affido(child, end=datetime.date(2025, 1, 1), affido_outcome="1")  # ends before it starts
    with pytest.raises(IntegrityError), transaction.atomic():
        affido(child, residential_type="1")  # another kind's code
    affido(child)
    with pytest.raises(IntegrityError), transaction.atomic():
        affido(child, start=datetime.date(2025, 5, 1))  # a second ongoing affido


# --- The pages ------------------------------------------------------------------------------------------


def test_the_case_manager_records_an_affido_and_sees_it_on_the_family_page(world, client_for, family, child):
    client = client_for(world.users.case_manager)
    assert "Nuovo affido" in text(client.get(create_url(family)))
    response = client.post(create_url(family), data(child))
    assert response.status_code == 302
    placement = Placement.objects.get(member=child)
    page = text(client.get(reverse("families:family-detail", args=[family.pk])))
    section = page[page.index('id="collocamenti"') :]
    assert "Affido e inserimenti in struttura" in page
    assert "Giudiziario, Eterofamiliare, Tempo pieno, Residenziale" in section and "in corso" in section
    assert reverse("families:placement-edit", args=[family.pk, placement.pk]) in section


def test_the_case_manager_ends_a_placement_with_its_outcome(world, client_for, family, child):
    placement = affido(child)
    url = reverse("families:placement-edit", args=[family.pk, placement.pk])
    client = client_for(world.users.case_manager)
    assert client.get(url).status_code == 200
    response = client.post(url, data(child, end_date="2025-10-01", affido_outcome="1"))
    assert response.status_code == 302
    page = text(client.get(reverse("families:family-detail", args=[family.pk])))
    assert "dal 01/03/2025 al 01/10/2025" in page and "Rientrato nella famiglia di origine" in page


def test_a_bad_post_is_a_form_error_not_a_server_error(world, client_for, family, child):
    response = client_for(world.users.case_manager).post(create_url(family), data(child, start_date="0001-01-01"))
    assert response.status_code == 200 and not Placement.objects.exists()


def test_an_unknown_kind_is_not_found(world, client_for, family):
    assert client_for(world.users.case_manager).get(create_url(family, "adozione")).status_code == 404


def test_another_ambito_s_family_and_placement_answer_404(world, client_for, family, child):
    placement = affido(child)
    outsider = client_for(world.other.outsider)
    assert outsider.get(create_url(family)).status_code == 404
    edit = reverse("families:placement-edit", args=[family.pk, placement.pk])
    assert outsider.post(edit, data(child, end_date="2025-10-01", affido_outcome="1")).status_code == 404
    assert Placement.objects.get().end_date is None


def test_a_placement_of_another_family_is_not_found_under_this_one(world, client_for, family, child):
    other = f.make_family(world, children=1)
    placement = affido(other.members.get(kind=Member.Kind.MINORE))
    response = client_for(world.users.case_manager).get(
        reverse("families:placement-edit", args=[family.pk, placement.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["operatore", "coordinatore", "ufficio_piano"])
def test_read_only_roles_see_the_list_without_links_and_cannot_add(world, client_for, family, child, role):
    placement = affido(child)
    client = client_for(getattr(world.users, role))
    page = text(client.get(reverse("families:family-detail", args=[family.pk])))
    section = page[page.index('id="collocamenti"') : page.index("</section>", page.index('id="collocamenti"'))]
    assert "Affido" in section
    assert "<a " not in section and "collocamenti/" not in section
    assert client.post(create_url(family), data(child)).status_code == 403
    edit = reverse("families:placement-edit", args=[family.pk, placement.pk])
    assert client.get(edit).status_code == 403
    if not getattr(world.users, role).sees_identities:
        assert child.first_name not in section and child.last_name not in section


def test_the_family_page_without_placements_offers_to_add_one_only_to_who_may(world, client_for, family):
    url = reverse("families:family-detail", args=[family.pk])
    assert "Aggiungi affido" in text(client_for(world.users.case_manager).get(url))
    assert 'id="collocamenti"' not in text(client_for(world.users.operatore).get(url))


def test_a_placement_is_in_the_family_s_change_history(family, child):
    affido(child)
    events = {model: qs.count() for model, qs in family_event_querysets(family.pk)}
    assert events[Placement] == 1
