"""The SINBA flows made from the case data: valid against the vendored XSD, one per child and service, without a
name, a codice fiscale or an address, with the specification's rules and the gaps reported in Italian."""

import datetime
import re

import pytest
import xmlschema

from families.models import Member, Referral
from pippi_portal import sinba_codes
from sinba import identifiers, services, xml
from sinba.models import Flow

from .conftest import give_sedt_code, make_ente, sinba_family

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
FLOW_ID = re.compile(r"^I625\.SINBA\.20261203\.\d{7}$")


@pytest.fixture
def ready(world):
    make_ente(world.ambito)
    give_sedt_code()
    return sinba_family(world, children=2)


def test_every_flow_of_a_complete_family_validates_against_the_vendored_xsd(world, ready):
    summary = services.generate(world.ambito, now=NOW)
    flows = list(Flow.objects.filter(family=ready).order_by("flow_id"))
    assert summary.created == 2 and len(flows) == 2  # two children, one service
    for flow in flows:
        assert flow.state == Flow.State.READY, flow.errors
        assert FLOW_ID.match(flow.flow_id)
        xml.schema().validate(services.xml_file(flow))  # raises on any error
        decoded = xml.schema().to_dict(services.xml_file(flow))
        assert decoded["IdentificazioneFlusso"]["@Nome"] == flow.flow_id
        sinba = decoded["SINBA"][0]
        assert sinba["Prestazioni"]["CodicePrestazione"] == ["A2.02"]
        assert sinba["Famiglia"]["ComposizioneFamiglia"] == ["1", "3"]  # the mother, a brother
        assert sinba["@DataPrimaSegnalazione"] == "01/2024" and sinba["@FonteSegnalazione"] == "13"
        assert sinba["@CodiceNazioneResidenza"] == "380" and sinba["@CodiceRegioneResidenza"] == "03"
    assert [f.flow_id[-7:] for f in flows] == ["0000001", "0000002"]  # the day's progressive number


def test_no_name_codice_fiscale_or_address_in_any_flow(world, ready):
    services.generate(world.ambito, now=NOW)
    documents = " ".join(services.xml_file(f) for f in Flow.objects.all())
    people = list(Member.objects.filter(family=ready))
    secrets = [m.first_name for m in people] + [m.last_name for m in people]
    secrets += [m.codice_fiscale for m in people if m.codice_fiscale] + ["Via dei Tigli", ready.code]
    assert documents
    for secret in secrets:
        assert secret.lower() not in documents.lower(), secret
    assert not re.search(r"[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]", documents)  # nothing shaped like a CF


def test_the_child_identifier_is_keyed_stable_and_short(world, ready, settings):
    services.generate(world.ambito, now=NOW)
    child = Member.objects.filter(family=ready, kind=Member.Kind.MINORE).first()
    first = identifiers.beneficiary_id(world.ambito.code, child.pk)
    assert 1 <= len(first) <= 20 and first == identifiers.beneficiary_id(world.ambito.code, child.pk)
    assert Flow.objects.get(member=child).beneficiary_id == first
    settings.SINBA_ID_KEY = "another-key"
    assert identifiers.beneficiary_id(world.ambito.code, child.pk) != first


def test_unchanged_data_keep_the_flow_and_a_change_makes_a_new_one(world, ready):
    services.generate(world.ambito, now=NOW)
    before = {f.pk: f.flow_id for f in Flow.objects.all()}
    summary = services.generate(world.ambito, now=NOW + datetime.timedelta(hours=1))
    assert summary.unchanged == 2 and {f.pk: f.flow_id for f in Flow.objects.all()} == before
    child = Member.objects.filter(family=ready, kind=Member.Kind.MINORE).first()
    child.sinba_school = "6"
    child.save()
    summary = services.generate(world.ambito, now=NOW + datetime.timedelta(hours=2))
    assert (summary.changed, summary.unchanged) == (1, 1)
    changed = Flow.objects.get(member=child)
    assert changed.flow_id != before[changed.pk] and changed.state == Flow.State.READY
    stamps = list(Flow.objects.order_by("generated_at").values_list("generated_at", flat=True))
    assert len(set(stamps)) == len(stamps)  # each flow its own ts_flusso


def test_the_region_is_required_for_a_resident_in_italy(world):
    """Specifica tecnica v2.0.1, Allegato C §6.1, Tabella 15: CodiceRegioneResidenza becomes required when the
    nation is 380 (the XSD leaves it optional)."""
    make_ente(world.ambito, region="")
    give_sedt_code()
    family = sinba_family(world)
    services.generate(world.ambito, now=NOW)
    flow = Flow.objects.get(family=family)
    assert flow.state == Flow.State.INVALID
    assert flow.errors[0]["field"] == "CodiceRegioneResidenza"
    assert "Allegato C" in flow.errors[0]["reason"]


def test_missing_case_data_are_listed_field_by_field_in_italian(world):
    make_ente(world.ambito)
    give_sedt_code()
    family = sinba_family(world)
    family.members.filter(kind=Member.Kind.MINORE).update(sinba_school="", sinba_disability="")
    Referral.objects.filter(family=family).update(source=Referral.Source.ALTRO)
    services.generate(world.ambito, now=NOW)
    flow = Flow.objects.get(family=family)
    assert [e["field"] for e in flow.errors] == ["ScuolaFrequentata", "Disabilita", "FonteSegnalazione"]
    Referral.objects.filter(family=family).update(sinba_source="8")
    family.members.filter(kind=Member.Kind.MINORE).update(sinba_school="4", sinba_disability="2")
    services.generate(world.ambito, now=NOW)
    assert Flow.objects.get(family=family).state == Flow.State.READY


def test_without_an_ente_every_flow_says_so(world):
    give_sedt_code()
    family = sinba_family(world)
    services.generate(world.ambito, now=NOW)
    assert Flow.objects.get(family=family).errors[0]["field"] == "Ente"


def test_the_xsd_itself_refuses_what_the_record_lets_through(world, ready):
    """The XSD is the contract: a value it does not allow is caught by the validation, with the field."""
    services.generate(world.ambito, now=NOW)
    document = services.xml_file(Flow.objects.filter(family=ready).first()).replace('LuogoVita="1"', 'LuogoVita="9"')
    problems = xml.problems(document)
    assert [field for field, _reason in problems] == ["LuogoVita"]
    assert problems[0][1].startswith("Non conforme al tracciato SINBA.xsd")


def test_the_code_lists_are_the_xsd_s_with_italian_labels():
    schema = xmlschema.XMLSchema(str(sinba_codes.XSD_PATH))
    living = schema.types["LuogoVitaType"]
    assert [value for value, _label in sinba_codes.luogo_vita()] == list(living.enumeration)
    assert sinba_codes.luogo_vita()[0] == ("1", "Nella sua famiglia")
    assert sinba_codes.disabilita() == [("1", "Sì"), ("2", "No")]
