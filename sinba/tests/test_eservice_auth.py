"""How the e-service knows the ente's gateway (SINBA_AUTH): its bearer token, or the client certificate that the
TLS proxy verified and forwards in two headers (SHA-256 fingerprint and subject). Either way a refused call is a
401 whose body is the document's Problem (components/responses/401Unauthorized), and an accepted one matches the
vendored OpenAPI document; both checked with openapi-core."""

import hashlib
import json

import pytest
from django.test import Client
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.validation.schemas import oas30_read_schema_validators_factory

from sinba import services
from sinba.models import EserviceCall, Flow

from .conftest import give_sedt_code, make_ente, sinba_family
from .test_eservice import NOW, TOKEN, openapi  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
FINGERPRINT = hashlib.sha256(b"certificato del gateway di prova").hexdigest()
SUBJECT = "CN=gateway-waas.comune-capofila.example,O=Comune capofila,C=IT"
#: The PDND voucher the gateway validated and forwards: the document's security asks for one on /flussi.
VOUCHER = "eyJhbGciOiJSUzI1NiJ9.voucher-di-prova.firma"


@pytest.fixture
def ente(world):
    ente = make_ente(
        world.ambito,
        eservice_token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(),
        eservice_cert_fingerprint=":".join(FINGERPRINT[i : i + 2].upper() for i in range(0, 64, 2)),
        eservice_cert_subject=SUBJECT,
    )
    give_sedt_code()
    sinba_family(world, children=2)
    services.generate(world.ambito, now=NOW)
    return ente


@pytest.fixture
def client_cert(settings):
    settings.SINBA_AUTH = "client-cert"
    settings.SINBA_CLIENT_CERT_HEADER = "X-SSL-Client-SHA256"
    settings.SINBA_CLIENT_CERT_SUBJECT_HEADER = "X-SSL-Client-S-DN"


def certificate(fingerprint=FINGERPRINT, subject=SUBJECT) -> dict:
    headers = {"Authorization": f"Bearer {VOUCHER}"}
    if fingerprint is not None:
        headers["X-SSL-Client-SHA256"] = fingerprint
    if subject is not None:
        headers["X-SSL-Client-S-DN"] = subject
    return headers


def send(openapi, path: str, headers: dict):  # noqa: F811
    client = Client()
    if path == "esiti":
        response = client.post(
            "/sinba/waas/I625/esiti", json.dumps({"elenco_esiti": []}), "application/json", headers=headers
        )
    else:
        response = client.get(f"/sinba/waas/I625/{path}", {"since": 0} if path == "flussi" else {}, headers=headers)
    return response


def assert_problem_401(openapi, response):  # noqa: F811
    """The document declares the 401 as a Problem (components/responses/401Unauthorized); /esiti and /status take
    it through their `default` response, /flussi lists no 401, so its body is checked against that component."""
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    request = DjangoOpenAPIRequest(response.wsgi_request)
    if request.path.endswith("/flussi"):
        schema = openapi.spec / "components" / "responses" / "401Unauthorized" / "content"
        schema = schema / "application/problem+json" / "schema"
        oas30_read_schema_validators_factory.create(openapi.spec, schema).validate(response.json())
    else:
        openapi.validate_response(request, DjangoOpenAPIResponse(response))
    assert response.json()["status"] == 401


def test_with_the_token_mechanism_a_certificate_alone_is_refused(openapi, ente):  # noqa: F811
    for path in ("flussi", "esiti", "status"):
        assert_problem_401(openapi, send(openapi, path, certificate()))
    assert set(Flow.objects.values_list("state", flat=True)) == {Flow.State.READY}


def test_with_the_certificate_mechanism_the_proxy_s_headers_open_the_e_service(openapi, ente, client_cert):  # noqa: F811
    response = send(openapi, "flussi", certificate())
    request = DjangoOpenAPIRequest(response.wsgi_request)
    openapi.validate_request(request)
    openapi.validate_response(request, DjangoOpenAPIResponse(response))
    assert len(response.json()["elenco_flussi"]) == 2
    assert set(Flow.objects.values_list("state", flat=True)) == {Flow.State.SENT}
    for path in ("esiti", "status"):
        response = send(openapi, path, certificate())
        assert response.status_code in (200, 204)
        openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
    assert list(EserviceCall.objects.order_by("at").values_list("operation", "status")) == [
        ("flussi", 200),
        ("esiti", 204),
        ("status", 200),
    ]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(certificate(fingerprint=None, subject=None), id="no-certificate"),
        pytest.param(certificate(fingerprint=hashlib.sha256(b"altro").hexdigest()), id="another-certificate"),
        pytest.param(certificate(subject="CN=altro,O=Altro ente,C=IT"), id="another-subject"),
        pytest.param(certificate(fingerprint=None), id="subject-only"),
        pytest.param({"Authorization": f"Bearer {TOKEN}"}, id="the-token-instead"),
    ],
)
def test_with_the_certificate_mechanism_anything_else_is_a_401_problem(openapi, ente, client_cert, headers):  # noqa: F811
    for path in ("flussi", "esiti", "status"):
        assert_problem_401(openapi, send(openapi, path, headers))
    assert set(Flow.objects.values_list("state", flat=True)) == {Flow.State.READY}
    assert not EserviceCall.objects.exists()


def test_an_ente_naming_no_certificate_is_closed(openapi, ente, client_cert):  # noqa: F811
    ente.eservice_cert_fingerprint = ente.eservice_cert_subject = ""
    ente.save()
    assert_problem_401(openapi, send(openapi, "status", certificate()))


def test_the_fingerprint_alone_is_enough_when_the_ente_names_no_subject(openapi, ente, client_cert):  # noqa: F811
    ente.eservice_cert_subject = ""
    ente.save()
    assert send(openapi, "status", certificate(subject=None)).status_code == 200


def test_an_unknown_mechanism_refuses_every_call(openapi, ente, settings):  # noqa: F811
    settings.SINBA_AUTH = "nessuno"
    assert_problem_401(openapi, send(openapi, "status", {"Authorization": f"Bearer {TOKEN}"}))
    assert_problem_401(openapi, send(openapi, "status", certificate()))
