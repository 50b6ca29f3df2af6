"""A service whose catalogue intervention has no verified SIUSS code makes no flow (issue 18: "a record whose
service has no code is reported, not invented"): the Ufficio di Piano's page lists the child and the service as
"codice prestazione da verificare" in a section of its own, apart from the invalid flows; the ZIP and the
e-service never carry them."""

import datetime
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from families.models import Member
from interventions.models import Intervention, InterventionType
from sinba import services
from sinba.models import Flow, ServiceCode
from tests import factories as f

from .conftest import give_sedt_code, make_ente, sedt_type, sinba_family

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
TOKEN = "token-di-prova-del-gateway"


def uncoded_type() -> InterventionType:
    return InterventionType.objects.filter(ambito__isnull=True).for_families().exclude(code="sedt").first()


def give(family, intervention_type) -> None:
    Intervention.objects.create(
        family=family, type=intervention_type, start_date=datetime.date(2024, 3, 18), planned_hours_per_week=Decimal(2)
    )


@pytest.fixture
def mixed(world):
    """A family of two children with the SEDT (coded) and a service nobody has coded."""
    make_ente(world.ambito, eservice_token_hash=hashlib.sha256(TOKEN.encode()).hexdigest())
    give_sedt_code()
    family = sinba_family(world, children=2)
    give(family, uncoded_type())
    return family


def test_a_service_without_a_code_makes_no_flow_and_is_listed(world, mixed):
    summary = services.generate(world.ambito, now=NOW)
    assert (summary.created, summary.uncoded) == (2, 2)
    assert set(Flow.objects.values_list("intervention_type_id", flat=True)) == {sedt_type().pk}
    assert not Flow.objects.filter(state=Flow.State.INVALID).exists()
    listed = services.uncoded_records(world.ambito)
    assert [(r.family_id, r.service) for r in listed] == [(mixed.pk, uncoded_type().name)] * 2
    # The child is named as in its flows: the same IDBeneficiario, never a name.
    assert {r.beneficiary_id for r in listed} == set(Flow.objects.values_list("beneficiary_id", flat=True))


def test_a_flow_whose_service_loses_its_code_is_removed(world, mixed):
    services.generate(world.ambito, now=NOW)
    ServiceCode.objects.filter(intervention_type=sedt_type()).update(code="", source="")
    summary = services.generate(world.ambito, now=NOW + datetime.timedelta(hours=1))
    assert (summary.removed, summary.uncoded) == (2, 4)
    assert not Flow.objects.exists()
    assert len(services.uncoded_records(world.ambito)) == 4


def test_a_minor_of_a_family_without_the_uncoded_service_is_not_listed(world, mixed):
    other = sinba_family(world)
    services.generate(world.ambito, now=NOW)
    assert other.pk not in {r.family_id for r in services.uncoded_records(world.ambito)}
    assert Flow.objects.filter(family=other, state=Flow.State.READY).count() == 1


def test_the_page_lists_them_apart_with_their_count_and_no_name(world, mixed, client_for):
    udp = client_for(world.users.ufficio_piano)
    assert udp.post(reverse("sinba:generate", args=[world.ambito.pk])).status_code == 302
    page = udp.get(reverse("sinba:flows", args=[world.ambito.pk]))
    states = {value: count for value, _label, count in page.context["states"]}
    assert states["invalid"] == 0 and page.context["total"] == 2
    assert len(page.context["uncoded"]) == 2
    text = page.content.decode()
    assert "Senza flusso: codice prestazione da verificare" in text
    assert text.count("<td>codice prestazione da verificare</td>") == 2
    assert uncoded_type().name in text
    for member in Member.objects.filter(family=mixed):
        assert member.first_name not in text and member.last_name not in text


def test_the_zip_and_the_e_service_never_carry_them(world, mixed, client_for):
    services.generate(world.ambito, now=NOW)
    udp = client_for(world.users.ufficio_piano)
    response = udp.get(reverse("sinba:download", args=[world.ambito.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = {name.removesuffix(".xml") for name in archive.namelist()}
    assert names == set(Flow.objects.values_list("flow_id", flat=True)) and len(names) == 2
    answer = Client().get("/sinba/waas/I625/flussi", {"since": 0}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert {e["id_flusso"] for e in answer.json()["elenco_flussi"]} == names


def test_the_page_makes_as_many_queries_at_1_and_30_uncoded_records(world, client_for, count_queries):
    make_ente(world.ambito)
    give_sedt_code()
    udp = client_for(world.users.ufficio_piano)
    url = reverse("sinba:flows", args=[world.ambito.pk])
    give(sinba_family(world), uncoded_type())
    with_one = count_queries(lambda: udp.get(url))
    for _ in range(10):
        give(sinba_family(world, children=3), uncoded_type())
    assert len(services.uncoded_records(world.ambito)) == 31
    with_thirty = count_queries(lambda: udp.get(url))
    assert with_one == with_thirty <= 12, (with_one, with_thirty)


def test_another_ambito_s_records_are_neither_listed_nor_shown(world, mixed, client_for):
    other = world.other
    theirs = f.make_family(
        world,
        case_manager=other.outsider,
        comune=other.comune,
        equipe=other.equipe,
        implementation=other.implementation,
    )
    give(theirs, uncoded_type())
    assert {r.family_id for r in services.uncoded_records(world.ambito)} == {mixed.pk}
    assert {r.family_id for r in services.uncoded_records(other.ambito)} == {theirs.pk}
    outsider = client_for(other.ufficio_piano)
    assert outsider.get(reverse("sinba:flows", args=[world.ambito.pk])).status_code == 404
    text = outsider.get(reverse("sinba:flows", args=[other.ambito.pk])).content.decode()
    assert theirs.code in text and mixed.code not in text
