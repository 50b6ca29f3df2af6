"""The parents' citizenship, the disability's type and certification and the collaboration with other services
(docs/sinba.md): asked on the member and family forms, written into the flow when recorded, and the flows stay
valid against the vendored XSD with no name, codice fiscale or address in them."""

import datetime
import re

import pycountry
import pytest

from families.forms import FamilyForm, MemberForm
from families.models import Family, Member
from pippi_portal import sinba_codes
from sinba import records, services, xml
from sinba.models import Flow

from .conftest import give_sedt_code, make_ente, sinba_family

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
PARENT = {"kind": "figura_genitoriale", "first_name": "Anna", "last_name": "Prova", "birth_date": "1988-03-04"}
MINOR = {"kind": "minore", "first_name": "Luca", "last_name": "Prova", "birth_date": "2017-05-06", "sex": "M"}


def flow_of(family) -> dict:
    services.generate(family.ambito, now=NOW)
    (flow,) = Flow.objects.filter(family=family)
    assert flow.state == Flow.State.READY, flow.errors
    xml.schema().validate(services.xml_file(flow))
    return xml.schema().to_dict(services.xml_file(flow))["SINBA"][0]


@pytest.fixture
def family(world):
    make_ente(world.ambito)
    give_sedt_code()
    return sinba_family(world)


def test_nations_are_iso_3166_numeric_with_italian_names_italy_first():
    """Tabella 15 (Allegato C §6.1): CodiceCittadinanzaPadre/Madre and CodiceNazioneResidenza are "Formato
    ISO3166", three digits: ISO 3166-1 numeric (Italy 380, not ISTAT's 100)."""
    nations = sinba_codes.cittadinanza()
    assert nations[0] == ("380", "Italia")
    names = dict(nations)
    assert names["504"] == "Marocco" and names["008"] == "Albania" and names["642"] == "Romania"
    assert len(nations) == len(pycountry.countries) == len(names)
    assert all(re.fullmatch(r"[0-9]{3}", code) for code in names)
    rest = [name for _code, name in nations[1:]]
    assert rest.index("Albania") < rest.index("Germania") < rest.index("Zimbabwe")
    assert records.ITALY == sinba_codes.ITALY == pycountry.countries.get(alpha_2="IT").numeric


def test_the_parents_citizenship_goes_into_the_flow(family):
    mother = family.members.get(kind=Member.Kind.FIGURA_GENITORIALE)
    Member.objects.filter(pk=mother.pk).update(citizenship="504")
    Member.objects.create(
        family=family,
        kind=Member.Kind.FIGURA_GENITORIALE,
        first_name="Bruno",
        last_name="Prova",
        birth_date=datetime.date(1985, 2, 2),
        sex="M",
        citizenship="380",
    )
    sinba = flow_of(family)
    assert (sinba["@CodiceCittadinanzaMadre"], sinba["@CodiceCittadinanzaPadre"]) == ("504", "380")
    assert sinba["@CodiceNazioneResidenza"] == "380"


def test_without_a_citizenship_the_flow_leaves_it_out(family):
    sinba = flow_of(family)
    assert "@CodiceCittadinanzaMadre" not in sinba and "@TipoDisabilita" not in sinba
    assert "@CollaborazioniInterventi" not in sinba


def test_the_disability_s_type_and_certification_go_with_a_disability(family):
    family.members.filter(kind=Member.Kind.MINORE).update(
        sinba_disability="1", sinba_disability_type="3", sinba_disability_certification="5"
    )
    sinba = flow_of(family)
    assert (sinba["@Disabilita"], sinba["@TipoDisabilita"], sinba["@InvCivCertificazioni"]) == ("1", "3", "5")


def test_without_a_disability_its_details_are_never_sent(family):
    """The specification has no rule here (Tabella 15: both "Campo opzionale"); ours: they describe a
    disability, so they go only with Disabilita 1. A value left from before is not sent."""
    family.members.filter(kind=Member.Kind.MINORE).update(
        sinba_disability="2", sinba_disability_type="1", sinba_disability_certification="4"
    )
    sinba = flow_of(family)
    assert sinba["@Disabilita"] == "2"
    assert "@TipoDisabilita" not in sinba and "@InvCivCertificazioni" not in sinba


def test_the_collaboration_with_other_services_is_the_family_s(family):
    Family.objects.filter(pk=family.pk).update(sinba_collaboration="2")
    assert flow_of(family)["@CollaborazioniInterventi"] == "2"


def test_a_flow_with_every_new_field_names_no_one(family):
    family.members.filter(kind=Member.Kind.MINORE).update(
        sinba_disability="1", sinba_disability_type="4", sinba_disability_certification="2"
    )
    family.members.filter(kind=Member.Kind.FIGURA_GENITORIALE).update(citizenship="642", codice_fiscale="")
    Family.objects.filter(pk=family.pk).update(sinba_collaboration="7")
    flow_of(family)
    document = Flow.objects.get(family=family).xml.lower()
    family.refresh_from_db()
    for member in family.members.all():
        for secret in (member.first_name, member.last_name, member.codice_fiscale):
            if secret:
                assert not re.search(rf"\b{re.escape(secret.lower())}\b", document), secret
    assert family.address and family.address.lower() not in document


def test_the_member_form_asks_the_citizenship_of_a_parent_only():
    form = MemberForm({**PARENT, "sex": "F", "citizenship": "504"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["citizenship"] == "504"
    assert form.fields["citizenship"].choices[1] == ("380", "Italia")
    minor = MemberForm({**MINOR, "citizenship": "504"})
    assert minor.errors["citizenship"] == ["Si indica solo per una figura genitoriale."]
    assert not MemberForm({**PARENT, "sex": "F", "citizenship": "999"}).is_valid()


def test_the_member_form_asks_the_disability_s_details_only_with_a_disability():
    with_one = MemberForm({**MINOR, "sinba_disability": "1", "sinba_disability_type": "2"})
    assert with_one.is_valid(), with_one.errors
    for disability in ("2", ""):
        form = MemberForm(
            {
                **MINOR,
                "sinba_disability": disability,
                "sinba_disability_type": "2",
                "sinba_disability_certification": "1",
            }
        )
        assert form.errors["sinba_disability_type"] == ["Si indica solo per un minore con disabilità."]
        assert form.errors["sinba_disability_certification"] == ["Si indica solo per un minore con disabilità."]
    adult = MemberForm({**PARENT, "sex": "F", "sinba_disability_type": "2"})
    assert adult.errors["sinba_disability_type"] == ["Si indica solo per un minore."]


def test_the_certification_s_labels_are_the_specification_s():
    """The XSD documents the value 5 as "destinazione ignota" (copied from another list); Tabella 15 names it
    "Certificazione L. 104"."""
    labels = dict(Member._meta.get_field("sinba_disability_certification").choices)
    assert labels["5"] == "Certificazione L. 104" and labels["4"] == "Certificazione NPI"
    assert dict(Member._meta.get_field("sinba_disability_type").choices) == {
        "1": "Fisica",
        "2": "Psichica",
        "3": "Sensoriale",
        "4": "Plurima",
    }


def test_the_family_form_asks_the_collaboration(world):
    choices = dict(FamilyForm(user=world.users.case_manager).fields["sinba_collaboration"].choices)
    assert choices["1"] == "SERT" and choices["9"] == "Altro" and len(choices) == 10  # with the empty choice
