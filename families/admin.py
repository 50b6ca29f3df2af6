"""The Django admin for the family path. Identities are shown to administrators only (DESIGN.md §1), and
the reference data of the method (triangle, scale, outcomes) is edited here."""

from collections import Counter

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from equipes.models import Implementation

from .models import (
    AccessLog,
    Action,
    AnonymisationLog,
    Assessment,
    AssessmentRating,
    Closure,
    ClosureOutcome,
    Consent,
    DiaryNote,
    DuplicateConfirmation,
    Family,
    Framework,
    Member,
    Objective,
    Placement,
    PlanComment,
    Preassessment,
    PreassessmentConcern,
    ProgettoQuadro,
    ProjectTakeover,
    RatingLevel,
    Referral,
    SDQScore,
    Side,
    SubDimension,
    TeamMeeting,
    TeamMember,
    TransitionLog,
    Verification,
)
from .models.family import looks_like_codice_fiscale


class SubDimensionInline(admin.TabularInline):
    model = SubDimension
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_current"]


@admin.register(Side)
class SideAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "short_title", "framework"]
    list_filter = ["framework"]
    inlines = [SubDimensionInline]


@admin.register(SubDimension)
class SubDimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "side", "order"]
    list_filter = ["side__framework", "side"]
    search_fields = ["name"]


@admin.register(RatingLevel)
class RatingLevelAdmin(admin.ModelAdmin):
    list_display = ["value", "label"]


@admin.register(ClosureOutcome)
class ClosureOutcomeAdmin(admin.ModelAdmin):
    list_display = ["code", "label"]


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["kind", "first_name", "last_name", "codice_fiscale", "birth_date", "sex", "is_reference_child"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    # The family's équipe is built on the portal's team page, which checks who may join it (same ambito,
    # role); here it is shown, loaded with the rows (raw-id widgets would fetch each user on its own).
    readonly_fields = ["user", "member"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "member")


class ImplementationFilter(admin.RelatedFieldListFilter):
    """The implementations named with their ambito ("P.I.P.P.I. 11 · Ambito X"): every ambito has its P.I.P.P.I. 11,
    and the bare edition would be the same line repeated. The project is added where an ambito has the same
    edition in two projects."""

    def field_choices(self, field, request, model_admin):
        implementations = list(
            Implementation.objects.select_related("project__ambito").order_by("project__ambito__name", "number")
        )
        seen = Counter((i.project.ambito_id, i.number) for i in implementations)
        choices = []
        for implementation in implementations:
            label = f"{implementation} · {implementation.project.ambito}"
            if seen[implementation.project.ambito_id, implementation.number] > 1:
                label += f" ({implementation.project.short_label})"
            choices.append((implementation.pk, label))
        return choices


class YearFilter(admin.SimpleListFilter):
    """The year of registration, written as a year ("2026"), not as a number with a thousands separator."""

    title = _("anno")
    parameter_name = "anno"

    def lookups(self, request, model_admin):
        years = Family.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isascii() or not value.isdigit() or len(value) != 4:
            raise IncorrectLookupParameters(value)
        return queryset.filter(year=int(value))


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    # Five columns that wrap: the list fits a 1366 px screen beside the admin's menu and the filters. The
    # ambito is written under the comune, the reunification is a filter, the last change is on the family's
    # page. Columns of foreign keys would not wrap (Django marks them "nowrap"): they are shown through methods.
    list_display = ["code", "state", "place", "edition", "manager"]
    list_filter = [
        "state",
        "ambito",
        ("implementation", ImplementationFilter),
        YearFilter,
        "reunification",
        "under_judicial_authority",
    ]
    # The search box looks in the code, the comune and the members' names (get_search_results); a full
    # codice fiscale is matched through its keyed hash, since the stored one is encrypted.
    search_fields = ["code", "comune__name", "members__last_name", "members__first_name"]
    search_help_text = _(
        "Codice della famiglia, comune, nome o cognome di un componente, codice fiscale completo di un componente."
    )
    list_select_related = ["ambito", "comune", "implementation", "case_manager"]
    readonly_fields = ["code", "year_display", "sequence", "state", "suspended_from", "created_at", "updated_at"]
    raw_id_fields = ["case_manager"]
    inlines = [MemberInline, TeamMemberInline]
    show_full_result_count = False

    class Media:
        css = {"all": ["families/admin.css"]}

    @admin.display(description=_("comune e ambito"), ordering="comune__name")
    def place(self, obj):
        return format_html('{}<br><span class="family-ambito">{}</span>', obj.comune, obj.ambito)

    @admin.display(description=_("implementazione"), ordering="implementation__number")
    def edition(self, obj) -> str:
        return str(obj.implementation) if obj.implementation else "-"

    @admin.display(description=_("case manager"), ordering="case_manager__last_name")
    def manager(self, obj) -> str:
        return obj.case_manager.get_full_name() or obj.case_manager.username

    @admin.display(description=_("anno"), ordering="year")
    def year_display(self, obj) -> str:
        return str(obj.year) if obj.year else ""

    def get_search_results(self, request, queryset, search_term):
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        if looks_like_codice_fiscale(term):
            # The keyed hash normalises case; the spaces a pasted code may carry are taken out first.
            term = term.replace(" ", "")
        found = queryset.search(term, with_names=True) | queryset.filter(comune__name__icontains=term)
        return found, False


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "family", "kind", "birth_date", "sex", "is_reference_child"]
    list_filter = ["kind", "family__ambito"]
    search_fields = ["last_name", "first_name", "family__code"]
    list_select_related = ["family"]
    raw_id_fields = ["family"]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["member", "kind", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["member__family__code"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["family", "date", "source", "received_by"]
    list_filter = ["source"]
    search_fields = ["family__code"]
    list_select_related = ["family", "received_by"]


class ConcernInline(admin.TabularInline):
    model = PreassessmentConcern
    extra = 0


@admin.register(Preassessment)
class PreassessmentAdmin(admin.ModelAdmin):
    list_display = ["family", "date", "orientation"]
    list_filter = ["orientation"]
    search_fields = ["family__code"]
    inlines = [ConcernInline]


class RatingInline(admin.TabularInline):
    model = AssessmentRating
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["family", "time_point", "date", "is_complete"]
    list_filter = ["time_point", "is_complete"]
    search_fields = ["family__code"]
    list_select_related = ["family"]
    inlines = [RatingInline]


@admin.register(SDQScore)
class SDQScoreAdmin(admin.ModelAdmin):
    list_display = ["member", "time_point", "respondent", "total_difficulties", "date"]
    list_filter = ["time_point", "respondent"]
    search_fields = ["member__family__code"]
    list_select_related = ["member"]


class ObjectiveInline(admin.StackedInline):
    model = Objective
    extra = 0


@admin.register(ProgettoQuadro)
class ProgettoQuadroAdmin(admin.ModelAdmin):
    list_display = ["family", "version", "date", "shared_with_family", "superseded_at"]
    list_filter = ["shared_with_family"]
    search_fields = ["family__code"]
    list_select_related = ["family"]
    inlines = [ObjectiveInline]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


class VerificationInline(admin.TabularInline):
    model = Verification
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "subdimension", "status", "deadline"]
    list_filter = ["status"]
    search_fields = ["plan__family__code", "expected_result"]
    inlines = [ActionInline, VerificationInline]


@admin.register(TeamMeeting)
class TeamMeetingAdmin(admin.ModelAdmin):
    list_display = ["family", "date"]
    search_fields = ["family__code"]
    date_hierarchy = "date"
    raw_id_fields = ["family"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "participants":
            # Each participant prints its user or member: load them with the list.
            kwargs["queryset"] = TeamMember.objects.select_related("user", "member", "family")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["family", "kind", "signed_on", "revoked_on"]
    list_filter = ["kind"]
    search_fields = ["family__code"]


@admin.register(DiaryNote)
class DiaryNoteAdmin(admin.ModelAdmin):
    list_display = ["family", "date", "author", "sensitivity"]
    list_filter = ["sensitivity"]
    search_fields = ["family__code"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["family", "date", "outcome", "child_at_home"]
    list_filter = ["outcome", "child_at_home"]
    search_fields = ["family__code"]


@admin.register(PlanComment)
class PlanCommentAdmin(admin.ModelAdmin):
    list_display = ["plan", "author", "created_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are written by the application only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["family", "from_state", "to_state", "by", "at"]
    list_filter = ["to_state"]
    search_fields = ["family__code"]
    date_hierarchy = "at"


@admin.register(ProjectTakeover)
class ProjectTakeoverAdmin(ReadOnlyAdmin):
    list_display = ["family", "from_implementation", "to_implementation", "state", "effective_on", "by"]
    search_fields = ["family__code"]
    list_select_related = ["family", "from_implementation", "to_implementation", "by"]


@admin.register(DuplicateConfirmation)
class DuplicateConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["family", "existing_family", "by", "at"]
    search_fields = ["family__code", "existing_family__code"]
    date_hierarchy = "at"
    list_select_related = ["family", "existing_family", "by"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "family", "action", "path", "identities_shown"]
    list_filter = ["action", "identities_shown"]
    search_fields = ["family__code", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user", "family"]


@admin.register(AnonymisationLog)
class AnonymisationLogAdmin(ReadOnlyAdmin):
    list_display = ["family_code", "ended_state", "ended_on", "anonymised_at", "performed_by"]
    list_filter = ["ended_state"]
    search_fields = ["family_code"]
    date_hierarchy = "anonymised_at"
    readonly_fields = ["family", "family_code", "ended_state", "ended_on", "anonymised_at", "performed_by", "counts"]
