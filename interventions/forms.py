"""Forms of interventions, groups, solidarity, schools, events and timesheets."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from equipes.models import Implementation, Project, User
from families.forms import MemberMultipleChoiceField
from families.models import ACTIVE_STATES, Action, Family, Member, Objective, State
from families.pseudonymisation import member_labels_across_families
from families.selectors import current_plan
from pippi_portal.forms import PortalForm

from .models import (
    SEDT_MINIMUM_WEEKLY_HOURS,
    Group,
    GroupSession,
    Intervention,
    InterventionType,
    Pairing,
    ParentingEvent,
    SchoolMeeting,
    SchoolPartnership,
    SupportFamily,
)


class InterventionForm(PortalForm):
    class Meta:
        model = Intervention
        fields = [
            "type",
            "start_date",
            "end_date",
            "planned_hours_per_week",
            "sedt_exception_reason",
            "assigned_users",
            "objectives",
            "actions",
            "notes",
        ]
        widgets = {
            "assigned_users": forms.CheckboxSelectMultiple,
            "objectives": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
            "sedt_exception_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, family: Family, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.family = family
        self.fields["type"].queryset = InterventionType.objects.visible_to(user).active()
        self.fields["assigned_users"].queryset = User.objects.filter(
            ambito_id=family.ambito_id, is_active=True, role__in=["operatore", "case_manager"]
        )
        plan = current_plan(family)
        self.fields["objectives"].queryset = Objective.objects.filter(plan=plan)
        self.fields["actions"].queryset = Action.objects.filter(objective__plan=plan).select_related("objective")

    def clean(self):
        cleaned = super().clean()
        kind, hours = cleaned.get("type"), cleaned.get("planned_hours_per_week")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fine non può precedere l'inizio."))
        below_minimum = kind and kind.is_sedt and hours is not None and hours < SEDT_MINIMUM_WEEKLY_HOURS
        if below_minimum and not (cleaned.get("sedt_exception_reason") or "").strip():
            self.add_error(
                "planned_hours_per_week",
                _(
                    "L'educativa domiciliare prevede almeno 8 ore settimanali (incontri dell'EM compresi): "
                    "aumenta le ore o scrivi il motivo della deroga."
                ),
            )
        return cleaned


class GroupForm(PortalForm):
    class Meta:
        model = Group
        fields = [
            "type",
            "module_number",
            "name",
            "implementation",
            "venue",
            "planned_sessions",
            "frequency",
            "start_date",
            "facilitators",
        ]
        widgets = {"facilitators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ambito_id = self.instance.ambito_id or user.ambito_id
        self.fields["type"].queryset = InterventionType.objects.visible_to(user).filter(category="gruppo")
        # The group's project follows from the implementation it serves.
        self.fields["implementation"].queryset = (
            Implementation.objects.visible_to(user).select_related("project").order_by("project", "number")
        )
        self.fields["implementation"].required = True
        self.fields["implementation"].label_from_instance = lambda i: f"{i} — CUP {i.project.cup}"
        self.fields["facilitators"].queryset = User.objects.filter(ambito_id=self.instance.ambito_id, is_active=True)
        self.fields["planned_sessions"].help_text = _("Un modulo ha da 6 a 8 incontri.")

    fixed_fields = ("ambito", "project")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("implementation"):
            self.instance.project = cleaned["implementation"].project
        return cleaned


class GroupParticipantsForm(forms.Form):
    """The members of the ambito's active families who take part in a group. Each choice is labelled through
    `families.pseudonymisation`: names for roles that see identities, "CODICE · Minore 1" for the others, whose
    choices do not even read the names."""

    members = MemberMultipleChoiceField(
        label=_("Partecipanti"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, group: Group, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        members = (
            Member.objects.filter(
                family__in=Family.objects.visible_to(user), family__state__in=[*ACTIVE_STATES, State.SOSPESA]
            )
            .only("pk", "family_id")
            .order_by("family__code", "kind", "birth_date", "pk")
        )
        self.fields["members"].queryset = members
        self.fields["members"].labels = member_labels_across_families(user, members)
        self.fields["members"].initial = list(group.participants.values_list("pk", flat=True))


class GroupSessionForm(PortalForm):
    fixed_fields = ("group",)

    class Meta:
        model = GroupSession
        fields = ["date", "duration_minutes", "topic"]

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.group = group
        self.group = group

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < self.group.start_date:
            raise forms.ValidationError(_("L'incontro non può precedere l'inizio del modulo."))
        held = self.group.sessions.exclude(pk=self.instance.pk).count()
        if not self.instance.pk and held >= self.group.planned_sessions:
            raise forms.ValidationError(
                _("Il modulo prevede %(n)d incontri, già tutti registrati.") % {"n": self.group.planned_sessions}
            )
        return day


class SupportFamilyForm(PortalForm):
    class Meta:
        model = SupportFamily
        fields = ["name", "comune", "phone", "availability", "trained_on", "is_active"]
        widgets = {"availability": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ambito_id = self.instance.ambito_id or user.ambito_id
        self.fields["comune"].queryset = self.fields["comune"].queryset.filter(ambito_id=self.instance.ambito_id)


class PairingForm(PortalForm):
    class Meta:
        model = Pairing
        fields = ["support_family", "family", "start_date", "end_date", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_family"].queryset = SupportFamily.objects.visible_to(user).filter(is_active=True)
        self.fields["family"].queryset = Family.objects.visible_to(user).filter(state__in=ACTIVE_STATES)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fine non può precedere l'inizio."))
        return cleaned


class SchoolPartnershipForm(PortalForm):
    class Meta:
        model = SchoolPartnership
        fields = ["school", "kind", "signed_on", "project", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ambito_id = self.instance.ambito_id or user.ambito_id
        self.fields["project"].queryset = Project.objects.visible_to(user)


class SchoolMeetingForm(PortalForm):
    class Meta:
        model = SchoolMeeting
        fields = ["date", "participants", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class ParentingEventForm(PortalForm):
    class Meta:
        model = ParentingEvent
        fields = ["date", "topic", "venue", "participants_count", "programme_families", "project"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ambito_id = self.instance.ambito_id or user.ambito_id
        self.fields["project"].queryset = Project.objects.visible_to(user)

    def clean(self):
        cleaned = super().clean()
        total, programme = cleaned.get("participants_count"), cleaned.get("programme_families")
        if total is not None and programme is not None and programme > total:
            self.add_error("programme_families", _("Non possono essere più dei partecipanti."))
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Motivo della riapertura"), widget=forms.Textarea(attrs={"rows": 2}))
