"""The WaaS e-service (GET /flussi, POST /esiti, GET /status) checked against INPS's vendored OpenAPI document with
openapi-core: every request and response of these tests must match it. `since` and `limit` behave as the document
says, the outcomes INPS posts are stored, and nothing answers without the ente's token."""

import base64
import datetime
import hashlib
import json

import pytest
import yaml
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from sinba import services, xml
from sinba.models import EserviceCall, Flow

from .conftest import give_sedt_code, make_ente, sinba_family

pytestmark = pytest.mark.django_db
TOKEN = "token-di-prova-del-gateway"
DOCUMENT = django_settings.BASE_DIR / "third_party" / "inps-waas-comuni" / "api-comuni.yaml"
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def openapi():
    """The vendored document, served where the portal serves the ente I625 (the document's server is an
    example address)."""
    spec = yaml.safe_load(DOCUMENT.read_text())
    spec["servers"] = [{"url": "http://testserver/sinba/waas/{code}", "variables": {"code": {"default": "I625"}}}]
    # `maximum: 1e+20` is a number in YAML 1.2, which the document is written for, and a string to PyYAML (YAML
    # 1.1 wants a dot in a float): read as the document means it.
    timestamp = spec["components"]["schemas"]["UnixTimestamp"]
    timestamp["maximum"] = float(timestamp["maximum"])
    # The problem documents are JSON (RFC 9457): read them as JSON.
    return OpenAPI.from_dict(
        spec, config=Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    )


@pytest.fixture
def ente(world):
    ente = make_ente(world.ambito, eservice_token_hash=hashlib.sha256(TOKEN.encode()).hexdigest())
    give_sedt_code()
    sinba_family(world, children=3)
    services.generate(world.ambito, now=NOW)
    return ente


def call(openapi, method: str, path: str, *, token=TOKEN, **kwargs):
    """The request through the test client, both its request and its response checked against the document."""
    client = Client()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = getattr(client, method)(f"/sinba/waas/I625/{path}", headers=headers, **kwargs)
    request = DjangoOpenAPIRequest(response.wsgi_request)
    if token and response.status_code < 400:
        openapi.validate_request(request)
    openapi.validate_response(request, DjangoOpenAPIResponse(response))
    return response


def test_status_answers_as_the_document_says(openapi, ente):
    response = call(openapi, "get", "status")
    assert response.status_code == 200 and response["Content-Type"] == "application/problem+json"


def test_flussi_gives_the_valid_flows_in_base64_and_marks_them_sent(openapi, ente):
    response = call(openapi, "get", "flussi", data={"since": 0})
    entries = response.json()["elenco_flussi"]
    assert len(entries) == 3 and {e["tipo"] for e in entries} == {"SINBA"}
    for entry in entries:
        document = base64.b64decode(entry["flusso"]).decode()
        xml.schema().validate(document)
        assert entry["codice_ente"] == "I625" and entry["id_flusso"] in document
    assert set(Flow.objects.values_list("state", flat=True)) == {Flow.State.SENT}


def test_since_and_limit_page_through_the_flows_in_order(openapi, ente):
    first = call(openapi, "get", "flussi", data={"since": 0, "limit": 2}).json()["elenco_flussi"]
    assert len(first) == 2
    last = int(datetime.datetime.fromisoformat(first[-1]["ts_flusso"].replace("Z", "+00:00")).timestamp() * 1000)
    rest = call(openapi, "get", "flussi", data={"since": last, "limit": 2}).json()["elenco_flussi"]
    assert len(rest) == 1 and rest[0]["id_flusso"] not in {e["id_flusso"] for e in first}
    stamp = int(datetime.datetime.fromisoformat(rest[0]["ts_flusso"].replace("Z", "+00:00")).timestamp() * 1000)
    assert call(openapi, "get", "flussi", data={"since": stamp}).json() == {"elenco_flussi": []}
    # Without limit, at most ten; limit 0 gives none.
    assert len(call(openapi, "get", "flussi", data={"since": 0}).json()["elenco_flussi"]) == 3
    assert call(openapi, "get", "flussi", data={"since": 0, "limit": 0}).json() == {"elenco_flussi": []}
    # A since beyond any date (the largest int64, the format of UnixTimestamp) finds nothing newer.
    assert call(openapi, "get", "flussi", data={"since": 2**63 - 1}).json() == {"elenco_flussi": []}


@pytest.mark.parametrize(
    "query", [{}, {"since": "ieri"}, {"since": -1}, {"since": 0, "limit": 101}, {"since": 0, "limit": "x"}]
)
def test_a_wrong_since_or_limit_is_a_400_problem(openapi, ente, query):
    client = Client()
    response = client.get("/sinba/waas/I625/flussi", query, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))


def test_outcomes_are_stored_and_shown(openapi, ente):
    offered = call(openapi, "get", "flussi", data={"since": 0}).json()["elenco_flussi"]
    accepted, refused = offered[0], offered[1]
    body = {
        "elenco_esiti": [
            {
                "id_flusso": accepted["id_flusso"],
                "tipo": "SINBA",
                "ts_flusso": accepted["ts_flusso"],
                "ts_acquisizione": "2026-12-03T11:00:00.000Z",
                "codice_esito": "OK",
                "id_acquisizione_siuss": "22738",
            },
            {
                "id_flusso": refused["id_flusso"],
                "tipo": "SINBA",
                "ts_flusso": refused["ts_flusso"],
                "ts_acquisizione": "2026-12-03T11:00:00.000Z",
                "codice_esito": "RICHIESTA_INVALIDA",
                "descrizione_esito": "In cooperazione è possibile inviare solo un beneficiario",
            },
        ]
    }
    response = call(openapi, "post", "esiti", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 204
    ok = Flow.objects.get(flow_id=accepted["id_flusso"])
    assert (ok.state, ok.siuss_id) == (Flow.State.ACCEPTED, "22738")
    ko = Flow.objects.get(flow_id=refused["id_flusso"])
    assert ko.state == Flow.State.REFUSED and ko.outcome_code == "RICHIESTA_INVALIDA"
    assert "un beneficiario" in ko.outcome_detail


def test_a_malformed_outcome_is_a_400_problem(openapi, ente):
    response = call(
        openapi,
        "post",
        "esiti",
        data=json.dumps({"elenco_esiti": [{"id_flusso": "x"}]}),
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("token", ["", "sbagliato"])
def test_without_the_ente_s_token_nothing_answers(openapi, ente, token):
    client = Client()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for path in ("flussi?since=0", "status"):
        response = client.get(f"/sinba/waas/I625/{path}", headers=headers)
        assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    response = client.post("/sinba/waas/I625/esiti", "{}", content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert set(Flow.objects.values_list("state", flat=True)) == {Flow.State.READY}


def test_every_call_is_logged(openapi, ente):
    call(openapi, "get", "status")
    call(openapi, "get", "flussi", data={"since": 0, "limit": 2})
    logged = list(EserviceCall.objects.order_by("at").values_list("operation", "status", "flows"))
    assert logged == [("status", 200, 0), ("flussi", 200, 2)]


@given(
    since=st.one_of(st.integers(-(10**25), 10**25).map(str), st.text(max_size=30), st.sampled_from(["\x00", "1e3"])),
    limit=st.one_of(st.integers(-1000, 1000).map(str), st.text(max_size=10)),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hostile_since_and_limit_are_a_400_or_an_answer_never_a_500(ente, since, limit):
    """The endpoint fuzzing cannot send the token: here the e-service's two parameters get hostile values."""
    response = Client(raise_request_exception=False).get(
        "/sinba/waas/I625/flussi", {"since": since, "limit": limit}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code in (200, 400)
