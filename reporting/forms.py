"""Forms of the quality section: they validate and normalise; saving several rows is in `services`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Role, User
from families.pseudonymisation import ambito_redactor
from pippi_portal.forms import PortalForm

from .models import (
    FORMULA_UNITS,
    Complaint,
    Formula,
    ImpactIndicator,
    IndicatorValue,
    QualityControl,
    SatisfactionSurvey,
    SurveyItem,
    SurveyLinkBatch,
    SurveyResponse,
    SurveyResultsReport,
)
from .selectors import organisations_for, projects_for

MAX_STATEMENTS = 30
MAX_LINKS = 200


def not_in_future(form: forms.Form, field: str) -> None:
    day = form.cleaned_data.get(field)
    if day and day > timezone.localdate():
        form.add_error(field, _("La data non può essere nel futuro."))


class ProjectChoiceMixin:
    """Limit the project (and organisation) choices to the user's scope, and keep the organisation in the
    project's ambito (an administrator sees every ambito's organisations)."""

    def limit_choices(self, user: User) -> None:
        self.fields["project"].queryset = projects_for(user).select_related("ambito")
        self.fields["project"].empty_label = None
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = organisations_for(user)

    def clean(self):
        cleaned = super().clean()
        project, organisation = cleaned.get("project"), cleaned.get("organisation")
        if project and organisation and organisation.ambito_id != project.ambito_id:
            self.add_error("organisation", _("L'ente deve appartenere all'ambito del progetto."))
        return cleaned


# --- Surveys ---------------------------------------------------------------------------------------------


class SurveyForm(ProjectChoiceMixin, PortalForm):
    statements = forms.CharField(
        label=_("Affermazioni"),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Scrivi almeno un'affermazione.")},
        help_text=_(
            "Una affermazione per riga, nell'ordine in cui compaiono. Chi risponde indica quanto è d'accordo, "
            "da 1 (per niente d'accordo) a 5 (del tutto d'accordo)."
        ),
    )

    class Meta:
        model = SatisfactionSurvey
        fields = ["project", "audience", "title", "period_start", "period_end", "introduction", "statements"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, redactor=ambito_redactor(user), **kwargs)
        self.limit_choices(user)
        if self.instance.pk:
            self.fields["project"].disabled = True
            self.initial.setdefault("statements", "\n".join(self.instance.items.values_list("text", flat=True)))
            if self.instance.responses.exists():
                self.fields["statements"].disabled = True
                self.fields["statements"].help_text = _(
                    "Il questionario ha già delle risposte: le affermazioni non si possono più cambiare."
                )

    def clean_statements(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["statements"].splitlines()]
        statements = [line for line in lines if line]
        if len(statements) > MAX_STATEMENTS:
            raise ValidationError(_("Al massimo %(max)d affermazioni.") % {"max": MAX_STATEMENTS})
        too_long = SurveyItem._meta.get_field("text").max_length
        for number, statement in enumerate(statements, start=1):
            if len(statement) > too_long:
                raise ValidationError(
                    _("L'affermazione n. %(n)d supera i %(max)d caratteri.") % {"n": number, "max": too_long}
                )
        return statements


class LikertFields:
    """One optional choice per statement on the survey's scale (the project's, 1–5 by default), named
    `item_<id>`; at least one must be answered."""

    def add_statement_fields(self, survey: SatisfactionSurvey) -> None:
        self.items = list(survey.items.order_by("order"))
        choices = [(value, f"{value} · {words}" if words else str(value)) for value, words in survey.scale]
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=f"{item.order}. {item.text}",
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def statement_fields(self):
        return [self[f"item_{item.pk}"] for item in self.items]

    def scores(self) -> dict[int, int]:
        """Statement id → score, for the statements answered."""
        return {
            item.pk: self.cleaned_data[f"item_{item.pk}"]
            for item in self.items
            if self.cleaned_data.get(f"item_{item.pk}") is not None
        }

    def require_an_answer(self) -> None:
        if not self.errors and not self.scores():
            raise ValidationError(_("Rispondi ad almeno una delle affermazioni."))


class PaperResponseForm(LikertFields, PortalForm):
    """A paper questionnaire typed in by a member of staff."""

    submit_label = _("Registra il questionario")

    class Meta:
        model = SurveyResponse
        fields = ["submitted_on", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"comment": _("Ricopia il commento così com'è, senza nomi di persone.")}

    def __init__(self, *args, survey: SatisfactionSurvey, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_statement_fields(survey)
        self.survey = survey

    def clean(self):
        cleaned = super().clean()
        not_in_future(self, "submitted_on")
        self.require_an_answer()
        return cleaned


class LinkAnswerForm(LikertFields, forms.Form):
    """The questionnaire as the respondent sees it, through a single-use link."""

    comment = forms.CharField(
        label=_("Vuoi aggiungere un commento? (facoltativo)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Per favore non scrivere nomi di persone."),
    )

    def __init__(self, *args, survey: SatisfactionSurvey, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_statement_fields(survey)
        # The comment comes after the statements.
        self.fields["comment"] = self.fields.pop("comment")

    def clean(self):
        cleaned = super().clean()
        self.require_an_answer()
        return cleaned


class LinkBatchForm(PortalForm):
    fixed_fields = ("survey",)
    submit_label = _("Genera i link")
    count = forms.IntegerField(
        label=_("Quanti link"),
        min_value=1,
        max_value=MAX_LINKS,
        initial=20,
        help_text=_("Uno per ogni persona a cui consegnerai il questionario (al massimo %(max)d).")
        % {"max": MAX_LINKS},
    )

    class Meta:
        model = SurveyLinkBatch
        fields = ["count", "expires_on"]

    def __init__(self, *args, survey: SatisfactionSurvey, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.survey = survey
        # The links are valid while the survey collects answers: to the end of its collection period. Once that
        # is over there is no sensible default: the page warns and the date is chosen on purpose.
        self.period_over = survey.period_end < timezone.localdate()
        if not self.period_over:
            self.initial.setdefault("expires_on", survey.period_end)
        self.fields["expires_on"].help_text = _(
            "Dopo questa data i link non si aprono più. La rilevazione va dal %(start)s al %(end)s."
        ) % {"start": f"{survey.period_start:%d/%m/%Y}", "end": f"{survey.period_end:%d/%m/%Y}"}

    def period_warning(self) -> str:
        """What the page says above the form when the survey's collection period is over ("" while it is open)."""
        if not self.period_over:
            return ""
        return _(
            "La rilevazione di questo questionario si è chiusa il %(end)s: i link generati ora raccoglierebbero "
            "risposte fuori dal periodo. Generali solo se la rilevazione è stata prorogata, con la nuova scadenza."
        ) % {"end": f"{self.instance.survey.period_end:%d/%m/%Y}"}

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day < timezone.localdate():
            raise ValidationError(_("La scadenza non può essere nel passato."))
        return day


class SurveyResultsReportForm(PortalForm):
    """The report on a survey's results, as its author writes it (the view saves it through
    `services.survey_report_save`)."""

    fixed_fields = ("survey",)
    submit_label = _("Salva la relazione")

    class Meta:
        model = SurveyResultsReport
        fields = ["findings", "improvements", "shared_with_operators_on"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 8}), "improvements": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "findings": _(
                "Cosa dicono i risultati del questionario: punti di forza, criticità, confronto con l'anno prima."
            ),
            "shared_with_operators_on": _("Il giorno in cui gli esiti sono stati condivisi con gli operatori."),
        }

    def __init__(self, *args, survey: SatisfactionSurvey, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.survey = survey

    def clean_shared_with_operators_on(self):
        day = self.cleaned_data["shared_with_operators_on"]
        if day is not None and day > timezone.localdate():
            raise ValidationError(_("La data della condivisione non può essere nel futuro."))
        return day


# --- Complaints ------------------------------------------------------------------------------------------


class ComplaintForm(ProjectChoiceMixin, PortalForm):
    class Meta:
        model = Complaint
        fields = [
            "project",
            "received_on",
            "channel",
            "protocol_number",
            "subject",
            "organisation",
            "handling_notes",
            "closed_on",
            "outcome",
        ]
        widgets = {"handling_notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, redactor=ambito_redactor(user), **kwargs)
        self.limit_choices(user)
        self.fields["outcome"].help_text = _("Solo per i reclami chiusi, insieme alla data di chiusura.")
        if self.instance.pk:
            self.fields["project"].disabled = True
        if user.role == Role.REFERENTE_ENTE:
            # A partner's referent registers complaints about its own organisation; the Ufficio di Piano
            # closes them.
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(pk=user.organisation_id)
            self.fields["organisation"].initial = user.organisation_id
            self.fields["organisation"].required = True
            self.fields["organisation"].empty_label = None
            for name in ("closed_on", "outcome"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        not_in_future(self, "received_on")
        not_in_future(self, "closed_on")
        return cleaned


# --- Quality controls ------------------------------------------------------------------------------------


class QualityControlForm(ProjectChoiceMixin, PortalForm):
    class Meta:
        model = QualityControl
        fields = [
            "project",
            "checked_on",
            "organisation",
            "kind",
            "scope",
            "findings",
            "corrective_actions",
            "follow_up_on",
            "status",
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "corrective_actions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, redactor=ambito_redactor(user), **kwargs)
        self.limit_choices(user)
        if self.instance.pk:
            self.fields["project"].disabled = True


# --- Impact indicators -----------------------------------------------------------------------------------


class ImpactIndicatorForm(ProjectChoiceMixin, PortalForm):
    class Meta:
        model = ImpactIndicator
        fields = ["project", "name", "formula", "unit", "direction", "baseline", "target", "method"]
        widgets = {"method": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, redactor=ambito_redactor(user), **kwargs)
        self.limit_choices(user)
        self.fields["formula"].label = _("Calcolato dal portale")
        self.fields["formula"].choices = [("", _("No: valori rilevati a mano")), *Formula.choices]
        self.fields["unit"].required = False
        if self.instance.pk:
            # Typed values and computed ones do not mix: how an indicator gets its values is set once.
            self.fields["project"].disabled = True
            self.fields["formula"].disabled = True

    def clean(self):
        cleaned = super().clean()
        formula = cleaned.get("formula")
        if formula:
            cleaned["unit"] = FORMULA_UNITS[formula]
        elif not cleaned.get("unit"):
            self.add_error("unit", _("Indicare l'unità di misura (per esempio: %, famiglie, punti)."))
        return cleaned


class IndicatorValueForm(PortalForm):
    fixed_fields = ("indicator",)

    class Meta:
        model = IndicatorValue
        fields = ["period_start", "period_end", "value", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, indicator: ImpactIndicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
