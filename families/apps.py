from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Famiglie")
    # Audit tables: the application's database role may only read and append to them (grant_app_role).
    append_only_models = ("AccessLog", "TransitionLog", "AnonymisationLog")
