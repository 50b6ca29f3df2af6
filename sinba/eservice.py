"""The WaaS e-service of the ente (third_party/inps-waas-comuni/api-comuni.yaml): INPS polls `GET /flussi`,
posts the outcomes to `POST /esiti`, checks `GET /status`.

PDND vouchers are validated by the ente's gateway, in front of the portal; the portal accepts a call only by the
mechanism SINBA_AUTH names: "token", the ente's own token (`Authorization: Bearer …`, its SHA-256 kept on the Ente,
set with `manage.py sinba_token`), or "client-cert", the gateway's client certificate as the TLS proxy verified it
and forwards it (SINBA_CLIENT_CERT_HEADER: its SHA-256 fingerprint; SINBA_CLIENT_CERT_SUBJECT_HEADER: its subject),
compared with the ente's.
Every call is logged (EserviceCall). Errors are application/problem+json, as the document says."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import services
from .models import Ente, EserviceCall, Flow

PROBLEM = "application/problem+json"
#: The flows the e-service offers: the valid ones (a refused flow comes back once its content changes).
OFFERED = (Flow.State.READY, Flow.State.SENT, Flow.State.ACCEPTED, Flow.State.REFUSED)
OUTCOMES = {"OK", "DATI_NON_TROVATI", "RICHIESTA_INVALIDA", "ERRORE_GENERICO"}
MAX_LIMIT = 100
MAX_SINCE = 2**63 - 1  # int64, the format of UnixTimestamp (its maximum, 1e20, is beyond it)


def problem(status: int, title: str, detail: str = "") -> HttpResponse:
    body = {"status": status, "title": title, **({"detail": detail} if detail else {})}
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)


def unauthorised() -> HttpResponse:
    """The 401 of the document (components/responses/401Unauthorized: a Problem)."""
    if settings.SINBA_AUTH == "client-cert":
        return problem(401, "Non autorizzato", "Certificato client mancante o non valido per questo ente.")
    return problem(401, "Non autorizzato", "Token mancante o non valido per questo ente.")


def fingerprint(text: str) -> str:
    """A SHA-256 fingerprint as 64 lowercase hex digits, whether the proxy writes it with colons or not."""
    return text.replace(":", "").strip().lower()


def _token_matches(request, ente: Ente) -> bool:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    if not ente.eservice_token_hash or not token:
        return False
    digest = hashlib.sha256(token.encode()).hexdigest()
    return hmac.compare_digest(digest, ente.eservice_token_hash)


def _certificate_matches(request, ente: Ente) -> bool:
    """Every part of the certificate the ente names must match what the proxy forwards; naming none closes it."""
    if not ente.eservice_cert_fingerprint and not ente.eservice_cert_subject:
        return False
    if ente.eservice_cert_fingerprint:
        given = fingerprint(request.headers.get(settings.SINBA_CLIENT_CERT_HEADER, ""))
        if not given or not hmac.compare_digest(given, fingerprint(ente.eservice_cert_fingerprint)):
            return False
    if ente.eservice_cert_subject:
        given = request.headers.get(settings.SINBA_CLIENT_CERT_SUBJECT_HEADER, "").strip()
        if not given or not hmac.compare_digest(given.encode(), ente.eservice_cert_subject.strip().encode()):
            return False
    return True


def _authorised(request, code: str) -> Ente | None:
    checks = {"token": _token_matches, "client-cert": _certificate_matches}
    check = checks.get(settings.SINBA_AUTH)
    ente = Ente.objects.filter(code=code).first()
    if ente is None or check is None:  # an unknown mechanism refuses every call
        return None
    return ente if check(request, ente) else None


def _log(ente: Ente, operation: str, request, response: HttpResponse, flows: int = 0) -> HttpResponse:
    EserviceCall.objects.create(
        ente=ente,
        operation=operation,
        query=request.META.get("QUERY_STRING", "")[:200],
        status=response.status_code,
        flows=flows,
    )
    return response


def ts_ms(at: datetime.datetime) -> int:
    return int(at.timestamp() * 1000)


def iso(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _integer(text: str | None, *, default: int | None, low: int, high: int) -> int | None:
    if text is None or text == "":
        return default
    if not text.isdigit():
        raise ValueError(text)
    value = int(text)
    if not low <= value <= high:
        raise ValueError(text)
    return value


@login_not_required
@csrf_exempt
@require_GET
def flussi(request, code: str):
    ente = _authorised(request, code)
    if ente is None:
        return unauthorised()
    try:
        since = _integer(request.GET.get("since"), default=None, low=0, high=MAX_SINCE)
        limit = _integer(request.GET.get("limit"), default=10, low=0, high=MAX_LIMIT)
    except ValueError:
        return _log(
            ente,
            "flussi",
            request,
            problem(400, "Richiesta non valida", "since e limit sono interi: since ≥ 0, 0 ≤ limit ≤ 100."),
        )
    if since is None:
        return _log(ente, "flussi", request, problem(400, "Richiesta non valida", "Il parametro since è obbligatorio."))
    try:
        after = datetime.datetime.fromtimestamp(since / 1000, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):  # beyond the year 9999: nothing can be newer
        return _log(ente, "flussi", request, JsonResponse({"elenco_flussi": []}))
    with transaction.atomic():
        chosen = list(
            Flow.objects.select_for_update()
            .filter(
                ambito_id=ente.ambito_id,
                state__in=OFFERED,
                superseded_by__isnull=True,
                generated_at__gte=after + datetime.timedelta(milliseconds=1),
            )
            .order_by("generated_at", "flow_id")[:limit]
        )
        now = timezone.now()
        Flow.objects.filter(pk__in=[f.pk for f in chosen if f.state == Flow.State.READY]).update(
            state=Flow.State.SENT, sent_at=now
        )
    entries = [
        {
            "codice_ente": ente.code,
            "denominazione_ente": ente.name,
            "id_flusso": flow.flow_id,
            "ts_flusso": iso(flow.generated_at),
            "tipo": "SINBA",
            "flusso": base64.b64encode(services.xml_file(flow).encode()).decode("ascii"),
        }
        for flow in chosen
    ]
    return _log(ente, "flussi", request, JsonResponse({"elenco_flussi": entries}), flows=len(entries))


@login_not_required
@csrf_exempt
@require_POST
def esiti(request, code: str):
    ente = _authorised(request, code)
    if ente is None:
        return unauthorised()
    try:
        body = json.loads(request.body)
        outcomes = body["elenco_esiti"]
        if not isinstance(outcomes, list) or len(outcomes) > MAX_LIMIT:
            raise ValueError("elenco_esiti")
        parsed = []
        for item in outcomes:
            if item["codice_esito"] not in OUTCOMES or not isinstance(item["id_flusso"], str):
                raise ValueError("codice_esito")
            at = datetime.datetime.fromisoformat(str(item["ts_acquisizione"]).replace("Z", "+00:00"))
            datetime.datetime.fromisoformat(str(item["ts_flusso"]).replace("Z", "+00:00"))
            if not isinstance(item["tipo"], str):
                raise ValueError("tipo")
            parsed.append((item, at if at.tzinfo else timezone.make_aware(at)))
    except (ValueError, KeyError, TypeError, AttributeError):
        return _log(
            ente, "esiti", request, problem(400, "Richiesta non valida", "Il corpo non è un ElencoEsiti valido.")
        )
    stored = 0
    with transaction.atomic():
        for item, at in parsed:
            if item["tipo"] != "SINBA":
                continue
            flow = services.record_outcome(
                ente,
                item["id_flusso"],
                item["codice_esito"],
                str(item.get("descrizione_esito", ""))[:2000],
                str(item.get("id_acquisizione_siuss", ""))[:64],
                at,
            )
            stored += flow is not None
    return _log(ente, "esiti", request, HttpResponse(status=204), flows=stored)


@login_not_required
@csrf_exempt
@require_GET
def status(request, code: str):
    ente = _authorised(request, code)
    if ente is None:
        return unauthorised()
    return _log(ente, "status", request, problem(200, "OK", "Il servizio funziona correttamente."))
