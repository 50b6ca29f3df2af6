"""The admin's security pages: logins, failed logins and lockouts (django-axes' records under Italian
names). All read-only: they are evidence, not data to edit; the only change allowed is deleting a lockout,
which unlocks that username and address at once. The log of anonymised families is in families/admin.py.
allauth's second factors and django-tasks' results are shown here too, under Italian headings."""

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

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


def titled(filter_class, title):
    """A field filter of the admin under an Italian title, for third-party fields named in English."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


# --- allauth's second factors: Italian headings, and the secret never shown ---------------------------------

if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


class AuthenticatorForm(forms.ModelForm):
    class Meta:
        model = Authenticator
        fields = ["user", "type", "created_at", "last_used_at"]
        labels = {
            "user": _("utente"),
            "type": _("tipo"),
            "created_at": _("attivato il"),
            "last_used_at": _("ultimo uso"),
        }


@admin.register(Authenticator)
class ItalianAuthenticatorAdmin(AuthenticatorAdmin):
    """allauth's page with Italian headings. The data (the TOTP secret, the recovery codes) is not shown, and a
    factor is activated by its user, never added here; deleting one makes its user activate a new one."""

    form = AuthenticatorForm
    list_display = ["owner", "kind", "activated", "last_used"]
    list_filter = [
        ("type", titled(admin.ChoicesFieldListFilter, _("tipo"))),
        ("created_at", titled(admin.DateFieldListFilter, _("attivato il"))),
        ("last_used_at", titled(admin.DateFieldListFilter, _("ultimo uso"))),
    ]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("utente"), ordering="user__username")
    def owner(self, obj):
        return obj.user

    @admin.display(description=_("tipo"), ordering="type")
    def kind(self, obj) -> str:
        return obj.get_type_display()

    @admin.display(description=_("attivato il"), ordering="created_at")
    def activated(self, obj):
        return obj.created_at

    @admin.display(description=_("ultimo uso"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at


# --- django-tasks' results: Italian headings and states ----------------------------------------------------

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

TASK_STATES = {
    "READY": _("in attesa"),
    "RUNNING": _("in corso"),
    "FAILED": _("non riuscita"),
    "SUCCESSFUL": _("completata"),
}
TASK_FIELDS = {
    "id": _("identificativo"),
    "status": _("stato"),
    "enqueued_at": _("messa in coda il"),
    "started_at": _("iniziata il"),
    "finished_at": _("terminata il"),
    "args_kwargs": _("argomenti"),
    "priority": _("priorità"),
    "task_path": _("funzione"),
    "worker_ids": _("processi che l'hanno eseguita"),
    "queue_name": _("coda"),
    "backend_name": _("sistema di esecuzione"),
    "run_after": _("da eseguire dopo"),
    "return_value": _("valore restituito"),
    "exception_class_path": _("eccezione"),
    "traceback": _("dettaglio dell'errore"),
}


class TaskStateFilter(admin.SimpleListFilter):
    title = _("stato")
    parameter_name = "stato"

    def lookups(self, request, model_admin):
        return list(TASK_STATES.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in TASK_STATES:
            raise IncorrectLookupParameters(value)
        return queryset.filter(status=value)


def task_field(name: str):
    """The detail page's line for one field, under its Italian name."""

    def show(self, obj):
        if name == "status":
            return TASK_STATES.get(obj.status, obj.status)
        if name == "traceback":
            return self.formatted_traceback(obj)
        if name == "run_after":
            return self.display_run_after(obj)
        return getattr(obj, name)

    return admin.display(description=TASK_FIELDS[name])(show)


@admin.register(DBTaskResult)
class ItalianTaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's read-only page with Italian headings, states and labels (the report renderings run
    as tasks: docs/decisions.md)."""

    list_display = ["id", "task_name_", "status_", "enqueued_at_", "started_at_", "finished_at_", "priority_"]
    list_filter = [TaskStateFilter]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [f"{name}_" for name in TASK_FIELDS]

    def get_fields(self, request, obj=None) -> list[str]:
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("attività"))
    def task_name_(self, obj) -> str:
        return obj.task_name


for _name in TASK_FIELDS:
    setattr(ItalianTaskResultAdmin, f"{_name}_", task_field(_name))


# --- Permissions named in Italian in the user and group pages ------------------------------------------------

PERMISSION_ACTIONS = {
    "add": _("Può aggiungere"),
    "change": _("Può modificare"),
    "delete": _("Può eliminare"),
    "view": _("Può vedere"),
}


class PermissionsField(forms.ModelMultipleChoiceField):
    """Django writes the permissions' names once, in English ("Can add famiglia"), when it creates them; the
    lists of the user and group pages name them from the model instead: "Famiglie | Può aggiungere famiglie"."""

    def label_from_instance(self, permission) -> str:
        model = permission.content_type.model_class()
        action = permission.codename.split("_", 1)[0]
        if (
            model is None
            or action not in PERMISSION_ACTIONS
            or permission.codename != f"{action}_{model._meta.model_name}"
        ):
            return str(permission)
        return f"{model._meta.app_config.verbose_name} | {PERMISSION_ACTIONS[action]} {model._meta.verbose_name_plural}"


class ItalianPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["queryset"] = Permission.objects.select_related("content_type")
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class ItalianGroupAdmin(ItalianPermissionsMixin, GroupAdmin):
    pass
