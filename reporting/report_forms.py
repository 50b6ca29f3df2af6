"""Forms of the report runs."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Project, User
from pippi_portal.forms import RedactedTextMixin

from .indicators import semester_bounds
from .models import FINAL_REPORT_LABEL, ReportRun


def semester_choices(project: Project | None = None) -> list[tuple[str, str]]:
    today = timezone.localdate()
    first = project.start_date.year if project else today.year - 3
    choices = []
    for year in range(today.year, first - 1, -1):
        for half in (2, 1):
            label = f"{year}-S{half}"
            if semester_bounds(label)[0] <= today:
                choices.append((label, f"{half}° semestre {year}"))
    return choices


class ReportStartForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Progetto"), queryset=Project.objects.none())
    kind = forms.ChoiceField(label=_("Documento"), choices=ReportRun.Kind.choices)
    semester = forms.ChoiceField(label=_("Semestre"), required=False)
    year = forms.IntegerField(label=_("Anno (per la sintesi annuale)"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Reports are started by the lead ambito's Ufficio di Piano: an associated ambito reads them.
        self.fields["project"].queryset = Project.objects.led_by(user)
        self.fields["semester"].choices = [("", "—"), *semester_choices()]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ReportRun.Kind.SEMESTER and not cleaned.get("semester"):
            self.add_error("semester", _("Scegli il semestre."))
        if kind == ReportRun.Kind.ANNUAL and not cleaned.get("year"):
            self.add_error("year", _("Scrivi l'anno della sintesi."))
        if kind == ReportRun.Kind.ANNUAL and cleaned.get("year") and cleaned["year"] > timezone.localdate().year:
            self.add_error("year", _("L'anno non è ancora iniziato."))
        project = cleaned.get("project")
        if kind == ReportRun.Kind.FINAL and project is not None and not project.is_concluded:
            self.add_error(
                "kind",
                _("La relazione finale copre l'intera durata del progetto: si prepara quando il progetto è concluso."),
            )
        return cleaned

    @property
    def label(self) -> str:
        if self.cleaned_data["kind"] == ReportRun.Kind.FINAL:
            return FINAL_REPORT_LABEL
        if self.cleaned_data["kind"] == ReportRun.Kind.SEMESTER:
            return self.cleaned_data["semester"]
        return str(self.cleaned_data["year"])


class NarrativeForm(RedactedTextMixin, forms.ModelForm):
    class Meta:
        model = ReportRun
        fields = ["critical_issues", "corrective_actions", "overall_evaluation"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}

    def __init__(self, *args, redactor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.redact_initial(redactor)
