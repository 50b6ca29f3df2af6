"""The Django admin for interventions and hours: the catalogue, budget lines and other cost items, and read access
to the rest."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Attendance,
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
    TimeEntry,
    Timesheet,
    TimesheetLog,
)


class InterventionTypeForm(forms.ModelForm):
    class Meta:
        model = InterventionType
        fields = [
            "ambito",
            "code",
            "name",
            "category",
            "profile",
            "is_pippi_device",
            "child_protection",
            "comuni",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        ambito, comuni = cleaned.get("ambito"), cleaned.get("comuni")
        if comuni and ambito is None:
            self.add_error(
                "comuni", _("Un tipo del catalogo comune serve tutti gli ambiti: non si limita a dei comuni.")
            )
        elif comuni and any(comune.ambito_id != ambito.pk for comune in comuni):
            self.add_error("comuni", _("I comuni serviti devono essere dell'ambito del tipo di intervento."))
        if cleaned.get("child_protection") and cleaned.get("is_pippi_device"):
            self.add_error(
                "is_pippi_device",
                _("Un servizio di tutela minori non è un dispositivo P.I.P.P.I. finanziato dal PNRR."),
            )
        return cleaned


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin):
    form = InterventionTypeForm
    list_display = ["name", "code", "category", "profile", "ambito", "is_pippi_device", "child_protection", "is_active"]
    list_filter = ["category", "profile", "is_pippi_device", "child_protection", "is_active", "ambito"]
    search_fields = ["name", "code"]
    filter_horizontal = ["comuni"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["type", "family", "start_date", "end_date", "planned_hours_per_week"]
    list_filter = ["type", "family__ambito"]
    search_fields = ["family__code"]
    raw_id_fields = ["family"]
    filter_horizontal = ["assigned_users"]
    list_select_related = ["type", "family"]


class SessionInline(admin.TabularInline):
    model = GroupSession
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "module_number", "type", "ambito", "start_date", "planned_sessions", "frequency"]
    list_filter = ["type", "ambito", "frequency"]
    search_fields = ["name", "venue"]
    filter_horizontal = ["facilitators"]
    raw_id_fields = ["participants", "objectives"]
    inlines = [SessionInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "member", "present"]
    list_filter = ["present"]
    raw_id_fields = ["session", "member"]


@admin.register(SupportFamily)
class SupportFamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "comune", "ambito", "trained_on", "is_active"]
    list_filter = ["ambito", "is_active"]
    search_fields = ["name"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ["support_family", "family", "start_date", "end_date"]
    search_fields = ["family__code", "support_family__name"]
    raw_id_fields = ["family"]


class SchoolMeetingInline(admin.TabularInline):
    model = SchoolMeeting
    extra = 0


@admin.register(SchoolPartnership)
class SchoolPartnershipAdmin(admin.ModelAdmin):
    list_display = ["school", "kind", "signed_on", "ambito"]
    list_filter = ["kind", "ambito"]
    search_fields = ["school"]
    inlines = [SchoolMeetingInline]


@admin.register(ParentingEvent)
class ParentingEventAdmin(admin.ModelAdmin):
    list_display = ["date", "topic", "participants_count", "programme_families", "ambito"]
    list_filter = ["ambito"]
    search_fields = ["topic"]
    date_hierarchy = "date"


class TimesheetLogInline(admin.TabularInline):
    model = TimesheetLog
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Timesheet)
class TimesheetAdmin(admin.ModelAdmin):
    """State changes go through the portal's pages (confirm, validate, reopen), which log them."""

    list_display = ["user", "month", "state", "project", "validated_by", "validated_at"]
    list_filter = ["state", "month", "user__ambito", "user__organisation"]
    search_fields = ["user__username", "user__last_name"]
    readonly_fields = ["state", "confirmed_at", "validated_by", "validated_at"]
    list_select_related = ["user", "project", "validated_by"]
    inlines = [TimesheetLogInline]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "date", "activity", "family", "group", "minutes", "eligible"]
    list_filter = ["activity", "eligible", "timesheet__state"]
    search_fields = ["user__username", "family__code"]
    date_hierarchy = "date"
    raw_id_fields = ["timesheet", "user", "family", "intervention", "group"]
    list_select_related = ["user", "family", "group"]
    show_full_result_count = False


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["project", "profile", "minimum_hours", "hourly_cost", "amount"]
    list_filter = ["project"]


@admin.register(CostItem)
class CostItemAdmin(admin.ModelAdmin):
    list_display = ["project", "date", "category", "description", "document_reference", "amount"]
    list_filter = ["project", "category"]
    date_hierarchy = "date"
