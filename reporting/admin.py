"""The Django admin for the quality section. Link tokens never appear: only their count and use."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import (
    Complaint,
    ImpactIndicator,
    IndicatorValue,
    QualityControl,
    SatisfactionSurvey,
    SurveyAnswer,
    SurveyItem,
    SurveyLinkBatch,
    SurveyResponse,
)


class SurveyItemInline(admin.TabularInline):
    model = SurveyItem
    extra = 0


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "project", "period_start", "period_end", "response_count"]
    list_filter = ["audience", "project__ambito"]
    search_fields = ["title", "project__cup"]
    date_hierarchy = "period_start"
    list_select_related = ["project"]
    autocomplete_fields = ["created_by"]
    inlines = [SurveyItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_count=Count("responses"))

    @admin.display(description=_("risposte"), ordering="response_count")
    def response_count(self, survey) -> int:
        return survey.response_count


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    extra = 0
    fields = ["item", "score"]
    readonly_fields = ["item", "score"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "channel", "submitted_on", "entered_by"]
    list_filter = ["channel", "survey__audience", "survey__project__ambito"]
    search_fields = ["survey__title"]
    date_hierarchy = "submitted_on"
    list_select_related = ["survey", "entered_by"]
    readonly_fields = ["survey", "channel", "entered_by"]
    inlines = [SurveyAnswerInline]


@admin.register(SurveyLinkBatch)
class SurveyLinkBatchAdmin(admin.ModelAdmin):
    list_display = ["survey", "created_on", "expires_on", "created_by", "link_count", "used_count"]
    list_filter = ["survey__project__ambito"]
    search_fields = ["survey__title"]
    date_hierarchy = "created_on"
    list_select_related = ["survey", "created_by"]
    fields = ["survey", "created_on", "expires_on", "created_by"]
    readonly_fields = ["survey", "created_on", "created_by"]

    def has_add_permission(self, request) -> bool:
        # Links are generated from the survey page, where they can be printed.
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(link_count=Count("links"), used_count=Count("links", filter=Q(links__used=True)))
        )

    @admin.display(description=_("link"), ordering="link_count")
    def link_count(self, batch) -> int:
        return batch.link_count

    @admin.display(description=_("usati"), ordering="used_count")
    def used_count(self, batch) -> int:
        return batch.used_count


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["received_on", "subject", "channel", "organisation", "closed_on", "outcome", "project"]
    list_filter = ["channel", "outcome", ("closed_on", admin.EmptyFieldListFilter), "project__ambito"]
    search_fields = ["subject", "protocol_number", "handling_notes"]
    date_hierarchy = "received_on"
    list_select_related = ["organisation", "project"]
    autocomplete_fields = ["created_by"]


@admin.register(QualityControl)
class QualityControlAdmin(admin.ModelAdmin):
    list_display = ["checked_on", "organisation", "kind", "status", "follow_up_on", "project"]
    list_filter = ["status", "kind", "project__ambito"]
    search_fields = ["scope", "findings", "corrective_actions", "organisation__name"]
    date_hierarchy = "checked_on"
    list_select_related = ["organisation", "project"]
    autocomplete_fields = ["created_by"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0

    # A computed indicator's values are the portal's, not typed: none to add or change here either.
    def has_add_permission(self, request, obj=None):
        return not (obj and obj.formula) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.formula) and super().has_change_permission(request, obj)


@admin.register(ImpactIndicator)
class ImpactIndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "formula", "unit", "direction", "baseline", "target"]
    list_filter = ["formula", "direction", "project__ambito"]
    search_fields = ["name", "project__cup"]
    list_select_related = ["project"]
    inlines = [IndicatorValueInline]
