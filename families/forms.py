"""Forms of the family path. They validate and normalise; workflows live in `families.services`."""

from __future__ import annotations

import datetime

from codicefiscale import codicefiscale
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from equipes import national_comuni
from equipes.models import Comune, Equipe, Implementation, Profile, Role, User
from pippi_portal import sinba_codes
from pippi_portal.forms import DateInput, PortalForm

from .models import (
    AFFIDO_FIELDS,
    IMPLEMENTATION_OUTSIDE_AMBITO,
    RESIDENTIAL_FIELDS,
    Action,
    Assessment,
    Closure,
    ConcernLevel,
    Consent,
    DiaryNote,
    Family,
    Framework,
    Member,
    Objective,
    Placement,
    PlanComment,
    Preassessment,
    ProgettoQuadro,
    RatingLevel,
    Referral,
    SDQScore,
    Side,
    SubDimension,
    TeamMeeting,
    TeamMember,
    TimePoint,
    Verification,
    age_on,
    implementation_open_to,
)
from .pseudonymisation import member_labels, team_views
from .services import DuplicateConfirmed


def not_in_future(day: datetime.date | None, field: str, form: forms.Form) -> None:
    if day and day > timezone.localdate():
        form.add_error(field, _("La data non può essere nel futuro."))


def label_members(field: forms.ModelChoiceField, user: User, family: Family, members) -> None:
    """A member picker labelled through `families.pseudonymisation`, like every other place that names a
    person: the name for roles that see identities, the pseudonym ("Minore 1") for the others, whose choices
    do not even read the names."""
    labels = member_labels(user, family)
    field.queryset = members if user.sees_identities else members.only("pk", "family_id")
    field.label_from_instance = lambda member: labels.get(member.pk, "—")


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Members of several families (a group's participants), labelled with `labels` (member id -> label from
    `families.pseudonymisation.member_labels_across_families`); a member without a label shows no name."""

    labels: dict[int, str] = {}

    def label_from_instance(self, obj) -> str:
        return self.labels.get(obj.pk, "—")


#: The judicial details of the SINBA return, on the family form beside the order they describe.
FAMILY_SINBA_ORDER = ("sinba_order_date", "sinba_order_type", "sinba_parental_responsibility")
FAMILY_SINBA_DETAILS = ("sinba_report_date", *FAMILY_SINBA_ORDER)
UNDER_ORDER_ONLY = _("Si indica solo per una famiglia sotto provvedimento dell'autorità giudiziaria.")


class FamilyForm(PortalForm):
    class Meta:
        model = Family
        fields = [
            "comune",
            "equipe",
            "implementation",
            "case_manager",
            "reunification",
            "under_judicial_authority",
            "judicial_authority_court",
            "sinba_judicial_report",
            *FAMILY_SINBA_DETAILS,
            "sinba_family_assessment",
            "sinba_isee_band",
            "sinba_isee_members",
            "sinba_collaboration",
            "cultural_mediation",
            "language",
            "address",
            "phone",
        ]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        ambito_id = self.instance.ambito_id or user.ambito_id
        scope = {"ambito_id": ambito_id} if ambito_id else {}
        self.fields["comune"].queryset = Comune.objects.filter(**scope)
        self.fields["equipe"].queryset = Equipe.objects.filter(**scope)
        # The implementations of every project the ambito takes part in, as lead or associated: all of them
        # validate (an ended one gets its own error below), only those taking families today are offered.
        implementations = Implementation.objects.of_ambito(ambito_id) if ambito_id else Implementation.objects.all()
        self.fields["implementation"].queryset = implementations.select_related("project")
        self.today = timezone.localdate()
        self._offer_implementations(implementations)
        self.ambito_id = ambito_id
        self.fields["case_manager"].queryset = User.objects.filter(role=Role.CASE_MANAGER, is_active=True, **scope)
        if not self.instance.pk and user.role == Role.CASE_MANAGER:
            self.initial.setdefault("case_manager", user.pk)
            equipe = user.equipes.filter(**scope).first()
            if equipe:
                self.initial.setdefault("equipe", equipe.pk)
        # The referral's SINBA source, once the family is registered (the referral has no page of its own).
        self.referral = getattr(self.instance, "referral", None) if self.instance.pk else None
        if self.referral is not None:
            source = Referral._meta.get_field("sinba_source")
            name = str(source.verbose_name)
            self.fields["referral_sinba_source"] = forms.ChoiceField(
                label=name[:1].upper() + name[1:],
                choices=[("", "---------"), *sinba_codes.fonte_segnalazione()],
                required=False,
                initial=self.referral.sinba_source,
                help_text=source.help_text,
            )

    def _offer_implementations(self, implementations) -> None:
        """The choices: the implementations taking families today (running or about to start), and the family's
        own when it has one, whatever its dates. With none to offer, the field says so."""
        field = self.fields["implementation"]
        offered = implementations.taking_families_on(self.today)
        if self.instance.implementation_id:
            offered = offered | implementations.filter(pk=self.instance.implementation_id)
        choices = [(i.pk, i.label) for i in offered.select_related("project").order_by("start_date", "number")]
        field.widget.choices = [("", "---------"), *choices]
        if not any(pk != self.instance.implementation_id for pk, _label in choices):
            field.help_text = _(
                "Nessuna implementazione in corso accoglie nuove famiglie: la segnalazione si registra senza "
                "implementazione e la si assegna quando ne partirà una."
            )
        else:
            field.help_text = _("Le implementazioni in corso o in partenza; quelle terminate non accolgono famiglie.")

    def clean_implementation(self):
        """An ended implementation, or one of a concluded project, takes no new families: they stay only for the
        families already in them."""
        implementation = self.cleaned_data.get("implementation")
        changed = implementation is not None and implementation.pk != self.instance.implementation_id
        if changed and implementation.project.is_concluded:
            raise forms.ValidationError(
                _("Il progetto di questa implementazione si è concluso il %(day)s: non accoglie nuove famiglie.")
                % {"day": f"{implementation.project.concluded_on:%d/%m/%Y}"}
            )
        if changed and implementation.has_ended_on(self.today):
            raise forms.ValidationError(
                _(
                    "%(implementation)s è terminata il %(day)s: non accoglie nuove famiglie. "
                    "Scegli un'implementazione in corso."
                )
                % {
                    "implementation": implementation,
                    "day": f"{min(implementation.end_date, implementation.project.end_date):%d/%m/%Y}",
                }
            )
        return implementation

    def clean(self):
        cleaned = super().clean()
        equipe, comune = cleaned.get("equipe"), cleaned.get("comune")
        if equipe and comune and equipe.ambito_id != comune.ambito_id:
            self.add_error("equipe", _("L'équipe deve essere dello stesso ambito del comune."))
        if cleaned.get("judicial_authority_court") and not cleaned.get("under_judicial_authority"):
            self.add_error(
                "judicial_authority_court",
                _("Il tribunale si indica solo per una famiglia sotto provvedimento dell'autorità giudiziaria."),
            )
        for name in FAMILY_SINBA_ORDER:
            if cleaned.get(name) and not cleaned.get("under_judicial_authority"):
                self.add_error(name, UNDER_ORDER_ONLY)
        if cleaned.get("sinba_report_date") and cleaned.get("sinba_judicial_report") != "1":
            self.add_error(
                "sinba_report_date", _("Si indica solo se la situazione è stata segnalata all'autorità giudiziaria.")
            )
        for name in ("sinba_report_date", "sinba_order_date"):
            not_in_future(cleaned.get(name), name, self)
        implementation = cleaned.get("implementation")
        ambito_id = equipe.ambito_id if equipe else self.ambito_id
        if implementation and not implementation_open_to(implementation, ambito_id):
            self.add_error("implementation", IMPLEMENTATION_OUTSIDE_AMBITO)
        return cleaned

    def save(self, commit: bool = True):
        family = super().save(commit=commit)
        source = self.cleaned_data.get("referral_sinba_source")
        if commit and self.referral is not None and source is not None and source != self.referral.sinba_source:
            self.referral.sinba_source = source
            self.referral.save(update_fields=["sinba_source"])
        return family


class ReferralForm(PortalForm):
    class Meta:
        model = Referral
        fields = ["date", "source", "reason", "sinba_source"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Most referrals are registered the day they arrive.
        self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        day = self.cleaned_data["date"]
        not_in_future(day, "date", self)
        return day


def check_codice_fiscale(code: str, birth_date: datetime.date | None, sex: str | None) -> list[tuple[str, str]]:
    """Validate a codice fiscale and cross-check the birth date and sex it encodes with those typed.
    Returns (field, message) pairs."""
    if not codicefiscale.is_valid(code):
        return [("codice_fiscale", _("Il codice fiscale non è valido: controlla le 16 lettere e cifre."))]
    decoded = codicefiscale.decode(code)
    errors = []
    decoded_date = decoded["birthdate"].date()
    if birth_date and (decoded_date.month, decoded_date.day, decoded_date.year % 100) != (
        birth_date.month,
        birth_date.day,
        birth_date.year % 100,
    ):
        errors.append(
            (
                "birth_date",
                _("La data di nascita non corrisponde al codice fiscale, che indica il %(date)s.")
                % {"date": decoded_date.strftime("%d/%m/") + f"{decoded_date.year % 100:02d}"},
            )
        )
    if sex and decoded["gender"] != sex:
        errors.append(("sex", _("Il sesso non corrisponde al codice fiscale.")))
    return errors


def check_birth_place(code: str, birth_place: str) -> list[tuple[str, str]]:
    """Cross-check the comune (or foreign state, "Z...") of birth chosen with the one a valid codice fiscale
    encodes. A code no longer current (a comune since merged) cannot be chosen from the list: not checked."""
    encoded = national_comuni.belfiore_of_codice_fiscale(code)
    place = national_comuni.by_code(encoded)
    if place is None or encoded == birth_place:
        return []
    return [
        (
            "birth_comune_code",
            _("Il luogo di nascita non corrisponde al codice fiscale, che indica %(place)s.") % {"place": place.label},
        )
    ]


class PlaceInput(forms.TextInput):
    """A place of birth: shows the stored Belfiore code as the place's name, e.g. "Seregno (MB)"."""

    def format_value(self, value):
        place = national_comuni.by_code(value) if value and len(str(value)) == 4 else None
        return place.label if place else super().format_value(value)


#: A minor's fields of the SINBA return (docs/sinba.md), asked with the member; empty for adults.
MEMBER_SINBA_FIELDS = (
    "sinba_condition",
    "sinba_living_place",
    "sinba_school",
    "sinba_work",
    "sinba_disability",
    "sinba_disability_type",
    "sinba_disability_certification",
    "sinba_assessment",
)
#: TipoDisabilita and InvCivCertificazioni describe a disability: asked only when there is one (Disabilita "1").
DISABILITY_DETAILS = ("sinba_disability_type", "sinba_disability_certification")
#: A parent figure's fields of the SINBA return (the XSD's father and mother); empty for the others.
PARENT_SINBA_FIELDS = ("citizenship", "sinba_education", "sinba_occupation")


class MemberForm(PortalForm):
    class Meta:
        model = Member
        fields = [
            "kind",
            "first_name",
            "last_name",
            "codice_fiscale",
            "birth_date",
            "sex",
            "birth_comune_code",
            "relationship",
            "school",
            "school_class",
            "is_reference_child",
            *MEMBER_SINBA_FIELDS,
            *PARENT_SINBA_FIELDS,
        ]

    # Shown only when the codice fiscale is already in another family of the ambito (`check_duplicate`).
    confirm_duplicate = forms.BooleanField(
        label=_("Confermo: va registrato qui anche se il codice fiscale è già presente nell'ambito"),
        required=False,
        widget=forms.HiddenInput,
    )
    duplicate_reason = forms.CharField(
        label=_("Motivo della conferma"), required=False, max_length=1000, widget=forms.HiddenInput
    )

    def __init__(self, *args, user: User | None = None, ambito_id: int | None = None, **kwargs):
        """`user` and `ambito_id` (the ambito of the family, by default the instance's) switch on the check for
        a codice fiscale already registered in another family of the ambito; without them it is skipped."""
        super().__init__(*args, **kwargs)
        self.fields["codice_fiscale"].help_text = _(
            "Facoltativo. Se indicato, la data di nascita e il sesso devono corrispondere."
        )
        self.fields["birth_comune_code"] = forms.CharField(
            label=_("Comune o stato di nascita"),
            required=False,
            max_length=100,
            widget=PlaceInput,
            help_text=_(
                "Facoltativo. Dall'elenco nazionale: il nome del comune, es. «Seregno (MB)», o dello stato estero, "
                "o il codice catastale. Deve corrispondere al codice fiscale."
            ),
        )
        self.user = user
        self.ambito_id = ambito_id or (self.instance.family.ambito_id if self.instance.family_id else None)
        #: The family that already has this codice fiscale, when the user confirmed registering it again.
        self.confirmed_duplicate_of: int | None = None

    def clean_codice_fiscale(self) -> str:
        return (self.cleaned_data.get("codice_fiscale") or "").replace(" ", "").upper()

    def clean_birth_comune_code(self) -> str:
        """The Belfiore code of the place typed or chosen, which must be in the national list."""
        text = self.cleaned_data.get("birth_comune_code") or ""
        if not text.strip():
            return ""
        place, problem = national_comuni.resolve(text)
        if place is None:
            raise ValidationError(problem)
        return place.code

    def clean(self):
        cleaned = super().clean()
        birth_date = cleaned.get("birth_date")
        not_in_future(birth_date, "birth_date", self)
        if cleaned.get("kind") and cleaned.get("kind") != Member.Kind.MINORE:
            for name in MEMBER_SINBA_FIELDS:
                if cleaned.get(name):
                    self.add_error(name, _("Si indica solo per un minore."))
        if cleaned.get("sinba_disability") != "1":
            for name in DISABILITY_DETAILS:
                if cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Si indica solo per un minore con disabilità."))
        if cleaned.get("kind") and cleaned.get("kind") != Member.Kind.FIGURA_GENITORIALE:
            for name in PARENT_SINBA_FIELDS:
                if cleaned.get(name):
                    self.add_error(name, _("Si indica solo per una figura genitoriale."))
        code = cleaned.get("codice_fiscale")
        if code:
            for field, message in check_codice_fiscale(code, birth_date, cleaned.get("sex")):
                self.add_error(field, message)
            birth_place = cleaned.get("birth_comune_code")
            if birth_place and "codice_fiscale" not in self.errors:
                for field, message in check_birth_place(code, birth_place):
                    self.add_error(field, message)
        if code and "codice_fiscale" not in self.errors:
            self.check_duplicate(code, cleaned)
        if (
            code
            and self.instance.family_id
            and Member.objects.with_codice_fiscale(code)
            .filter(family_id=self.instance.family_id)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("codice_fiscale", _("Un altro componente della famiglia ha già questo codice fiscale."))
        if cleaned.get("is_reference_child") and cleaned.get("kind") != Member.Kind.MINORE:
            self.add_error("is_reference_child", _("Il bambino di riferimento deve essere un minore."))
        # The family is not a field of the form, so Django leaves the one-reference-child constraint out of
        # its checks: without this a second reference child is a database error (a 500).
        family_id = self.instance.family_id
        if (
            cleaned.get("is_reference_child")
            and family_id
            and Member.objects.filter(family_id=family_id, is_reference_child=True)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("is_reference_child", _("La famiglia ha già un bambino di riferimento."))
        return cleaned

    def check_duplicate(self, code: str, cleaned: dict) -> None:
        """A codice fiscale already in another family of the same ambito (never another ambito's: nothing is
        said about those) is refused until the user confirms with a reason. The warning names the family
        when the user may open it; otherwise it only says the person is registered and who to ask."""
        if self.user is None or self.ambito_id is None or "codice_fiscale" not in self.changed_data:
            return
        existing = (
            Member.objects.with_codice_fiscale(code)
            .filter(family__ambito_id=self.ambito_id)
            .exclude(family_id=self.instance.family_id)
            .order_by("family_id")
            .values_list("family_id", flat=True)
            .first()
        )
        if existing is None:
            return
        self.show_duplicate_confirmation()
        family = Family.objects.visible_to(self.user).filter(pk=existing).only("pk", "code").first()
        if family is not None:
            self.set_help_text(
                "confirm_duplicate",
                format_html(
                    '{} <a href="{}">{}</a>', _("Famiglia già registrata:"), family.get_absolute_url(), family.code
                ),
            )
        if not cleaned.get("confirm_duplicate"):
            if family is not None:
                message = _(
                    "Questo codice fiscale è già registrato nella famiglia %(code)s. Se va registrato anche qui, "
                    "spunta la conferma e scrivi il motivo."
                ) % {"code": family.code}
            else:
                message = _(
                    "Questo codice fiscale è già registrato nell'ambito: chiedi al coordinatore. Se va registrato "
                    "anche qui, spunta la conferma e scrivi il motivo."
                )
            self.add_error("codice_fiscale", message)
        elif not (cleaned.get("duplicate_reason") or "").strip():
            self.add_error("duplicate_reason", _("Scrivi il motivo per cui registri di nuovo questa persona."))
        else:
            self.confirmed_duplicate_of = existing

    def show_duplicate_confirmation(self) -> None:
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
        self.fields["duplicate_reason"].widget = forms.Textarea(attrs={"rows": 2})
        self.set_help_text(
            "duplicate_reason",
            _("Resta registrato con la famiglia, per il coordinatore (es. la madre è segnalata con un nuovo nucleo)."),
        )

    def set_help_text(self, name: str, text: str) -> None:
        # Cleaning has already made the bound field, which keeps its own copy of the help text.
        self.fields[name].help_text = self[name].help_text = text

    def duplicate_confirmation(self) -> DuplicateConfirmed | None:
        """The family that already had the codice fiscale and the reason, when the user confirmed."""
        if self.confirmed_duplicate_of is None:
            return None
        return DuplicateConfirmed(self.confirmed_duplicate_of, self.cleaned_data["duplicate_reason"].strip())


class BaseMemberFormSet(forms.BaseInlineFormSet):
    """The members of a new family: one block to start with, blocks added and removed one at a time."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not any(f.cleaned_data.get("kind") == Member.Kind.MINORE for f in filled):
            raise ValidationError(_("Indica almeno un minore tra i componenti della famiglia."))
        if sum(1 for f in filled if f.cleaned_data.get("is_reference_child")) > 1:
            raise ValidationError(_("Un solo bambino può essere quello di riferimento."))
        codes = [f.cleaned_data["codice_fiscale"] for f in filled if f.cleaned_data.get("codice_fiscale")]
        if len(codes) != len(set(codes)):
            raise ValidationError(_("Lo stesso codice fiscale compare due volte."))

    def numbered(self) -> list[tuple[int | None, MemberForm]]:
        """Each block with its number as the page shows it ("Componente 2"); removed blocks (still on the page,
        hidden, after an error) have none."""
        numbered, number = [], 0
        for form in self.forms:
            removed = bool(form["DELETE"].value())
            number += 0 if removed else 1
            numbered.append((None if removed else number, form))
        return numbered

    def new_members(self) -> list[MemberForm]:
        """The filled-in blocks that were not removed."""
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Togli questo componente")


MemberFormSet = inlineformset_factory(
    Family, Member, form=MemberForm, formset=BaseMemberFormSet, extra=1, can_delete=True, max_num=12, absolute_max=12
)


class PreassessmentForm(PortalForm):
    class Meta:
        model = Preassessment
        fields = ["date", "orientation", "risk_factors", "protective_factors", "motivation"]
        widgets = {
            "risk_factors": forms.Textarea(attrs={"rows": 3}),
            "protective_factors": forms.Textarea(attrs={"rows": 3}),
            "motivation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.family = family
        self.family = family
        self.sides = list(Side.objects.filter(framework=Framework.current()))
        existing = {c.side_id: c.level for c in self.instance.concerns.all()} if self.instance.pk else {}
        for side in self.sides:
            self.fields[f"concern_{side.pk}"] = forms.TypedChoiceField(
                label=_("Preoccupazione — %(side)s") % {"side": side.title},
                choices=ConcernLevel.choices,
                coerce=int,
                initial=existing.get(side.pk),
            )

    def clean_date(self):
        day = self.cleaned_data["date"]
        not_in_future(day, "date", self)
        referral = getattr(self.family, "referral", None)
        if day and referral and day < referral.date:
            raise ValidationError(
                _("Il pre-assessment non può precedere la segnalazione (%(d)s).")
                % {"d": referral.date.strftime("%d/%m/%Y")}
            )
        return day

    def concerns(self) -> dict[int, int]:
        return {side.pk: self.cleaned_data[f"concern_{side.pk}"] for side in self.sides}


class ConsentForm(PortalForm):
    fixed_fields = ("family",)

    class Meta:
        model = Consent
        fields = ["kind", "signed_on", "signed_by", "file"]

    def __init__(self, *args, family: Family, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.family = family
        label_members(self.fields["signed_by"], user, family, family.members.exclude(kind=Member.Kind.MINORE))
        self.fields["file"].help_text = _("PDF, JPEG o PNG, al massimo 10 MB.")

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        not_in_future(day, "signed_on", self)
        return day


class OperatorSelect(forms.Select):
    """The operators of the ambito, each option carrying the person's professional profile (`data-role`), which
    `static/js/team.js` copies into the team role when the role is still empty."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None and instance.profile:
            option["attrs"]["data-role"] = instance.get_profile_display()
        return option


def operator_label(user: User) -> str:
    """An operator in the team's picker: the name and the professional profile, so that two namesakes or a
    psychologist and an educator are told apart."""
    return f"{user} — {user.get_profile_display()}" if user.profile else str(user)


class TeamMemberForm(PortalForm):
    class Meta:
        model = TeamMember
        fields = ["user", "member", "external_name", "role"]
        widgets = {"user": OperatorSelect(attrs={"data-fills-role": "id_role"})}

    # The three kinds of person, in the order the form shows them, as the errors name them.
    KINDS = {
        "user": _("un operatore"),
        "member": _("un componente della famiglia"),
        "external_name": _("una persona esterna"),
    }

    def __init__(self, *args, family: Family, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.family = family
        self.fields["user"].queryset = (
            User.objects.filter(ambito_id=family.ambito_id, is_active=True)
            .exclude(role=Role.REFERENTE_ENTE)
            .order_by("last_name", "first_name", "username")
        )
        self.fields["user"].label_from_instance = operator_label
        label_members(self.fields["member"], user, family, family.members.all())
        self.fields["role"].required = False
        self.fields["role"].help_text = _(
            "es. educatrice, psicologo, insegnante, pediatra, madre; per un operatore si propone il suo profilo "
            "professionale."
        )

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in self.KINDS if cleaned.get(name)]
        operator = cleaned.get("user")  # read now: a field's error below takes it out of `cleaned`
        # Errors go on the fields (never above the form): a field in error also keeps the database's rule
        # "one kind of person per row" (team_member_is_one_kind) out of the form's checks, which would
        # otherwise repeat the refusal under the constraint's name.
        if not chosen and not any(name in self.errors for name in self.KINDS):
            self.add_error(
                "user", _("Indica la persona: un operatore, un componente della famiglia o una persona esterna.")
            )
        for name in chosen[1:]:
            self.add_error(
                name, _("Indica una sola persona: hai già scelto %(first)s.") % {"first": self.KINDS[chosen[0]]}
            )
        family = self.instance.family
        if cleaned.get("user") and family.team.filter(user=cleaned["user"]).exists():
            self.add_error("user", _("Questo operatore fa già parte dell'équipe della famiglia."))
        if cleaned.get("member") and family.team.filter(member=cleaned["member"]).exists():
            self.add_error("member", _("Questo familiare fa già parte dell'équipe."))
        if not cleaned.get("role"):
            if operator is not None and operator.profile and len(chosen) == 1:
                cleaned["role"] = operator.get_profile_display()
            elif "role" not in self.errors:
                self.add_error("role", _("Indica il ruolo nell'équipe."))
        return cleaned

    def educators_without_mooc(self) -> list[User]:
        """The educator just added, if they have not done the programme's MOOC: 001 wants the educators trained
        before they start and present in every phase of the EM. A warning, not a refusal."""
        chosen = self.cleaned_data.get("user")
        if chosen is None or chosen.profile != Profile.EDUCATORE:
            return []
        return list(User.objects.filter(pk=chosen.pk).without_programme_mooc())


class TeamMeetingForm(PortalForm):
    class Meta:
        model = TeamMeeting
        fields = ["date", "participants", "minutes", "decisions"]
        widgets = {"participants": forms.CheckboxSelectMultiple}

    def __init__(self, *args, family: Family, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.family = family
        team = {row["pk"]: f"{row['who']} ({row['role']})" for row in team_views(user, family)}
        self.fields["participants"].queryset = family.team.only("pk", "family_id")
        self.fields["participants"].label_from_instance = lambda member: team.get(member.pk, "—")

    def clean_date(self):
        day = self.cleaned_data["date"]
        not_in_future(day, "date", self)
        return day


class AssessmentForm(forms.Form):
    """The ratings of every sub-dimension at one time point, with the three voices."""

    date = forms.DateField(label=_("Data della valutazione"), widget=DateInput())

    def __init__(self, *args, family: Family, time_point: str, assessment: Assessment | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.family, self.time_point = family, time_point
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.framework = framework = assessment.framework if assessment else Framework.current()
        self.subdimensions = list(
            SubDimension.objects.filter(side__framework=framework)
            .select_related("side")
            .order_by("side__number", "order")
        )
        levels = [("", _("— non ancora valutata —"))] + [
            (str(level.value), f"{level.value} — {level.label}") for level in RatingLevel.objects.all()
        ]
        existing = {r.subdimension_id: r for r in assessment.ratings.all()} if assessment else {}
        if assessment:
            self.initial.setdefault("date", assessment.date)
        for sub in self.subdimensions:
            current = existing.get(sub.pk)
            self.fields[f"rating_{sub.pk}"] = forms.TypedChoiceField(
                label=sub.name,
                choices=levels,
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.rating if current else None,
            )
            for voice, label in [
                ("child_voice", _("Voce del bambino")),
                ("parents_voice", _("Voce dei genitori")),
                ("operators_voice", _("Voce degli operatori")),
            ]:
                self.fields[f"{voice}_{sub.pk}"] = forms.CharField(
                    label=f"{label} — {sub.name}",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=getattr(current, voice) if current else "",
                )

    def grouped(self):
        """(side, [(subdimension, rating field, [voice fields])]) for the template."""
        groups: dict[int, tuple] = {}
        for sub in self.subdimensions:
            row = (
                sub,
                self[f"rating_{sub.pk}"],
                [self[f"{voice}_{sub.pk}"] for voice in ("child_voice", "parents_voice", "operators_voice")],
            )
            groups.setdefault(sub.side.number, (sub.side, []))[1].append(row)
        return list(groups.values())

    def clean_date(self):
        day = self.cleaned_data["date"]
        not_in_future(day, "date", self)
        others = dict(self.family.assessments.exclude(time_point=self.time_point).values_list("time_point", "date"))
        order = [TimePoint.T0, TimePoint.T1, TimePoint.T2]
        position = order.index(self.time_point)
        for earlier in order[:position]:
            if earlier in others and day <= others[earlier]:
                raise ValidationError(
                    _("La valutazione %(this)s deve essere successiva a quella %(other)s del %(d)s.")
                    % {"this": self.time_point, "other": earlier, "d": others[earlier].strftime("%d/%m/%Y")}
                )
        for later in order[position + 1 :]:
            if later in others and day >= others[later]:
                raise ValidationError(
                    _("La valutazione %(this)s deve precedere quella %(other)s del %(d)s.")
                    % {"this": self.time_point, "other": later, "d": others[later].strftime("%d/%m/%Y")}
                )
        if self.time_point != TimePoint.T0 and TimePoint.T0 not in others:
            raise ValidationError(_("Registra prima la valutazione T0."))
        return day

    def ratings(self) -> dict[int, dict]:
        return {
            sub.pk: {
                "rating": self.cleaned_data.get(f"rating_{sub.pk}"),
                "child_voice": self.cleaned_data.get(f"child_voice_{sub.pk}", ""),
                "parents_voice": self.cleaned_data.get(f"parents_voice_{sub.pk}", ""),
                "operators_voice": self.cleaned_data.get(f"operators_voice_{sub.pk}", ""),
            }
            for sub in self.subdimensions
        }


class SDQForm(PortalForm):
    class Meta:
        model = SDQScore
        fields = [
            "member",
            "time_point",
            "respondent",
            "date",
            "emotional",
            "conduct",
            "hyperactivity",
            "peer",
            "prosocial",
        ]

    def __init__(self, *args, family: Family, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        label_members(self.fields["member"], user, family, family.members.filter(kind=Member.Kind.MINORE))
        self.fields["member"].label = _("Bambino")
        for name in ("emotional", "conduct", "hyperactivity", "peer", "prosocial"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 10})
            self.fields[name].help_text = _("da 0 a 10")

    def clean(self):
        cleaned = super().clean()
        member, day = cleaned.get("member"), cleaned.get("date")
        not_in_future(day, "date", self)
        self_report = cleaned.get("respondent") == SDQScore.Respondent.AUTOVALUTAZIONE
        if member and day and self_report and not 11 <= age_on(member.birth_date, day) <= 17:
            self.add_error("respondent", _("L'autovalutazione SDQ è prevista solo dagli 11 ai 17 anni."))
        return cleaned


class PlanForm(PortalForm):
    class Meta:
        model = ProgettoQuadro
        fields = ["date", "general_aims"]
        widgets = {"general_aims": forms.Textarea(attrs={"rows": 4})}


class PlanShareForm(forms.Form):
    shared_on = forms.DateField(label=_("Condiviso con la famiglia il"), widget=DateInput())

    def __init__(self, *args, plan: ProgettoQuadro, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_shared_on(self):
        day = self.cleaned_data["shared_on"]
        not_in_future(day, "shared_on", self)
        if day < self.plan.date:
            raise ValidationError(_("La condivisione non può precedere la data del Progetto Quadro."))
        return day


class PlanReviseForm(forms.Form):
    date = forms.DateField(label=_("Data della nuova versione"), widget=DateInput())
    reason = forms.CharField(label=_("Motivo della revisione"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan: ProgettoQuadro, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Salva")))

    def clean_date(self):
        day = self.cleaned_data["date"]
        not_in_future(day, "date", self)
        if day < self.plan.date:
            raise ValidationError(_("La nuova versione non può precedere quella in vigore."))
        return day


class ObjectiveForm(PortalForm):
    class Meta:
        model = Objective
        fields = ["subdimension", "expected_result", "verification_method", "deadline", "status"]
        widgets = {
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "verification_method": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan: ProgettoQuadro, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["subdimension"].queryset = SubDimension.objects.filter(
            side__framework=Framework.current()
        ).select_related("side")
        self.fields["subdimension"].label_from_instance = lambda s: f"{s.side.short_title} — {s.name}"


class ActionForm(PortalForm):
    class Meta:
        model = Action
        fields = ["description", "responsible_user", "responsible_member", "responsible_other", "frequency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, objective: Objective, family: Family, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.objective = objective
        self.fields["responsible_user"].queryset = User.objects.filter(ambito_id=family.ambito_id, is_active=True)
        label_members(self.fields["responsible_member"], user, family, family.members.all())

    def clean(self):
        cleaned = super().clean()
        if not (
            cleaned.get("responsible_user") or cleaned.get("responsible_member") or cleaned.get("responsible_other")
        ):
            raise ValidationError(_("Indica chi svolge l'azione: un operatore, un familiare o una risorsa informale."))
        return cleaned


class VerificationForm(forms.Form):
    date = forms.DateField(label=_("Data della verifica"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Esito"), choices=Verification.Outcome.choices)
    notes = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, family: Family, time_point: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.family, self.time_point = family, time_point
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Salva")))

    def clean_date(self):
        day = self.cleaned_data["date"]
        not_in_future(day, "date", self)
        t0 = self.family.assessments.filter(time_point=TimePoint.T0).values_list("date", flat=True).first()
        if t0 and day <= t0:
            raise ValidationError(
                _("La verifica %(tp)s deve essere successiva alla valutazione T0 del %(d)s.")
                % {"tp": self.time_point, "d": t0.strftime("%d/%m/%Y")}
            )
        return day


class PlanCommentForm(PortalForm):
    submit_label = _("Aggiungi il commento")

    class Meta:
        model = PlanComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class DiaryNoteForm(PortalForm):
    class Meta:
        model = DiaryNote
        fields = ["date", "sensitivity", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def clean_date(self):
        day = self.cleaned_data["date"]
        not_in_future(day, "date", self)
        return day


class ClosureForm(PortalForm):
    fixed_fields = ("family",)

    class Meta:
        model = Closure
        fields = ["date", "outcome", "child_at_home", "sinba_closure_reason", "sinba_closure_situation", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.family = family
        self.family = family

    def clean_date(self):
        day = self.cleaned_data["date"]
        not_in_future(day, "date", self)
        t2 = self.family.assessments.filter(time_point=TimePoint.T2).values_list("date", flat=True).first()
        if t2 and day < t2:
            raise ValidationError(_("La chiusura non può precedere la valutazione T2."))
        return day


class TransitionForm(forms.Form):
    on = forms.DateField(label=_("Data del passaggio"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("Motivo"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    interruption_reason = forms.ChoiceField(
        label=_("Motivo dell'interruzione"),
        choices=[("", "—"), *Family.InterruptionReason.choices],
        required=False,
    )


#: How far ahead a placement may start: one decided and about to begin is recorded, a date years away is a typo.
PLACEMENT_START_AHEAD = datetime.timedelta(days=180)
#: The fields of each kind of placement (the other kind's are not on the form); the outcome is for an ended one.
PLACEMENT_FIELDS = {
    Placement.Kind.AFFIDO: (*AFFIDO_FIELDS, "affido_outcome"),
    Placement.Kind.RESIDENZIALE: (*RESIDENTIAL_FIELDS, "residential_outcome"),
}
PLACEMENT_FORM_LABELS = {
    Placement.Kind.AFFIDO: _("Forma dell'affido"),
    Placement.Kind.RESIDENZIALE: _("Forma dell'inserimento"),
}


class PlacementForm(PortalForm):
    """A minor's foster care or residential placement (`instance.kind`, fixed by the page): the codes the SINBA
    return asks for, all required (known when the placement starts), the outcome once it has ended."""

    fixed_fields = ("kind",)

    class Meta:
        model = Placement
        fields = ["member", "form", "start_date", "end_date", *PLACEMENT_FIELDS[Placement.Kind.AFFIDO]]
        fields += list(PLACEMENT_FIELDS[Placement.Kind.RESIDENZIALE])

    def __init__(self, *args, family: Family, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        *codes, self.outcome_field = PLACEMENT_FIELDS[kind]
        for name in [n for fields in PLACEMENT_FIELDS.values() for n in fields if n not in PLACEMENT_FIELDS[kind]]:
            del self.fields[name]
        for name in codes:
            self.fields[name].required = True
        self.fields["form"].label = PLACEMENT_FORM_LABELS[kind]
        self.fields["end_date"].help_text = _("Vuota se è in corso; a collocamento concluso, indicarne l'esito.")
        label_members(self.fields["member"], user, family, family.members.filter(kind=Member.Kind.MINORE))

    def clean(self):
        cleaned = super().clean()
        member, start, end = cleaned.get("member"), cleaned.get("start_date"), cleaned.get("end_date")
        outcome = cleaned.get(self.outcome_field)
        if start and member and start < member.birth_date:
            self.add_error("start_date", _("L'inizio non può precedere la nascita del minore."))
        if start and start > timezone.localdate() + PLACEMENT_START_AHEAD:
            self.add_error("start_date", _("L'inizio non può essere oltre sei mesi da oggi."))
        if start and end and end < start:
            self.add_error("end_date", _("La fine non può precedere l'inizio."))
        not_in_future(end, "end_date", self)
        if end and not outcome:
            self.add_error(self.outcome_field, _("Il collocamento è concluso: indicarne l'esito."))
        if outcome and not end and "end_date" not in self.errors:
            self.add_error(self.outcome_field, _("L'esito si indica quando il collocamento è concluso."))
        if member and start and not self.errors:
            self.check_overlap(member, start, end)
        return cleaned

    def check_overlap(self, member: Member, start: datetime.date, end: datetime.date | None) -> None:
        """Two placements of the same kind of one child cannot cover the same days (nor be ongoing together)."""
        others = Placement.objects.filter(member=member, kind=self.instance.kind).exclude(pk=self.instance.pk)
        overlapping = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            overlapping = overlapping.filter(start_date__lte=end)
        if overlapping.exists():
            self.add_error(
                "start_date",
                _("Il minore ha già un collocamento di questo tipo in questo periodo: concluderlo prima."),
            )
