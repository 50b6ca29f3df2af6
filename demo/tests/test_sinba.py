"""The demo's SINBA return: every flow generated from the demo's families validates against the vendored XSD and
holds no name, codice fiscale or address; what stays invalid is what the demo means to show: the services whose
SIUSS code nobody has verified, and the one Seregno family with no school recorded."""

import re

import pytest

from demo.sinba import ENTI, gap_family
from equipes.models import Ambito
from families.models import Member, Placement
from sinba import services, xml
from sinba.models import Flow

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


@pytest.fixture(autouse=True)
def _sinba_key(settings):
    settings.SINBA_ID_KEY = "test-only-sinba-beneficiary-id-key"


@pytest.fixture
def flows(seeded_demo):
    for ambito in Ambito.objects.filter(code__in=ENTI):
        services.generate(ambito)
    return Flow.objects.select_related("intervention_type")


def test_every_demo_flow_validates_and_only_the_meant_gaps_remain(flows):
    ready = [f for f in flows if f.state == Flow.State.READY]
    assert len(ready) > 100
    for flow in ready:
        xml.schema().validate(services.xml_file(flow))
    gap = gap_family(Ambito.objects.get(code="SER"))
    for flow in flows.filter(state=Flow.State.INVALID):
        fields = {error["field"] for error in flow.errors}
        if flow.family_id == gap.pk:
            assert "ScuolaFrequentata" in fields
        else:
            assert fields == {"CodicePrestazione"}, (flow.family_id, flow.errors)
            assert flow.intervention_type.code != "sedt"
    assert {f.family_id for f in flows if any(e["field"] != "CodicePrestazione" for e in f.errors)} == {gap.pk}
    # The optional details the demo records reach the flows.
    documents = "".join(flow.xml for flow in ready)
    for name in ("TitoloStudioMadre", "OccupazioneMadre", "CodiceRegioneResidenzaMadre", "FasciaISEEBeneficiario"):
        assert f'{name}="' in documents, name


def test_the_demo_placements_reach_valid_flows(flows):
    """One family's children in foster care, one child back home from a residential placement: their flows are
    ready, valid, and carry the placement's codes (the outcome only for the ended one)."""
    placed = Placement.objects.filter(member__family__ambito__code="SER")
    assert {p.kind for p in placed} == {Placement.Kind.AFFIDO, Placement.Kind.RESIDENZIALE}
    for placement in placed:
        ready = flows.filter(member=placement.member, state=Flow.State.READY)
        assert ready, placement
        for flow in ready:
            xml.schema().validate(services.xml_file(flow))
            if placement.kind == Placement.Kind.AFFIDO:
                assert 'FormaInterventoAffido="' in flow.xml and "EsitoAffido" not in flow.xml
            else:
                assert 'EsitoInserimentoStruttura="1"' in flow.xml and 'TipoInserimentoResidenziale="1"' in flow.xml


def test_no_demo_flow_holds_a_name_a_codice_fiscale_or_an_address(flows):
    documents = "\n".join(services.xml_file(f) for f in flows.filter(state=Flow.State.READY)).lower()
    members = Member.objects.filter(family__in=flows.values("family_id")).select_related("family")
    for member in members:
        for secret in (member.first_name, member.last_name, member.codice_fiscale, member.family.address):
            if secret:  # as a word: a first name such as "Isa" is inside "Disabilita"
                assert not re.search(rf"\b{re.escape(secret.lower())}\b", documents), secret
