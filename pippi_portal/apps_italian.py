"""Italian names for the third-party apps the admin shows (docs/decisions.md, "The admin in Italian").

Each class below is the third-party app's own configuration (its `ready()` still runs), named in
INSTALLED_APPS in place of the app's module; it only gives the app an Italian `verbose_name` and, in `ready()`,
its models' Italian `verbose_name` and `verbose_name_plural`. The models' `_meta` is changed, not their `Meta`:
the migration autodetector reads the options as declared (`_meta.original_attrs`), so no migration of a
third-party app is asked for, and the app labels (URLs, permissions, content types) stay the same.
"""

from allauth.account.apps import AccountConfig
from allauth.mfa.apps import MFAConfig
from axes.apps import AppConfig as AxesConfig
from django.apps import apps
from django.contrib.contenttypes.apps import ContentTypesConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig
from pghistory.apps import PGHistoryConfig


def name_models(app_label: str, names: dict[str, tuple[str, str]]) -> None:
    """Give the app's models (by model name) their Italian singular and plural names."""
    for model_name, (singular, plural) in names.items():
        opts = apps.get_model(app_label, model_name)._meta
        opts.verbose_name = singular
        opts.verbose_name_plural = plural


class ItalianContentTypesConfig(ContentTypesConfig):
    verbose_name = _("Tipi di contenuto")

    def ready(self) -> None:
        super().ready()
        name_models(self.label, {"contenttype": (_("tipo di contenuto"), _("tipi di contenuto"))})


class ItalianAccountConfig(AccountConfig):
    """allauth's accounts: the portal uses them for the login only; the admin lists the e-mail addresses."""

    verbose_name = _("Indirizzi email")


class ItalianMFAConfig(MFAConfig):
    verbose_name = _("Autenticazione a due fattori")

    def ready(self) -> None:
        super().ready()
        name_models(self.label, {"authenticator": (_("fattore di autenticazione"), _("fattori di autenticazione"))})


class ItalianAxesConfig(AxesConfig):
    """django-axes' records: the admin shows them as the portal's own pages (pippi_portal/admin.py); their names
    still appear in the permissions of users and groups."""

    verbose_name = _("Blocco degli accessi")

    def ready(self) -> None:
        super().ready()
        name_models(
            self.label,
            {
                "accessattempt": (_("tentativo di accesso"), _("tentativi di accesso")),
                "accessattemptexpiration": (
                    _("scadenza di un tentativo di accesso"),
                    _("scadenze dei tentativi di accesso"),
                ),
                "accessfailurelog": (_("accesso non riuscito"), _("accessi non riusciti")),
                "accesslog": (_("accesso"), _("accessi")),
            },
        )


class ItalianPGHistoryConfig(PGHistoryConfig):
    verbose_name = _("Storico delle modifiche")

    def ready(self) -> None:
        from pghistory.models import Event

        super().ready()
        name_models(
            self.label,
            {
                "context": (_("contesto di una modifica"), _("contesti delle modifiche")),
                "events": (_("modifica"), _("modifiche")),
                "middlewareevents": (_("modifica da una richiesta"), _("modifiche da richieste")),
            },
        )
        # The event models pghistory.track() creates in the portal's apps ("family event") are named after the
        # model they record: "modifica: famiglia", "modifiche: famiglie".
        for model in apps.get_models():
            tracked = getattr(model, "pgh_tracked_model", None)
            if issubclass(model, Event) and tracked is not None:
                model._meta.verbose_name = format_lazy(_("modifica: {}"), tracked._meta.verbose_name)
                model._meta.verbose_name_plural = format_lazy(_("modifiche: {}"), tracked._meta.verbose_name_plural)


class ItalianTasksConfig(TasksAppConfig):
    verbose_name = _("Attività in background")

    def ready(self) -> None:
        super().ready()
        name_models(self.label, {"dbtaskresult": (_("esito di un'attività"), _("esiti delle attività"))})
