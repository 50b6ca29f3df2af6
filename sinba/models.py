"""The SINBA return: the ente that sends it, the SIUSS code of each catalogue intervention, and the flows, one per
child and service (docs/sinba.md)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from equipes.models import Ambito, AmbitoScopedQuerySet
from families.models import Family, Member
from interventions.models import InterventionType

belfiore_validator = RegexValidator(r"^[A-Z][0-9]{3}$", _("Il codice Belfiore è una lettera e tre cifre, es. I625."))
tax_code_validator = RegexValidator(r"^[0-9]{11}$", _("Il codice fiscale dell'ente ha 11 cifre."))


class Region(models.TextChoices):
    """The regions by their two-digit ISTAT code: the XSD's `CodiceRegioneResidenza` ([0-9]{2}, "Codifica
    DM1986" in the specification; docs/decisions.md says why two digits)."""

    PIEMONTE = "01", "Piemonte"
    VALLE_AOSTA = "02", "Valle d'Aosta"
    LOMBARDIA = "03", "Lombardia"
    TRENTINO = "04", "Trentino-Alto Adige"
    VENETO = "05", "Veneto"
    FRIULI = "06", "Friuli-Venezia Giulia"
    LIGURIA = "07", "Liguria"
    EMILIA_ROMAGNA = "08", "Emilia-Romagna"
    TOSCANA = "09", "Toscana"
    UMBRIA = "10", "Umbria"
    MARCHE = "11", "Marche"
    LAZIO = "12", "Lazio"
    ABRUZZO = "13", "Abruzzo"
    MOLISE = "14", "Molise"
    CAMPANIA = "15", "Campania"
    PUGLIA = "16", "Puglia"
    BASILICATA = "17", "Basilicata"
    CALABRIA = "18", "Calabria"
    SICILIA = "19", "Sicilia"
    SARDEGNA = "20", "Sardegna"


class Ente(models.Model):
    """Who sends the ambito's return to INPS (the flow's `Ente` element and the e-service's `codice_ente`)."""

    ambito = models.OneToOneField(Ambito, on_delete=models.CASCADE, related_name="sinba_ente", verbose_name=_("ambito"))
    code = models.CharField(
        _("codice ente"),
        max_length=4,
        validators=[belfiore_validator],
        help_text=_("Il codice Belfiore dell'ente che invia (il comune capofila), es. I625."),
    )
    name = models.CharField(_("denominazione"), max_length=100)
    seat_code = models.CharField(
        _("comune della sede legale"),
        max_length=4,
        validators=[belfiore_validator],
        help_text=_("Codice Belfiore del comune della sede legale dell'ente."),
    )
    tax_code = models.CharField(
        _("codice fiscale dell'ente"),
        max_length=11,
        validators=[tax_code_validator],
        help_text=_("Va nel campo CFOperatore del flusso: mai il codice fiscale di una persona."),
    )
    region = models.CharField(
        _("regione di residenza dei beneficiari"),
        max_length=2,
        choices=Region.choices,
        help_text=_("La regione dei comuni dell'ambito: CodiceRegioneResidenza dei minori."),
    )
    #: The SHA-256 of the token with which INPS's gateway calls the e-service (empty: the e-service is closed).
    eservice_token_hash = models.CharField(_("impronta del token dell'e-service"), max_length=64, blank=True)
    #: With SINBA_AUTH = "client-cert": the certificate the ente's gateway presents to the proxy, by its SHA-256
    #: fingerprint (hex, colons allowed) and/or its subject, as the proxy's headers carry them. Both empty: closed.
    eservice_cert_fingerprint = models.CharField(
        _("impronta SHA-256 del certificato del gateway"),
        max_length=95,
        blank=True,
        validators=[
            RegexValidator(
                r"^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$",
                _("L'impronta SHA-256 è di 64 cifre esadecimali (i due punti sono ammessi)."),
            )
        ],
        help_text=_("Quella che il proxy inoltra nell'intestazione SINBA_CLIENT_CERT_HEADER."),
    )
    eservice_cert_subject = models.CharField(
        _("soggetto del certificato del gateway"),
        max_length=300,
        blank=True,
        help_text=_("Il soggetto (DN) come lo inoltra il proxy nell'intestazione SINBA_CLIENT_CERT_SUBJECT_HEADER."),
    )

    objects = AmbitoScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ente SINBA")
        verbose_name_plural = _("enti SINBA")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z][0-9]{3}$"), name="sinba_ente_code_belfiore"),
            models.CheckConstraint(condition=Q(tax_code__regex=r"^[0-9]{11}$"), name="sinba_ente_tax_code_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ServiceCode(models.Model):
    """The SIUSS prestazione code of a catalogue intervention. Only a code read in a source is entered, with the
    source; an intervention without a code makes its flows invalid ("manca il codice"), never a guessed one."""

    intervention_type = models.OneToOneField(
        InterventionType, on_delete=models.CASCADE, related_name="sinba_code", verbose_name=_("intervento")
    )
    code = models.CharField(
        _("codice prestazione SIUSS"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[A-Z][0-9]\.[0-9]{2}$", _("Un codice del nomenclatore, es. A2.02."))],
    )
    source = models.CharField(
        _("fonte del codice"),
        max_length=300,
        blank=True,
        help_text=_("Dove è stato verificato il codice (documento, sezione). Obbligatoria con il codice."),
    )

    class Meta:
        verbose_name = _("codice prestazione SIUSS")
        verbose_name_plural = _("codici prestazione SIUSS")
        ordering = ["intervention_type__name"]
        constraints = [
            models.CheckConstraint(condition=Q(code="") | ~Q(source=""), name="sinba_service_code_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.intervention_type}: {self.code or '—'}"


class FlowQuerySet(AmbitoScopedQuerySet):
    pass


class Flow(models.Model):
    """The SINBA flow of one child and one service: its XML once valid, or what is missing."""

    class State(models.TextChoices):
        READY = "ready", _("Pronto")
        INVALID = "invalid", _("Non valido")
        SENT = "sent", _("Inviato")
        ACCEPTED = "accepted", _("Accettato")
        REFUSED = "refused", _("Rifiutato")

    ambito = models.ForeignKey(Ambito, on_delete=models.CASCADE, related_name="+", verbose_name=_("ambito"))
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+", verbose_name=_("famiglia"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("minore"))
    intervention_type = models.ForeignKey(
        InterventionType, on_delete=models.PROTECT, related_name="+", verbose_name=_("intervento")
    )
    beneficiary_id = models.CharField(_("IDBeneficiario"), max_length=20)
    state = models.CharField(_("stato"), max_length=10, choices=State.choices)
    #: [{"field": XSD name, "reason": Italian}] for an invalid flow.
    errors = models.JSONField(_("errori"), default=list, blank=True)
    #: `EEEEE.SINBA.AAAAMMGG.NNNNNNN`, given to a valid flow; a new one each time its content changes.
    flow_id = models.CharField(_("id_flusso"), max_length=64, null=True, blank=True, unique=True)
    xml = models.TextField(_("XML"), blank=True)
    content_hash = models.CharField(_("impronta del contenuto"), max_length=64, blank=True)
    generated_at = models.DateTimeField(_("generato il"))
    sent_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    outcome_code = models.CharField(_("esito"), max_length=30, blank=True)
    outcome_detail = models.TextField(_("dettaglio dell'esito"), blank=True)
    siuss_id = models.CharField(_("codice di acquisizione SIUSS"), max_length=64, blank=True)
    outcome_at = models.DateTimeField(_("esito ricevuto il"), null=True, blank=True)
    #: A flow offered again ("Invia di nuovo") is kept, with its id_flusso and outcome, pointing at the current
    #: flow of its child and service, which carries the new id_flusso.
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="superseded",
        verbose_name=_("sostituito da"),
    )

    objects = FlowQuerySet.as_manager()

    class Meta:
        verbose_name = _("flusso SINBA")
        verbose_name_plural = _("flussi SINBA")
        ordering = ["family_id", "member_id", "intervention_type_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "intervention_type"],
                condition=Q(superseded_by__isnull=True),
                name="sinba_flow_one_per_child_service",
            ),
            models.CheckConstraint(
                condition=Q(state="invalid", flow_id__isnull=True) | (~Q(state="invalid") & Q(flow_id__isnull=False)),
                name="sinba_flow_id_only_when_valid",
            ),
        ]
        indexes = [models.Index(fields=["ambito", "state"], name="sinba_flow_ambito_state_idx")]

    def __str__(self) -> str:
        return self.flow_id or f"{self.beneficiary_id} ({self.get_state_display()})"


class EserviceCall(models.Model):
    """A call of the e-service (INPS through its gateway): when, which operation, with what answer and how many
    flows. Nobody logs in there, so these calls have their own log beside the families' access log."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="calls", verbose_name=_("ente"))
    at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    operation = models.CharField(_("operazione"), max_length=20)
    query = models.CharField(_("parametri"), max_length=200, blank=True)
    status = models.PositiveSmallIntegerField(_("risposta HTTP"))
    flows = models.PositiveIntegerField(_("flussi"), default=0)

    class Meta:
        verbose_name = _("chiamata dell'e-service SINBA")
        verbose_name_plural = _("chiamate dell'e-service SINBA")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.operation} {self.status} {self.at:%d/%m/%Y %H:%M}"
