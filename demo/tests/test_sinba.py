"""The demo's SINBA return (issue 18: "the demo's families have what the return needs; their SINBA flows validate;
one family with a missing field shows how a gap is reported"): every flow generated from the demo validates
against the vendored XSD and holds no name, codice fiscale or address, but those of the one Seregno family with no
school recorded, whose gap the Ufficio di Piano's page and the family's panel show. The services whose SIUSS code
nobody has verified make no flow and are listed apart."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.sinba import ENTI, gap_family
from equipes.models import Ambito, Role, User
from families.models import Family, Member, Placement
from families.sinba_gaps import child_panels
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


@pytest.fixture
def gap():
    return gap_family(Ambito.objects.get(code="SER"))


def test_every_demo_flow_validates_but_the_gap_family_s(flows, gap):
    ready = [f for f in flows if f.state == Flow.State.READY]
    assert len(ready) > 100
    for flow in ready:
        xml.schema().validate(services.xml_file(flow))
    invalid = list(flows.filter(state=Flow.State.INVALID))
    assert invalid and {flow.family_id for flow in invalid} == {gap.pk}
    for flow in invalid:  # one missing field, nothing else
        assert [error["field"] for error in flow.errors] == ["ScuolaFrequentata"], flow.errors
    assert Flow.objects.filter(family=gap, state=Flow.State.READY).count() == 0
    # Only the service with a verified code has flows; the others are listed, not sent.
    assert {f.intervention_type.code for f in flows} == {"sedt"}
    uncoded = [r for ambito in Ambito.objects.filter(code__in=ENTI) for r in services.uncoded_records(ambito)]
    assert uncoded and all(r.service != "SEDT" for r in uncoded)


def test_the_optional_details_the_demo_records_reach_the_flows(flows):
    documents = "".join(flow.xml for flow in flows.filter(state=Flow.State.READY))
    for name in (
        "TitoloStudioMadre",
        "OccupazioneMadre",
        "CodiceRegioneResidenzaMadre",
        "FasciaISEEBeneficiario",
        "CodiceCittadinanzaMadre",
        "CollaborazioniInterventi",
    ):
        assert f'{name}="' in documents, name
    assert 'CodiceCittadinanzaMadre="380"' in documents and 'CodiceCittadinanzaMadre="504"' in documents
    assert 'TipoDisabilita="2"' in documents and 'InvCivCertificazioni="4"' in documents


def test_the_gap_shows_on_the_family_s_panel_and_on_the_page(flows, gap, client):
    today = timezone.localdate()
    minors = {m.pk: str(m.pk) for m in gap.members.filter(kind=Member.Kind.MINORE)}
    panels = child_panels(Family.objects.select_related("referral").get(pk=gap.pk), minors, can_change=True, on=today)
    assert panels and all(
        [g.field for g in panel.gaps] == ["ScuolaFrequentata"] for panel in panels if not panel.adult
    ), panels
    # A family whose flows are ready has nothing missing on its panel.
    complete = Family.objects.select_related("referral").get(pk=flows.filter(state=Flow.State.READY)[0].family_id)
    minors = {m.pk: str(m.pk) for m in complete.members.filter(kind=Member.Kind.MINORE)}
    assert all(not p.gaps for p in child_panels(complete, minors, can_change=True, on=today))
    udp = User.objects.filter(role=Role.UFFICIO_PIANO, ambito__code="SER", is_active=True).first()
    client.force_login(udp)
    page = client.get(reverse("sinba:flows", args=[gap.ambito_id]), {"stato": "invalid"})
    text = page.content.decode()
    assert gap.code in text and "ScuolaFrequentata" in text and "Manca la scuola frequentata dal minore." in text
    assert "Senza flusso: codice prestazione da verificare" in text
    assert {f.family_id for f in page.context["page"]} == {gap.pk}


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
