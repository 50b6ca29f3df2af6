"""The admin's security pages: logins, failed logins and lockouts (django-axes' records under Italian
names). All read-only: they are evidence, not data to edit; the only change allowed is deleting a lockout,
which unlocks that username and address at once. The log of anonymised families is in families/admin.py."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import LoginFailure, LoginLockout, PortalLogin

# axes registers its own English admin pages; the portal shows the same records in Italian instead.
for model in (AccessAttempt, AccessFailureLog, AccessLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AttemptColumns:
    """Italian column headings shared by the three pages."""

    @admin.display(description=_("quando"), ordering="attempt_time")
    def when(self, obj):
        return obj.attempt_time

    @admin.display(description=_("nome utente"), ordering="username")
    def who(self, obj):
        return obj.username

    @admin.display(description=_("indirizzo IP"), ordering="ip_address")
    def address(self, obj):
        return obj.ip_address

    @admin.display(description=_("browser"))
    def browser(self, obj):
        return obj.user_agent[:80]


@admin.register(LoginFailure)
class LoginFailureAdmin(AttemptColumns, ReadOnlyAdmin):
    list_display = ["when", "who", "address", "locked", "browser"]
    list_filter = ["locked_out", "attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    readonly_fields = AccessFailureLogAdmin.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("ha causato il blocco"), boolean=True, ordering="locked_out")
    def locked(self, obj) -> bool:
        return obj.locked_out


@admin.register(LoginLockout)
class LoginLockoutAdmin(AttemptColumns, ReadOnlyAdmin):
    list_display = ["when", "who", "address", "failures", "locked", "browser"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    readonly_fields = AccessAttemptAdmin.readonly_fields
    exclude = ["get_data", "post_data"]
    actions = ["unlock"]

    @admin.display(description=_("tentativi falliti"), ordering="failures_since_start")
    def failures(self, obj) -> int:
        return obj.failures_since_start

    @admin.display(description=_("bloccato"), boolean=True)
    def locked(self, obj) -> bool:
        return obj.failures_since_start >= settings.AXES_FAILURE_LIMIT

    @admin.action(description=_("Sblocca (cancella i tentativi falliti selezionati)"))
    def unlock(self, request, queryset):
        count, _details = queryset.delete()
        self.message_user(
            request, _("Tentativi cancellati: %(n)d. Gli accessi sono di nuovo possibili.") % {"n": count}
        )


@admin.register(PortalLogin)
class PortalLoginAdmin(AttemptColumns, ReadOnlyAdmin):
    list_display = ["when", "who", "address", "logout", "browser"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    readonly_fields = AccessLogAdmin.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("uscita"), ordering="logout_time")
    def logout(self, obj):
        return obj.logout_time
