"""Forms of the organisation pages: they validate and normalise, nothing else."""

from __future__ import annotations

import datetime
from decimal import Decimal

from allauth.account.forms import LoginForm as AllauthLoginForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.admin.widgets import AutocompleteMixin, get_select2_language
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pippi_portal.forms import DateInput, PortalForm

from . import national_comuni
from .models import (
    Comune,
    FundingSource,
    GovernanceMeeting,
    Implementation,
    Project,
    ProjectTarget,
    StaffTraining,
    TargetKind,
    User,
    cup_validator,
)
from .project_rules import PROJECT_RULE_FIELDS, parse_age_bands


class ProjectForm(PortalForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "funding_source",
            "cup",
            "funding_decree",
            "amount",
            "start_date",
            "end_date",
            "measure_code",
            "partners",
            *PROJECT_RULE_FIELDS,
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "partners": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = self.instance.ambito.organisations.all()
        # Left out, the funding stays what it was (PNRR for the projects made before it was a field).
        self.fields["funding_source"].required = False

        # The rules in one block at the end, whatever other fields the form has.
        self.helper.layout = Layout(
            *[name for name in self.fields if name not in PROJECT_RULE_FIELDS],
            Fieldset(_("Regole del progetto"), *PROJECT_RULE_FIELDS),
        )

    def clean_report_age_bands(self) -> str:
        bands = parse_age_bands(self.cleaned_data["report_age_bands"])
        return ", ".join(label for label, _low, _high in bands)

    def clean_funding_source(self) -> str:
        return self.cleaned_data["funding_source"] or self.instance.funding_source

    def clean_cup(self) -> str:
        cup = self.cleaned_data["cup"].strip().upper()
        # The database's uniqueness holds for the CUPs that are there (several projects may have none); said
        # here, next to the field, rather than as the constraint's message above the form.
        if cup and Project.objects.filter(cup=cup).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Esiste già un progetto con questo CUP."))
        return cup

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("La data di fine deve essere successiva alla data di inizio."))
        self.check_group_module(cleaned)
        self.check_likert_points(cleaned)
        check_cup_for_funding(self, cleaned)
        concluded = self.instance.concluded_on
        if concluded and end and end < concluded:
            self.add_error(
                "end_date",
                _("Il progetto si è concluso il %(day)s: la data di fine non può precedere la conclusione.")
                % {"day": f"{concluded:%d/%m/%Y}"},
            )
        return cleaned

    def check_group_module(self, cleaned) -> None:
        low, high = cleaned.get("group_module_min_sessions"), cleaned.get("group_module_max_sessions")
        if low is None or high is None:
            return
        if high < low:
            self.add_error("group_module_max_sessions", _("Il massimo di incontri non può essere sotto il minimo."))
        elif self.instance.pk and self.instance.groups.exclude(planned_sessions__range=(low, high)).exists():
            self.add_error(
                "group_module_max_sessions",
                _("Alcuni gruppi del progetto prevedono un numero di incontri fuori da %(low)d–%(high)d.")
                % {"low": low, "high": high},
            )

    def check_likert_points(self, cleaned) -> None:
        points = cleaned.get("likert_points")
        # Answers already given on a wider scale would fall off a narrower one (surveys named, not imported).
        if points and self.instance.pk and self.instance.surveys.filter(responses__answers__score__gt=points).exists():
            self.add_error(
                "likert_points",
                _("I questionari del progetto hanno già risposte oltre il punto %(n)d: la scala non può scendere.")
                % {"n": points},
            )


def check_cup_for_funding(form: forms.Form, cleaned: dict) -> None:
    """A PNRR project has a CUP; for other funds it is optional."""
    if cleaned.get("funding_source") == FundingSource.PNRR and not cleaned.get("cup"):
        form.add_error("cup", _("Un progetto PNRR ha il CUP: scrivilo (15 caratteri, es. B24H22000190001)."))


class ProjectConcludeForm(forms.Form):
    """The conclusion of a project: its last day."""

    concluded_on = forms.DateField(
        label=_("Ultimo giorno del progetto"),
        widget=DateInput(),
        help_text=_("Dal giorno dopo il progetto non prende ore; da subito non accoglie nuove famiglie."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Concludi il progetto")))
        self.initial.setdefault("concluded_on", min(project.end_date, timezone.localdate()))

    def clean_concluded_on(self):
        day = self.cleaned_data["concluded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La data di conclusione non può essere nel futuro."))
        if not self.project.start_date <= day <= self.project.end_date:
            raise forms.ValidationError(
                _("La data di conclusione deve stare nel periodo del progetto (%(start)s – %(end)s).")
                % {"start": f"{self.project.start_date:%d/%m/%Y}", "end": f"{self.project.end_date:%d/%m/%Y}"}
            )
        return day


class FollowOnProjectForm(forms.Form):
    """The project that follows a concluded one, with its first implementation."""

    title = forms.CharField(label=_("Titolo"), max_length=300)
    funding_source = forms.ChoiceField(label=_("Fonte di finanziamento"), choices=FundingSource.choices)
    cup = forms.CharField(
        label=_("CUP"),
        max_length=15,
        required=False,
        validators=[cup_validator],
        help_text=_("Facoltativo se non PNRR."),
    )
    funding_decree = forms.CharField(label=_("Atto di finanziamento"), max_length=300, required=False)
    amount = forms.DecimalField(
        label=_("Importo finanziato (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    start_date = forms.DateField(label=_("Data di inizio"), widget=DateInput())
    end_date = forms.DateField(label=_("Data di fine"), widget=DateInput())
    implementation_number = forms.IntegerField(label=_("Numero della prima implementazione"), min_value=1, max_value=99)

    def __init__(self, *args, predecessor: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.predecessor = predecessor
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Avvia il progetto successivo")))
        self.fields["amount"].localize = True
        self.fields["amount"].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["amount"].widget.is_localized = True
        self.initial.setdefault("start_date", predecessor.last_day + datetime.timedelta(days=1))
        self.initial.setdefault("funding_source", FundingSource.LEPS)
        last = max((i.number for i in predecessor.implementations.all()), default=0)
        self.initial.setdefault("implementation_number", last + 1)

    def clean_cup(self) -> str:
        return self.cleaned_data["cup"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("La data di fine deve essere successiva alla data di inizio."))
        if start and start <= self.predecessor.last_day:
            self.add_error(
                "start_date",
                _("Il progetto successivo inizia dopo l'ultimo giorno del precedente (%(day)s).")
                % {"day": f"{self.predecessor.last_day:%d/%m/%Y}"},
            )
        check_cup_for_funding(self, cleaned)
        cup = cleaned.get("cup")
        if cup and Project.objects.filter(cup=cup).exists():
            self.add_error("cup", _("Esiste già un progetto con questo CUP."))
        return cleaned


class ImplementationForm(PortalForm):
    fixed_fields = ("project",)

    class Meta:
        model = Implementation
        fields = [
            "number",
            "module",
            "start_date",
            "end_date",
            "t1_offset_months",
            "t2_offset_months",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("La data di fine deve essere successiva alla data di inizio."))
        t1, t2 = cleaned.get("t1_offset_months"), cleaned.get("t2_offset_months")
        if t1 is not None and t1 < 1:
            self.add_error("t1_offset_months", _("Il T1 cade almeno un mese dopo il T0."))
        if t1 and t2 is not None and t2 <= t1:
            self.add_error("t2_offset_months", _("Il T2 deve cadere dopo il T1."))
        project = self.instance.project
        if self.instance.pk is None and project.is_concluded:
            self.add_error(
                None,
                _("Il progetto si è concluso il %(day)s: non accoglie nuove implementazioni.")
                % {"day": f"{project.concluded_on:%d/%m/%Y}"},
            )
        if start and end and (start < project.start_date or end > project.end_date):
            self.add_error(
                None,
                _("Le date dell'implementazione devono stare nel periodo del progetto (%(start)s – %(end)s).")
                % {"start": f"{project.start_date:%d/%m/%Y}", "end": f"{project.end_date:%d/%m/%Y}"},
            )
        return cleaned


class ProjectTargetForm(PortalForm):
    """A target of the project: what is counted, at least how many, and where it is checked."""

    fixed_fields = ("project",)

    class Meta:
        model = ProjectTarget
        fields = ["kind", "scope", "minimum", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "minimum": _(
                "Un numero; per le quote (famiglie con SEDT o con famiglia d'appoggio, esiti positivi) una "
                "percentuale da 1 a 100."
            ),
            "note": _(
                "Il testo del documento di progetto, per esempio «almeno n. 10 famiglie target in ciascuna "
                "implementazione»."
            ),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean(self):
        cleaned = super().clean()
        kind, scope, minimum = cleaned.get("kind"), cleaned.get("scope"), cleaned.get("minimum")
        if not kind:
            return cleaned
        kind = TargetKind(kind)
        if scope and scope not in kind.allowed_scopes:
            self.add_error("scope", _("Questo obiettivo si verifica solo sul progetto o per ambito."))
        if minimum is not None and kind.is_share and minimum > 100:
            self.add_error("minimum", _("Per una quota il minimo è una percentuale da 1 a 100."))
        return cleaned


class StaffTrainingForm(PortalForm):
    fixed_fields = ("user",)

    class Meta:
        model = StaffTraining
        fields = ["course", "is_programme_mooc", "provider", "hours", "completed_on", "certificate"]
        widgets = {"completed_on": DateInput()}

    def __init__(self, *args, staff_member: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = staff_member


class StaffCvForm(PortalForm):
    """The curriculum of a professional of the staff register (001: the partner keeps the list of its staff
    with their CVs up to date); a new file replaces the old one."""

    submit_label = _("Carica il curriculum")

    class Meta:
        model = User
        fields = ["cv"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cv"].required = True
        self.fields["cv"].help_text = _("PDF, anche firmato digitalmente; sostituisce il curriculum precedente.")


class ProfileForm(PortalForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone"]


class GovernanceMeetingForm(PortalForm):
    class Meta:
        model = GovernanceMeeting
        fields = ["kind", "date", "project", "participants", "external_participants", "minutes"]
        widgets = {"date": DateInput(), "participants": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ambito_id = user.ambito_id
        self.fields["project"].queryset = Project.objects.visible_to(user)
        self.fields["participants"].queryset = User.objects.visible_to(user).filter(is_active=True)


class LoginForm(AllauthLoginForm):
    """allauth's login form with Italian labels that name what to type."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Nome utente")
        self.fields["login"].widget.attrs["placeholder"] = ""
        self.fields["password"].widget.attrs["placeholder"] = ""


class NationalPlaceSelect(forms.Select):
    """A chooser over the national list of comuni (`national_comuni`), searched as one types with the admin's
    select2 against `equipes:comuni-search`; only the chosen place is in the page, not the 8,000 comuni."""

    def __init__(self, attrs=None, *, foreign: bool = False):
        super().__init__(attrs)
        self.foreign = foreign
        self.i18n_name = get_select2_language()

    media = AutocompleteMixin.media

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        url = str(reverse_lazy("equipes:comuni-search")) + ("?estero=1" if self.foreign else "")
        attrs.update(
            {
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-ajax--url": url,
                "data-theme": "admin-autocomplete",
                "data-allow-clear": "true",
                "data-placeholder": "",
                "lang": self.i18n_name,
                "class": (attrs.get("class", "") + " admin-autocomplete").strip(),
            }
        )
        return attrs

    def optgroups(self, name, value, attrs=None):
        place = national_comuni.by_code(value[0]) if value and value[0] else None
        self.choices = [("", "")] + ([(place.code, place.label)] if place else [])
        return super().optgroups(name, value, attrs)


class ComuneForm(forms.ModelForm):
    """A comune of an ambito, chosen from the national list: name, cadastral code, province and ISTAT code come
    from it (an ISTAT code typed must be the list's)."""

    national_code = forms.CharField(
        label=_("Comune (elenco nazionale)"),
        max_length=4,
        widget=NationalPlaceSelect,
        help_text=_(
            "Scrivi il nome o il codice catastale e scegli il comune: nome, codice e provincia sono presi "
            "dall'elenco nazionale."
        ),
    )

    class Meta:
        model = Comune
        fields = ["national_code", "istat_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.cadastral_code:
            self.initial.setdefault("national_code", self.instance.cadastral_code)
        self.fields["istat_code"].help_text = _(
            "6 cifre; se lo lasci vuoto è preso dall'elenco ISTAT per il comune scelto."
        )

    def clean_national_code(self) -> str:
        place = national_comuni.comune(self.cleaned_data["national_code"])
        if place is None:
            raise forms.ValidationError(_("Scegli un comune attuale dall'elenco nazionale."))
        return place.code

    def clean(self):
        cleaned = super().clean()
        place = national_comuni.comune(cleaned.get("national_code") or "")
        if place is None:
            return cleaned
        ambito_id = self.instance.ambito_id or (cleaned.get("ambito").pk if cleaned.get("ambito") else None)
        if ambito_id:
            same = Comune.objects.filter(ambito_id=ambito_id).exclude(pk=self.instance.pk)
            if same.filter(cadastral_code=place.code).exists() or same.filter(name=place.name).exists():
                self.add_error("national_code", _("Questo comune è già nell'ambito."))
        self.instance.name = place.name
        self.instance.cadastral_code = place.code
        self.instance.province = place.province
        if not cleaned.get("istat_code"):
            # From ISTAT's list; a code typed is checked against it by the model.
            cleaned["istat_code"] = place.istat
        return cleaned


class BaseComuneFormSet(forms.BaseInlineFormSet):
    """The comuni of an ambito in its admin page: the same comune cannot be chosen twice."""

    def clean(self):
        super().clean()
        codes = [
            f.cleaned_data.get("national_code")
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("national_code")
        ]
        if len(codes) != len(set(codes)):
            raise forms.ValidationError(_("Lo stesso comune è scelto due volte."))
