"""Forms of interventions, groups, solidarity, schools, events, timesheets and the budget."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from equipes.models import Implementation, Profile, Project, Role, User
from equipes.project_rules import rules_of
from families.forms import MemberMultipleChoiceField
from families.models import ACTIVE_STATES, Action, Family, Member, Objective, State
from families.pseudonymisation import member_labels_across_families, objective_labels_across_families
from families.selectors import current_plan, family_rules
from pippi_portal.forms import PortalForm

from .models import (
    BudgetLine,
    CostItem,
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
from .models.groups import GROUP_OBJECTIVES_RULE


def type_label(kind: InterventionType) -> str:
    """A type as the activation form lists it: the child-protection services say that they are, beside the
    P.I.P.P.I. devices."""
    if kind.child_protection:
        return _("%(name)s (tutela minori, non PNRR)") % {"name": kind.name}
    return kind.name


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
        self.rules = family_rules(family)
        self.fields["type"].queryset = InterventionType.objects.visible_to(user).active().for_families()
        self.fields["type"].label_from_instance = type_label
        self.fields["assigned_users"].queryset = User.objects.filter(
            ambito_id=family.ambito_id, is_active=True, role__in=["operatore", "case_manager"]
        )
        plan = current_plan(family)
        self.fields["objectives"].queryset = Objective.objects.filter(plan=plan)
        self.fields["actions"].queryset = Action.objects.filter(objective__plan=plan).select_related("objective")
        self.fields["planned_hours_per_week"].help_text = _(
            "Per l'educativa domiciliare almeno %(h)s ore a settimana, incontri dell'EM compresi."
        ) % {"h": self.rules.sedt_minimum_text}
        if not self.rules.sedt_exception_allowed:
            # The project admits no exception to the minimum: no reason to write.
            del self.fields["sedt_exception_reason"]

    def clean(self):
        cleaned = super().clean()
        kind, hours = cleaned.get("type"), cleaned.get("planned_hours_per_week")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fine non può precedere l'inizio."))
        family = self.instance.family
        newly_chosen = self.instance.pk is None or "type" in self.changed_data
        if kind and newly_chosen and (refusal := kind.coverage_error(family.comune)):
            self.add_error("type", refusal)
        implementation = family.implementation
        # A child-protection service is the ambito's, not the project's: the end of the family's PNRR project
        # does not stop it.
        of_the_project = not (kind and kind.child_protection)
        concluded = implementation is not None and implementation.project.is_concluded
        if of_the_project and self.instance.pk is None and concluded:
            self.add_error(
                None,
                _(
                    "Il progetto della famiglia si è concluso il %(day)s: non si attivano nuovi interventi. "
                    "Gli interventi proseguono con il progetto successivo, quando la famiglia vi passa."
                )
                % {"day": f"{implementation.project.concluded_on:%d/%m/%Y}"},
            )
        minimum = self.rules.sedt_minimum_weekly_hours
        below_minimum = kind and kind.is_sedt and hours is not None and hours < minimum
        if below_minimum and not self.rules.sedt_exception_allowed:
            self.add_error(
                "planned_hours_per_week",
                _(
                    "L'educativa domiciliare prevede almeno %(h)s ore settimanali (incontri dell'EM compresi): "
                    "il progetto non ammette deroghe."
                )
                % {"h": self.rules.sedt_minimum_text},
            )
        elif below_minimum and not (cleaned.get("sedt_exception_reason") or "").strip():
            self.add_error(
                "planned_hours_per_week",
                _(
                    "L'educativa domiciliare prevede almeno %(h)s ore settimanali (incontri dell'EM compresi): "
                    "aumenta le ore o scrivi il motivo della deroga."
                )
                % {"h": self.rules.sedt_minimum_text},
            )
        return cleaned

    def educators_without_mooc(self) -> list[User]:
        """The educators assigned to an educational intervention (SEDT) who had not done the programme's MOOC
        by its start: 001 wants them trained first. A warning, not a refusal."""
        kind, start = self.cleaned_data.get("type"), self.cleaned_data.get("start_date")
        assigned = self.cleaned_data.get("assigned_users")
        if not (kind and kind.is_sedt and start and assigned):
            return []
        educators = User.objects.filter(pk__in=[u.pk for u in assigned], profile=Profile.EDUCATORE)
        return list(educators.without_programme_mooc(start))


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
        implementations = (
            Implementation.objects.visible_to(user).select_related("project").order_by("project", "number")
        )
        facilitators = User.objects.filter(ambito_id=self.instance.ambito_id, is_active=True)
        self.partner = user.organisation if user.role == Role.REFERENTE_ENTE else None
        if self.partner is not None:
            # The partner's referent runs groups of the projects its organisation is a partner of, with its staff.
            implementations = implementations.filter(project__partners=self.partner)
            facilitators = facilitators.filter(organisation=self.partner)
            self.fields["facilitators"].error_messages["invalid_choice"] = _(
                "I facilitatori si scelgono tra il personale di %(organisation)s."
            ) % {"organisation": str(self.partner).replace("%", "%%")}
        self.fields["implementation"].queryset = implementations
        self.fields["implementation"].required = True
        self.fields["implementation"].label_from_instance = lambda i: f"{i} — CUP {i.project.cup}"
        self.fields["facilitators"].queryset = facilitators
        self.fields["planned_sessions"].help_text = _(
            "Un modulo ha gli incontri che prevede il progetto (da 6 a 8 se il progetto non dice altro)."
        )

    fixed_fields = ("ambito", "project")

    def clean_facilitators(self):
        chosen = self.cleaned_data["facilitators"]
        if self.partner is None or self.instance.pk is None:
            return chosen
        # The facilitators of other organisations were not on the partner's referent's form: they stay.
        return [*chosen, *self.instance.facilitators.exclude(organisation=self.partner)]

    def clean(self):
        cleaned = super().clean()
        project = None
        if cleaned.get("implementation"):
            project = self.instance.project = cleaned["implementation"].project
        sessions = cleaned.get("planned_sessions")
        rules = rules_of(project)
        low, high = rules.group_module_min_sessions, rules.group_module_max_sessions
        if sessions is not None and not low <= sessions <= high:
            self.add_error(
                "planned_sessions",
                _("Un modulo di questo progetto ha da %(low)d a %(high)d incontri.") % {"low": low, "high": high},
            )
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


class ObjectiveMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Objectives of several families (a group's), labelled with `labels` (objective id -> label from
    `families.pseudonymisation.objective_labels_across_families`), never with the objective's own text."""

    labels: dict[int, str] = {}

    def label_from_instance(self, obj) -> str:
        return self.labels.get(obj.pk, "—")


class GroupObjectivesForm(forms.Form):
    """The Progetto Quadro objectives a group serves, chosen among those of the families taking part in it that
    the user can see (`Group.objective_choices`); labels through `families.pseudonymisation`."""

    objectives = ObjectiveMultipleChoiceField(
        label=_("Obiettivi dei Progetti Quadro a cui risponde il gruppo"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": GROUP_OBJECTIVES_RULE},
        help_text=_("Gli obiettivi dei Progetti Quadro in vigore delle famiglie che partecipano al gruppo."),
    )

    def __init__(self, *args, group: Group, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        objectives = (
            group.objective_choices()
            .filter(plan__family__in=Family.objects.visible_to(user))
            .order_by("plan__family__code", "subdimension__side__number", "subdimension__order", "pk")
        )
        self.fields["objectives"].queryset = objectives
        self.fields["objectives"].labels = objective_labels_across_families(user, objectives)
        self.fields["objectives"].initial = list(group.objectives.values_list("pk", flat=True))


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
        projects = Project.objects.visible_to(user)
        if user.role == Role.REFERENTE_ENTE:
            # The partner's referent records the events of the projects its organisation is a partner of.
            projects = projects.filter(partners=user.organisation_id)
            self.fields["project"].required = True
        self.fields["project"].queryset = projects


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
        projects = Project.objects.visible_to(user)
        if user.role == Role.REFERENTE_ENTE:
            # The partner's referent records the events of the projects its organisation is a partner of.
            projects = projects.filter(partners=user.organisation_id)
            self.fields["project"].required = True
        self.fields["project"].queryset = projects

    def clean(self):
        cleaned = super().clean()
        total, programme = cleaned.get("participants_count"), cleaned.get("programme_families")
        if total is not None and programme is not None and programme > total:
            self.add_error("programme_families", _("Non possono essere più dei partecipanti."))
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Motivo della riapertura"), widget=forms.Textarea(attrs={"rows": 2}))


class BudgetLineForm(PortalForm):
    """A line of the project's budget; the lines and the other cost items together stay within the financed
    amount (`BudgetLine.clean` gives the message, `services.budget_line_save` checks again under a lock)."""

    fixed_fields = ("project",)
    # Without the form field's own floor of 0, the model's validators say what is wrong in their words.
    minimum_hours = forms.IntegerField(
        label=_("monte ore minimo"), help_text=_("Le ore minime del profilo per tutta la durata del progetto.")
    )

    class Meta:
        model = BudgetLine
        fields = ["profile", "minimum_hours", "hourly_cost"]
        help_texts = {
            "hourly_cost": _("Costo orario lordo riconosciuto al partner, in euro."),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project


class CostItemForm(PortalForm):
    """A non-staff cost of the project with its supporting document (PDF, JPEG or PNG, stored under a
    random name); dated within the project, and within the financed amount with the other lines and items."""

    class Meta:
        model = CostItem
        fields = ["description", "category", "amount", "date", "document_reference", "document"]

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean_date(self):
        day = self.cleaned_data["date"]
        project = self.instance.project
        if not project.start_date <= day <= project.end_date:
            raise forms.ValidationError(
                _("La data deve cadere nel periodo del progetto, dal %(start)s al %(end)s.")
                % {"start": f"{project.start_date:%d/%m/%Y}", "end": f"{project.end_date:%d/%m/%Y}"}
            )
        return day
