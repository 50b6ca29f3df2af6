""" "Invia di nuovo": a flow INPS refused, or sent without an outcome for SINBA_RESEND_AFTER_DAYS days, is ready
again under a new id_flusso (the day's next number); the old one is kept with its outcome; the resend is written in
the access log; nothing else can be sent again. And the page's counts follow the states, each of them reached."""

import datetime
import hashlib
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from families.models import AccessLog, Member
from sinba import services, xml
from sinba.models import Flow

from .conftest import give_sedt_code, make_ente, sinba_family
from .test_eservice import TOKEN

pytestmark = pytest.mark.django_db
WAAS = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def udp(world, client_for):
    make_ente(world.ambito, eservice_token_hash=hashlib.sha256(TOKEN.encode()).hexdigest())
    give_sedt_code()
    return client_for(world.users.ufficio_piano)


def poll(since=0) -> list[dict]:
    response = Client().get("/sinba/waas/I625/flussi", {"since": since}, headers=WAAS)
    assert response.status_code == 200
    return response.json()["elenco_flussi"]


def post_outcomes(*outcomes: tuple[dict, str]) -> None:
    body = {
        "elenco_esiti": [
            {
                "id_flusso": entry["id_flusso"],
                "tipo": "SINBA",
                "ts_flusso": entry["ts_flusso"],
                "ts_acquisizione": "2026-12-03T11:00:00.000Z",
                "codice_esito": code,
                **({"id_acquisizione_siuss": "4711"} if code == "OK" else {"descrizione_esito": "Dato incoerente"}),
            }
            for entry, code in outcomes
        ]
    }
    response = Client().post("/sinba/waas/I625/esiti", json.dumps(body), "application/json", headers=WAAS)
    assert response.status_code == 204


def counts(client, world) -> dict:
    page = client.get(reverse("sinba:flows", args=[world.ambito.pk]))
    return {value: count for value, _label, count in page.context["states"]}


def resend(client, world, flow):
    return client.post(reverse("sinba:resend", args=[world.ambito.pk, flow.pk]), follow=True)


def test_every_state_is_reached_and_counted_after_outcomes_posted_through_the_e_service(world, udp):
    sinba_family(world, children=3)
    gap = sinba_family(world)
    gap.members.filter(kind=Member.Kind.MINORE).update(sinba_living_place="")
    services.generate(world.ambito)
    assert counts(udp, world) == {"ready": 3, "invalid": 1, "sent": 0, "accepted": 0, "refused": 0}
    offered = poll()
    assert len(offered) == 3
    assert counts(udp, world) == {"ready": 0, "invalid": 1, "sent": 3, "accepted": 0, "refused": 0}
    post_outcomes((offered[0], "OK"), (offered[1], "RICHIESTA_INVALIDA"))
    assert counts(udp, world) == {"ready": 0, "invalid": 1, "sent": 1, "accepted": 1, "refused": 1}
    refused = Flow.objects.get(flow_id=offered[1]["id_flusso"])
    resend(udp, world, refused)
    assert counts(udp, world) == {"ready": 1, "invalid": 1, "sent": 1, "accepted": 1, "refused": 0}


def test_a_refused_flow_is_offered_again_under_a_new_id_and_the_old_one_keeps_its_outcome(world, udp):
    family = sinba_family(world)
    services.generate(world.ambito)
    first = poll()[0]
    post_outcomes((first, "RICHIESTA_INVALIDA"))
    flow = Flow.objects.get(flow_id=first["id_flusso"])
    page = udp.get(reverse("sinba:flows", args=[world.ambito.pk])).content.decode()
    assert "Invia di nuovo" in page
    response = resend(udp, world, flow)
    assert response.status_code == 200
    current = Flow.objects.get(superseded_by__isnull=True)
    old = Flow.objects.get(superseded_by=current)
    assert current.pk == flow.pk and old.flow_id == first["id_flusso"]
    assert (old.state, old.outcome_code, old.outcome_detail) == (
        Flow.State.REFUSED,
        "RICHIESTA_INVALIDA",
        "Dato incoerente",
    )
    assert current.state == Flow.State.READY and current.flow_id != old.flow_id
    # The day's next number, in the specification's form; the XML names it and still validates.
    ente_day = first["id_flusso"].rsplit(".", 1)[0]
    assert current.flow_id.rsplit(".", 1)[0] == ente_day
    assert int(current.flow_id.rsplit(".", 1)[1]) == int(old.flow_id.rsplit(".", 1)[1]) + 1
    assert f'Nome="{current.flow_id}"' in current.xml and old.flow_id not in current.xml
    xml.schema().validate(services.xml_file(current))
    text = response.content.decode()
    assert f"sarà inviato di nuovo come {current.flow_id}" in text and f"Sostituisce {old.flow_id}" in text
    # INPS's next poll (after the last flow it took) finds the new one, and only it.
    last = int(datetime.datetime.fromisoformat(first["ts_flusso"].replace("Z", "+00:00")).timestamp() * 1000)
    again = poll(last)
    assert [e["id_flusso"] for e in again] == [current.flow_id]
    # Written in the access log, pseudonymised, for the family.
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, path__contains="invia-di-nuovo")
    assert list(logged.values_list("family_id", "identities_shown")) == [(family.pk, False)]
    # A later outcome about the old id is still stored on the old flow.
    post_outcomes((first, "ERRORE_GENERICO"))
    assert Flow.objects.get(pk=old.pk).outcome_code == "ERRORE_GENERICO"
    # Generating again with unchanged data keeps the new id; the old flow stays.
    services.generate(world.ambito)
    assert Flow.objects.get(pk=current.pk).flow_id == current.flow_id and Flow.objects.count() == 2


def test_a_flow_sent_long_ago_without_an_outcome_may_go_again_a_recent_one_not(world, udp, settings):
    settings.SINBA_RESEND_AFTER_DAYS = 30
    sinba_family(world, children=2)
    services.generate(world.ambito)
    poll()
    old, recent = Flow.objects.order_by("pk")
    Flow.objects.filter(pk=old.pk).update(sent_at=timezone.now() - datetime.timedelta(days=31))
    Flow.objects.filter(pk=recent.pk).update(sent_at=timezone.now() - datetime.timedelta(days=29))
    assert services.resendable(Flow.objects.get(pk=old.pk))
    assert not services.resendable(Flow.objects.get(pk=recent.pk))
    resend(udp, world, old)
    assert Flow.objects.get(pk=old.pk).state == Flow.State.READY
    response = resend(udp, world, recent)
    assert "almeno 30 giorni senza esito" in response.content.decode()
    assert Flow.objects.get(pk=recent.pk).state == Flow.State.SENT and Flow.objects.count() == 3


@pytest.mark.parametrize("state", [Flow.State.READY, Flow.State.ACCEPTED, Flow.State.INVALID])
def test_other_states_are_not_sent_again(world, udp, state):
    family = sinba_family(world)
    if state == Flow.State.INVALID:
        family.members.filter(kind=Member.Kind.MINORE).update(sinba_school="")
    services.generate(world.ambito)
    flow = Flow.objects.get()
    if state == Flow.State.ACCEPTED:
        post_outcomes((poll()[0], "OK"))
    before = Flow.objects.values_list("state", "flow_id").get()
    response = resend(udp, world, flow)
    assert "Si invia di nuovo solo un flusso rifiutato" in response.content.decode()
    assert Flow.objects.values_list("state", "flow_id").get() == before
    assert not AccessLog.objects.filter(path__contains="invia-di-nuovo").exists()


def test_the_resend_is_post_only_and_scoped(world, udp, client_for):
    sinba_family(world)
    services.generate(world.ambito)
    post_outcomes((poll()[0], "RICHIESTA_INVALIDA"))
    flow = Flow.objects.get()
    url = reverse("sinba:resend", args=[world.ambito.pk, flow.pk])
    assert udp.get(url).status_code == 405
    # The other ambito's page does not reach this flow; another role of the ambito may not resend.
    assert client_for(world.other.ufficio_piano).post(url).status_code == 404
    other_url = reverse("sinba:resend", args=[world.other.ambito.pk, flow.pk])
    assert client_for(world.other.ufficio_piano).post(other_url).status_code == 404
    assert client_for(world.users.case_manager).post(url).status_code == 403
    assert Flow.objects.get().state == Flow.State.REFUSED
    # A superseded flow cannot be sent again a second time.
    resend(udp, world, flow)
    old = Flow.objects.exclude(superseded_by=None).get()
    assert udp.post(reverse("sinba:resend", args=[world.ambito.pk, old.pk])).status_code == 404


def test_the_page_makes_as_many_queries_with_1_and_30_flows_sent_again(world, udp, count_queries):
    url = reverse("sinba:flows", args=[world.ambito.pk])
    sinba_family(world)
    services.generate(world.ambito)
    post_outcomes(*((entry, "RICHIESTA_INVALIDA") for entry in poll()))
    resend(udp, world, Flow.objects.get())
    with_one = count_queries(lambda: udp.get(url))
    for _ in range(10):
        sinba_family(world, children=3)
    services.generate(world.ambito)
    offered = Client().get("/sinba/waas/I625/flussi", {"since": 0, "limit": 100}, headers=WAAS).json()
    post_outcomes(*((entry, "RICHIESTA_INVALIDA") for entry in offered["elenco_flussi"]))
    for flow in Flow.objects.filter(state=Flow.State.REFUSED, superseded_by__isnull=True):
        resend(udp, world, flow)
    # 31 flows refused and sent again, the first one twice.
    assert Flow.objects.filter(superseded_by__isnull=False).count() == 32
    with_thirty = count_queries(lambda: udp.get(url))
    assert with_one == with_thirty <= 12, (with_one, with_thirty)
