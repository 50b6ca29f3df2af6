"""The Django admin of the SINBA return: the ente of each ambito, the SIUSS code of each catalogue intervention
(the editable mapping, docs/decisions.md), the flows (read only: they are generated) and the e-service's calls."""

from django.contrib import admin

from .models import Ente, EserviceCall, Flow, ServiceCode


@admin.register(Ente)
class EnteAdmin(admin.ModelAdmin):
    list_display = ["ambito", "code", "name", "region"]
    exclude = ["eservice_token_hash"]


@admin.register(ServiceCode)
class ServiceCodeAdmin(admin.ModelAdmin):
    list_display = ["intervention_type", "code", "source"]
    search_fields = ["intervention_type__name", "code"]
    autocomplete_fields = ["intervention_type"]


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    list_display = ["flow_id", "beneficiary_id", "intervention_type", "state", "generated_at", "outcome_code"]
    list_filter = ["state", "ambito"]
    list_select_related = ["intervention_type"]
    search_fields = ["flow_id", "beneficiary_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EserviceCall)
class EserviceCallAdmin(admin.ModelAdmin):
    list_display = ["at", "ente", "operation", "status", "flows"]
    list_filter = ["operation", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
