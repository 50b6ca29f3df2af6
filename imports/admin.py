from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "ambito", "kind", "file_name", "state", "created_count", "refused_count", "by"]
    list_filter = ["ambito", "kind", "state"]
    readonly_fields = [f.name for f in ImportRun._meta.fields if f.name != "content"]
    exclude = ["content"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
