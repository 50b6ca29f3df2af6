"""The Ufficio di Piano's page of the SINBA return: the flows by state with their counts, what is missing, the
generation and the ZIP of the valid flows for the web upload channel. Every generation and download is written in
the access log, one row per family whose data went into the flows; so is a flow offered again ("Invia di nuovo").
The Ufficio di Piano also sees the catalogue's SIUSS codes and enters those of its ambito's own interventions."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from equipes.models import Ambito
from families.models import AccessLog
from families.services import record_accesses
from interventions.models import InterventionType
from pippi_portal.shortcuts import download as download_response
from pippi_portal.shortcuts import paginate, require_perm

from . import services
from .forms import ServiceCodeForm
from .models import Ente, Flow, ServiceCode

#: The states whose flows the ZIP carries: valid ones (a refused flow goes again only once its content changes).
DOWNLOADABLE = (Flow.State.READY, Flow.State.SENT, Flow.State.ACCEPTED)


def _ambito(request, pk: int, perm: str = "sinba.view_flow") -> Ambito:
    ambito = get_object_or_404(Ambito.objects.visible_to(request.user), pk=pk)
    require_perm(request.user, perm, message=_("Il ritorno SINBA è dell'Ufficio di Piano dell'ambito."))
    return ambito


@login_required
@require_GET
def index(request):
    require_perm(request.user, "sinba.view_flow", message=_("Il ritorno SINBA è dell'Ufficio di Piano dell'ambito."))
    if not request.user.is_admin_role:
        return redirect("sinba:flows", pk=request.user.ambito_id)
    return render(request, "sinba/index.html", {"ambiti": Ambito.objects.order_by("name")})


@login_required
@require_GET
def flows(request, pk: int):
    ambito = _ambito(request, pk)
    state = request.GET.get("stato", "")
    if state not in Flow.State.values:
        state = ""
    current = Flow.objects.filter(ambito=ambito, superseded_by__isnull=True)
    counts = dict(current.values_list("state").annotate(n=Count("pk")).order_by().values_list("state", "n"))
    listed = (
        current.filter(**({"state": state} if state else {}))
        .select_related("family", "intervention_type")
        .prefetch_related(Prefetch("superseded", queryset=Flow.objects.order_by("generated_at")))
        .order_by("state", "family__code", "beneficiary_id", "intervention_type__name")
    )
    page = paginate(request, listed, request.GET.get("page"))
    now = timezone.now()
    for flow in page:
        flow.resendable = services.resendable(flow, now)
    return render(
        request,
        "sinba/flows.html",
        {
            "ambito": ambito,
            "ente": Ente.objects.filter(ambito=ambito).first(),
            "states": [(value, label, counts.get(value, 0)) for value, label in Flow.State.choices],
            "total": sum(counts.values()),
            "state": state,
            "page": page,
            "uncoded": services.uncoded_records(ambito),
            "downloadable": sum(counts.get(s, 0) for s in DOWNLOADABLE),
        },
    )


@login_required
@require_POST
def generate(request, pk: int):
    ambito = _ambito(request, pk, "sinba.generate_flow")
    try:
        summary = services.generate(ambito)
    except ImproperlyConfigured:
        messages.error(request, _("Manca la chiave SINBA_ID_KEY del server: i flussi non possono essere generati."))
        return redirect("sinba:flows", pk=ambito.pk)
    family_ids = Flow.objects.filter(ambito=ambito).values_list("family_id", flat=True).distinct()
    record_accesses(request.user, family_ids, request.get_full_path(), AccessLog.Action.EXPORT, identities_shown=False)
    messages.success(
        request,
        _(
            "Flussi generati: %(created)s nuovi, %(changed)s cambiati, %(unchanged)s invariati, %(removed)s tolti; "
            "%(uncoded)s senza flusso perché il codice prestazione è da verificare."
        )
        % vars(summary),
    )
    return redirect("sinba:flows", pk=ambito.pk)


@login_required
@require_GET
def download(request, pk: int):
    ambito = _ambito(request, pk)
    chosen = list(
        Flow.objects.filter(ambito=ambito, state__in=DOWNLOADABLE, superseded_by__isnull=True)
        .order_by("flow_id")
        .values_list("flow_id", "xml", "family_id")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for flow_id, document, _family in chosen:
            archive.writestr(f"{flow_id}.xml", services.xml_file(Flow(xml=document)))
    record_accesses(
        request.user,
        {f for _i, _d, f in chosen},
        request.get_full_path(),
        AccessLog.Action.DOWNLOAD,
        identities_shown=False,
    )
    return download_response(
        buffer.getvalue(), f"SINBA-{ambito.code}-{timezone.localdate():%Y%m%d}.zip", "application/zip"
    )


@login_required
@require_POST
def resend(request, pk: int, flow_pk: int):
    """ "Invia di nuovo": a refused flow (or one sent long ago without an outcome) is ready again under a new
    id_flusso; the old one stays with its outcome. Written in the access log as an export of the family's data."""
    ambito = _ambito(request, pk, "sinba.resend_flow")
    flow = get_object_or_404(Flow, ambito=ambito, pk=flow_pk, superseded_by__isnull=True)
    old_id = flow.flow_id
    try:
        flow = services.resend(flow)
    except services.ResendRefused as refused:
        messages.error(request, str(refused))
        return redirect("sinba:flows", pk=ambito.pk)
    record_accesses(
        request.user, [flow.family_id], request.get_full_path(), AccessLog.Action.EXPORT, identities_shown=False
    )
    messages.success(
        request,
        _("Il flusso %(old)s sarà inviato di nuovo come %(new)s.") % {"old": old_id, "new": flow.flow_id},
    )
    return redirect("sinba:flows", pk=ambito.pk)


def _catalogue(ambito: Ambito):
    """The interventions activated for families that the ambito sees: the shared catalogue and its own."""
    return InterventionType.objects.filter(Q(ambito__isnull=True) | Q(ambito=ambito)).for_families()


@login_required
@require_GET
def codes(request, pk: int):
    ambito = _ambito(request, pk, "sinba.view_servicecode")
    unverified = request.GET.get("da_verificare") == "1"
    types = _catalogue(ambito).select_related("sinba_code").order_by("ambito_id", "name")
    if unverified:
        types = types.filter(Q(sinba_code__isnull=True) | Q(sinba_code__code=""))
    page = paginate(request, types, request.GET.get("page"))
    for intervention_type in page:
        intervention_type.editable = request.user.has_perm("sinba.change_servicecode", intervention_type)
        intervention_type.siuss = getattr(intervention_type, "sinba_code", None)
    missing = _catalogue(ambito).filter(Q(sinba_code__isnull=True) | Q(sinba_code__code="")).count()
    return render(
        request,
        "sinba/codes.html",
        {"ambito": ambito, "page": page, "unverified": unverified, "missing": missing},
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_edit(request, pk: int, type_pk: int):
    ambito = _ambito(request, pk, "sinba.view_servicecode")
    intervention_type = get_object_or_404(_catalogue(ambito), pk=type_pk)
    require_perm(
        request.user,
        "sinba.change_servicecode",
        intervention_type,
        message=_("Il codice di un intervento del catalogo comune lo inserisce l'amministratore."),
    )
    instance = ServiceCode.objects.filter(intervention_type=intervention_type).first() or ServiceCode(
        intervention_type=intervention_type
    )
    form = ServiceCodeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Codice di «%(name)s» salvato: generate di nuovo i flussi perché lo usino.")
            % {"name": intervention_type.name},
        )
        return redirect("sinba:codes", pk=ambito.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Codice prestazione SIUSS di «%(name)s»") % {"name": intervention_type.name},
            "cancel_url": reverse("sinba:codes", args=[ambito.pk]),
        },
    )
