"""Generating the ambito's SINBA flows from the case data, and recording what INPS says of them."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from equipes.models import Ambito
from families.models import Family, Member
from interventions.models import Intervention, InterventionType

from . import records, xml
from .identifiers import beneficiary_id
from .models import Ente, Flow, ServiceCode

PREFIX = "SINBA"


@dataclass
class Summary:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    #: Child and service pairs without a flow: the service has no verified SIUSS code (`uncoded_records`).
    uncoded: int = 0


@dataclass(frozen=True)
class UncodedRecord:
    family_id: int
    family_code: str
    member_id: int
    beneficiary_id: str
    service: str


def uncoded_types():
    """The interventions activated for families (not the ambito's own services) without a verified SIUSS code."""
    return InterventionType.objects.for_families().filter(Q(sinba_code__isnull=True) | Q(sinba_code__code=""))


def uncoded_records(ambito: Ambito) -> list[UncodedRecord]:
    """The records the return would have for a child and a service whose SIUSS code nobody has verified: no flow
    is made for them (a code is never invented), the Ufficio di Piano sees them listed ("codice prestazione da
    verificare"). The same children and services as `generate` (every minor of a family with the service), in
    one query; the child is named by its IDBeneficiario, as in the flows (empty while SINBA_ID_KEY is missing:
    the page still lists them)."""
    rows = (
        Member.objects.filter(
            kind=Member.Kind.MINORE,
            family__ambito=ambito,
            family__interventions__type__in=uncoded_types(),
        )
        .values_list("family_id", "family__code", "pk", "family__interventions__type__name")
        .distinct()
        .order_by("family__code", "pk", "family__interventions__type__name")
    )
    return [
        UncodedRecord(family_id, code, pk, _identifier(ambito, pk), service) for family_id, code, pk, service in rows
    ]


def _identifier(ambito: Ambito, member_pk: int) -> str:
    try:
        return beneficiary_id(ambito.code, member_pk)
    except ImproperlyConfigured:
        return ""


def flow_name(ente: Ente, day: datetime.date, number: int) -> str:
    """`EEEEE.SINBA.AAAAMMGG.NNNNNNN` (Specifica tecnica v2.0.1 §3.2 and Tabella 13): the ente's code, the day of
    creation, the day's progressive number."""
    return f"{ente.code}.{PREFIX}.{day:%Y%m%d}.{number:07d}"


def xml_file(flow: Flow) -> str:
    """The flow as a file: its document after the XML declaration."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + flow.xml


def _first_stamp(ambito: Ambito | int, now: datetime.datetime) -> datetime.datetime:
    """Each flow generated gets its own millisecond (ts_flusso), later than every earlier flow of the ambito: INPS
    asks for the flows after the last one it took (`since`), so no two may share one."""
    last = Flow.objects.filter(ambito=ambito).order_by("-generated_at").values_list("generated_at", flat=True).first()
    return max(now, last + datetime.timedelta(milliseconds=1)) if last else now


def _next_number(ente: Ente, day: datetime.date) -> int:
    prefix = f"{ente.code}.{PREFIX}.{day:%Y%m%d}."
    last = Flow.objects.filter(flow_id__startswith=prefix).order_by("-flow_id").values_list("flow_id", flat=True)
    return int(last[0].rsplit(".", 1)[1]) + 1 if last else 1


def family_services(family_ids) -> dict[int, list[InterventionType]]:
    """The catalogue interventions activated for each family (a service counts once however many times)."""
    by_family: dict[int, dict[int, InterventionType]] = defaultdict(dict)
    interventions = (
        Intervention.objects.filter(family_id__in=family_ids)
        .exclude(type__category=InterventionType.Category.SERVIZIO_AMBITO)
        .select_related("type")
        .order_by("type__name")
    )
    for intervention in interventions:
        by_family[intervention.family_id][intervention.type_id] = intervention.type
    return {pk: list(types.values()) for pk, types in by_family.items()}


@transaction.atomic
def generate(ambito: Ambito, *, now: datetime.datetime | None = None) -> Summary:
    """Build every flow of the ambito again: one per child and service of its families with interventions, when
    the service has a verified SIUSS code (the others have no flow: `uncoded_records`). A flow whose content
    changed gets a new id_flusso and is ready to send again (or invalid, with its reasons); an unchanged one keeps
    its id and state; a flow whose child or service is gone, or whose service lost its code, is removed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ente = Ente.objects.select_for_update().filter(ambito=ambito).first()
    families = list(
        Family.objects.filter(ambito=ambito, interventions__isnull=False)
        .distinct()
        .select_related("referral", "closure")
        .prefetch_related(Prefetch("members", queryset=Member.objects.order_by("pk").prefetch_related("placements")))
        .order_by("pk")
    )
    services = family_services([f.pk for f in families])
    codes = dict(ServiceCode.objects.exclude(code="").values_list("intervention_type_id", "code"))
    existing = {
        (f.member_id, f.intervention_type_id): f for f in Flow.objects.filter(ambito=ambito, superseded_by__isnull=True)
    }
    summary = Summary()
    next_number = _next_number(ente, today) if ente else 1
    stamp = _first_stamp(ambito, now)
    seen = set()
    for family in families:
        referral = getattr(family, "referral", None)
        members = list(family.members.all())
        for child in (m for m in members if m.kind == Member.Kind.MINORE):
            others = [m for m in members if m.pk != child.pk]
            for service in services.get(family.pk, []):
                if not codes.get(service.pk):  # no flow without a verified code: listed by `uncoded_records`
                    summary.uncoded += 1
                    continue
                seen.add((child.pk, service.pk))
                record = records.build(
                    ambito_code=ambito.code,
                    region=ente.region if ente else "",
                    family=family,
                    referral=referral,
                    child=child,
                    others=others,
                    service_code=codes[service.pk],
                    service_name=service.name,
                    on=today,
                )
                if ente is None:
                    record.gaps.insert(
                        0, ("Ente", _("L'ente che invia il ritorno SINBA dell'ambito non è configurato."))
                    )
                content = repr((sorted(record.attributes.items()), record.composition, record.services, record.gaps))
                digest = hashlib.sha256(content.encode()).hexdigest()
                flow = existing.get((child.pk, service.pk))
                if flow is not None and flow.content_hash == digest:
                    summary.unchanged += 1
                    continue
                flow = flow or Flow(ambito=ambito, family=family, member=child, intervention_type=service)
                summary.created += flow.pk is None
                summary.changed += flow.pk is not None
                flow.beneficiary_id = record.attributes["IDBeneficiario"]
                flow.content_hash, flow.generated_at = digest, stamp
                stamp += datetime.timedelta(milliseconds=1)
                flow.sent_at, flow.outcome_code, flow.outcome_detail, flow.siuss_id, flow.outcome_at = (
                    None, "", "", "", None,
                )  # fmt: skip
                errors = record.gaps
                document = ""
                if not errors:
                    name = flow_name(ente, today, next_number)
                    document = xml.render(record, flow_name=name, ente=ente)
                    errors = xml.problems(document)
                if errors:
                    flow.state, flow.flow_id, flow.xml = Flow.State.INVALID, None, ""
                    flow.errors = [{"field": f, "reason": str(r)} for f, r in errors]
                else:
                    flow.state, flow.flow_id, flow.xml, flow.errors = Flow.State.READY, name, document, []
                    next_number += 1
                flow.save()
    gone = [flow.pk for key, flow in existing.items() if key not in seen]
    summary.removed = Flow.objects.filter(pk__in=gone).delete()[0] if gone else 0
    return summary


def record_outcome(
    ente: Ente, flow_id: str, code: str, detail: str, siuss_id: str, at: datetime.datetime
) -> Flow | None:
    """An outcome INPS posts (`POST /esiti`): OK accepts the flow, any other code refuses it. None when the flow
    is not the ente's (or no longer exists: its content changed since)."""
    flow = Flow.objects.filter(ambito_id=ente.ambito_id, flow_id=flow_id).first()
    if flow is None:  # (a flow offered again keeps its old id_flusso: its outcome is still stored)
        return None
    flow.state = Flow.State.ACCEPTED if code == "OK" else Flow.State.REFUSED
    flow.outcome_code, flow.outcome_detail, flow.siuss_id, flow.outcome_at = code, detail, siuss_id, at
    flow.save(update_fields=["state", "outcome_code", "outcome_detail", "siuss_id", "outcome_at"])
    return flow


class ResendRefused(Exception):
    """The flow cannot be offered again (its state, or it was already): the message says why, in Italian."""


def resendable(flow: Flow, now: datetime.datetime | None = None) -> bool:
    """A current flow INPS refused, or sent without an outcome for SINBA_RESEND_AFTER_DAYS days."""
    now = now or timezone.now()
    if flow.superseded_by_id is not None:
        return False
    if flow.state == Flow.State.REFUSED:
        return True
    waited = datetime.timedelta(days=settings.SINBA_RESEND_AFTER_DAYS)
    return flow.state == Flow.State.SENT and flow.sent_at is not None and flow.sent_at <= now - waited


@transaction.atomic
def resend(flow: Flow, *, now: datetime.datetime | None = None) -> Flow:
    """Offer the flow again under a new id_flusso (Specifica tecnica §3.2: a new name, the day's next number), as
    ready, with a new ts_flusso so that INPS's next `since` takes it. The old flow is kept as it was (its id_flusso
    and outcome), marked as superseded by this one: the current row keeps its key so that the generation finds it."""
    now = now or timezone.now()
    ente = Ente.objects.select_for_update().filter(ambito_id=flow.ambito_id).first()
    flow = Flow.objects.select_for_update().get(pk=flow.pk)
    if ente is None:
        raise ResendRefused(_("L'ente che invia il ritorno SINBA dell'ambito non è configurato."))
    if not resendable(flow, now):
        raise ResendRefused(
            _("Si invia di nuovo solo un flusso rifiutato, o inviato da almeno %(days)s giorni senza esito.")
            % {"days": settings.SINBA_RESEND_AFTER_DAYS}
        )
    today = timezone.localdate(now)
    name = flow_name(ente, today, _next_number(ente, today))
    document = flow.xml.replace(f'Nome="{flow.flow_id}"', f'Nome="{name}"', 1)
    errors = xml.problems(document)
    if errors or name not in document:
        raise ResendRefused(_("Il flusso non è più conforme al tracciato: generate di nuovo i flussi."))
    old = Flow.objects.get(pk=flow.pk)
    flow.flow_id, flow.xml, flow.state = name, document, Flow.State.READY
    flow.generated_at = _first_stamp(flow.ambito_id, now)
    flow.sent_at, flow.outcome_code, flow.outcome_detail, flow.siuss_id, flow.outcome_at = None, "", "", "", None
    flow.save()
    old.pk, old.superseded_by = None, flow
    old.save(force_insert=True)
    return flow
