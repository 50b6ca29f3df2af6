"""The optional case details of the return (docs/sinba.md): the parents' education and occupation on the member
form, the judicial details and the ISEE band on the family form, the closure's reason and situation on the
closure step. Each is written into the flow when recorded, left out when not, and the flows stay valid."""

import datetime

import pytest

from families.forms import ClosureForm, FamilyForm, MemberForm
from families.models import Closure, ClosureOutcome, Family, Member
from sinba import services, xml
from sinba.models import Flow

from .conftest import give_sedt_code, make_ente, sinba_family

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
PARENT = {"kind": "figura_genitoriale", "first_name": "Anna", "last_name": "Prova", "birth_date": "1988-03-04"}


def attributes_of(family) -> list[dict]:
    services.generate(family.ambito, now=NOW)
    flows = list(Flow.objects.filter(family=family).order_by("pk"))
    assert flows and all(flow.state == Flow.State.READY for flow in flows), [flow.errors for flow in flows]
    for flow in flows:
        xml.schema().validate(services.xml_file(flow))
    return [xml.schema().to_dict(services.xml_file(flow))["SINBA"][0] for flow in flows]


@pytest.fixture
def family(world):
    make_ente(world.ambito)
    give_sedt_code()
    return sinba_family(world)


def test_without_the_details_the_flow_leaves_them_out(family):
    (sinba,) = attributes_of(family)
    for name in ("TitoloStudioMadre", "DataSegnalazione", "PotestaTutela", "FasciaISEEBeneficiario"):
        assert f"@{name}" not in sinba
    assert "@MotivazioneChiusuraCarico" not in sinba
    assert sinba["@CodiceRegioneResidenzaMadre"] == "03"  # the mother lives with the child


def test_every_detail_recorded_goes_into_a_valid_flow(family):
    mother = family.members.get(kind=Member.Kind.FIGURA_GENITORIALE)
    Member.objects.filter(pk=mother.pk).update(sinba_education="5", sinba_occupation="1")
    Member.objects.create(
        family=family,
        kind=Member.Kind.FIGURA_GENITORIALE,
        first_name="Bruno",
        last_name="Prova",
        birth_date=datetime.date(1985, 2, 2),
        sex="M",
        sinba_education="3",
        sinba_occupation="2",
    )
    Family.objects.filter(pk=family.pk).update(
        sinba_judicial_report="1",
        sinba_report_date=datetime.date(2024, 2, 14),
        under_judicial_authority=True,
        judicial_authority_court=Family.Court.TRIBUNALE_MINORENNI,
        sinba_order_date=datetime.date(2024, 5, 3),
        sinba_order_type="5",
        sinba_parental_responsibility="3",
        sinba_isee_band="3",
        sinba_isee_members=4,
    )
    Closure.objects.create(
        family=family,
        date=datetime.date(2025, 9, 5),
        outcome=ClosureOutcome.objects.get(code="A"),
        child_at_home=True,
        sinba_closure_reason="4",
        sinba_closure_situation="1",
    )
    (sinba,) = attributes_of(family)
    assert (sinba["@TitoloStudioMadre"], sinba["@OccupazioneMadre"]) == ("5", "1")
    assert (sinba["@TitoloStudioPadre"], sinba["@OccupazionePadre"]) == ("3", "2")
    assert sinba["@CodiceRegioneResidenzaPadre"] == "03"
    assert sinba["@DataSegnalazione"] == "02/2024" and sinba["@DataProvvedimentoGiudiziario"] == "05/2024"
    assert (sinba["@TipoProvvedimentoGiudiziario"], sinba["@PotestaTutela"]) == ("5", "3")
    assert sinba["@AutoritaProvvedimento"] == "2"
    assert (sinba["@FasciaISEEBeneficiario"], sinba["@NumeroComponentiISEE"]) == ("3", 4)
    assert (sinba["@MotivazioneChiusuraCarico"], sinba["@SituazioneChiusuraCarico"]) == ("4", "1")


def test_a_partner_of_a_parent_is_not_the_father(family):
    Member.objects.create(
        family=family,
        kind=Member.Kind.FIGURA_GENITORIALE,
        first_name="Carlo",
        last_name="Prova",
        birth_date=datetime.date(1985, 2, 2),
        sex="M",
        relationship="compagno della madre",
        sinba_education="3",
    )
    (sinba,) = attributes_of(family)
    assert "@TitoloStudioPadre" not in sinba and "@CodiceRegioneResidenzaPadre" not in sinba


def test_the_parents_fields_are_refused_for_a_minor_and_offered_with_the_xsd_labels():
    form = MemberForm({**PARENT, "kind": "minore", "birth_date": "2017-05-06", "sex": "F", "sinba_education": "2"})
    assert form.errors["sinba_education"] == ["Si indica solo per una figura genitoriale."]
    form = MemberForm({**PARENT, "sex": "F", "sinba_education": "6", "sinba_occupation": "4"})
    assert form.is_valid(), form.errors
    assert dict(form.fields["sinba_education"].choices)["6"] == "Laurea o diploma di laurea"
    assert not MemberForm({**PARENT, "sex": "F", "sinba_occupation": "9"}).is_valid()


def family_data(world, **changes) -> dict:
    form = FamilyForm(user=world.users.case_manager, instance=Family.objects.get(pk=changes.pop("pk")))
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    return {**data, **changes}


def test_the_order_s_details_need_an_order_and_the_report_date_a_report(world, family):
    data = family_data(
        world,
        pk=family.pk,
        under_judicial_authority="",
        sinba_order_type="5",
        sinba_judicial_report="2",
        sinba_report_date="2024-02-14",
        sinba_isee_members="12",
    )
    form = FamilyForm(data, user=world.users.case_manager, instance=family)
    assert not form.is_valid()
    assert "sotto provvedimento" in form.errors["sinba_order_type"][0]
    assert "segnalata all'autorità giudiziaria" in form.errors["sinba_report_date"][0]
    assert "sinba_isee_members" in form.errors
    future = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    data = family_data(world, pk=family.pk, sinba_judicial_report="1", sinba_report_date=future, sinba_isee_band="2")
    form = FamilyForm(data, user=world.users.case_manager, instance=family)
    assert form.errors["sinba_report_date"] == ["La data non può essere nel futuro."]


def test_the_closure_step_asks_the_reason_and_the_situation(family):
    form = ClosureForm(family=family)
    assert dict(form.fields["sinba_closure_reason"].choices)["3"] == "Raggiunta età maggiorenne"
    assert "Nella famiglia di origine" in dict(form.fields["sinba_closure_situation"].choices).values()
