"""The Django admin for the organisation: what an administrator needs to set an ambito up."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from pippi_portal.admin import ItalianPermissionsMixin

from .forms import BaseComuneFormSet, ComuneForm
from .models import (
    Ambito,
    Comune,
    Equipe,
    EquipeMembership,
    GovernanceMeeting,
    Implementation,
    Organisation,
    Project,
    StaffTraining,
    User,
)


class ComuneInline(admin.TabularInline):
    """An ambito's comuni, chosen from the national list (`equipes.national_comuni`)."""

    model = Comune
    form = ComuneForm
    formset = BaseComuneFormSet
    fields = ["national_code", "name", "province", "cadastral_code", "istat_code"]
    readonly_fields = ["name", "province", "cadastral_code"]
    extra = 0


@admin.register(Ambito)
class AmbitoAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "lead_municipality"]
    search_fields = ["name", "code", "lead_municipality"]
    inlines = [ComuneInline]


@admin.register(Comune)
class ComuneAdmin(admin.ModelAdmin):
    form = ComuneForm
    fields = ["ambito", "national_code", "name", "province", "cadastral_code", "istat_code"]
    readonly_fields = ["name", "province", "cadastral_code"]
    list_display = ["name", "province", "cadastral_code", "istat_code", "ambito"]
    list_filter = ["ambito", "province"]
    search_fields = ["name", "cadastral_code", "istat_code"]
    list_select_related = ["ambito"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ambito", "tax_code"]
    list_filter = ["kind", "ambito"]
    search_fields = ["name", "tax_code"]
    list_select_related = ["ambito"]


@admin.register(User)
class UserAdmin(ItalianPermissionsMixin, DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "profile", "ambito", "organisation", "is_active"]
    list_filter = ["role", "profile", "ambito", "organisation", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["ambito", "organisation"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Programma"), {"fields": ("ambito", "organisation", "role", "profile", "phone", "cv")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Programma"), {"fields": ("ambito", "organisation", "role", "profile")}),
    )


class EquipeMembershipInline(admin.TabularInline):
    model = EquipeMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Equipe)
class EquipeAdmin(admin.ModelAdmin):
    list_display = ["name", "ambito"]
    list_filter = ["ambito"]
    search_fields = ["name"]
    filter_horizontal = ["comuni"]
    inlines = [EquipeMembershipInline]
    list_select_related = ["ambito"]


class ImplementationInline(admin.TabularInline):
    model = Implementation
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["cup", "title", "ambito", "funding_source", "amount", "start_date", "end_date", "concluded_on"]
    list_filter = ["ambito", "funding_source"]
    search_fields = ["cup", "title"]
    filter_horizontal = ["partners"]
    inlines = [ImplementationInline]
    list_select_related = ["ambito"]


@admin.register(Implementation)
class ImplementationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "module", "start_date", "end_date"]
    list_filter = ["module", "project__ambito"]
    search_fields = ["project__cup", "project__title"]
    list_select_related = ["project"]


@admin.register(StaffTraining)
class StaffTrainingAdmin(admin.ModelAdmin):
    list_display = ["course", "user", "is_programme_mooc", "hours", "completed_on"]
    list_filter = ["is_programme_mooc", "user__ambito", "user__organisation"]
    search_fields = ["course", "provider", "user__last_name", "user__username"]
    date_hierarchy = "completed_on"
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


@admin.register(GovernanceMeeting)
class GovernanceMeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "ambito", "project"]
    list_filter = ["kind", "ambito"]
    search_fields = ["minutes", "external_participants"]
    date_hierarchy = "date"
    filter_horizontal = ["participants"]
    list_select_related = ["ambito", "project"]
