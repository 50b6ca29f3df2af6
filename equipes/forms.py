"""Forms of the organisation pages: they validate and normalise, nothing else."""

from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from pippi_portal.forms import DateInput, PortalForm

from .models import GovernanceMeeting, Implementation, Project, StaffTraining, User


class ProjectForm(PortalForm):
    class Meta:
        model = Project
        fields = ["title", "cup", "funding_decree", "amount", "start_date", "end_date", "measure_code", "partners"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "partners": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = self.instance.ambito.organisations.all()

    def clean_cup(self) -> str:
        return self.cleaned_data["cup"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("La data di fine deve essere successiva alla data di inizio."))
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
            "target_families",
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
        if start and end and (start < project.start_date or end > project.end_date):
            self.add_error(
                None,
                _("Le date dell'implementazione devono stare nel periodo del progetto (%(start)s – %(end)s).")
                % {"start": f"{project.start_date:%d/%m/%Y}", "end": f"{project.end_date:%d/%m/%Y}"},
            )
        return cleaned


class StaffTrainingForm(PortalForm):
    fixed_fields = ("user",)

    class Meta:
        model = StaffTraining
        fields = ["course", "provider", "hours", "completed_on", "certificate"]
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
