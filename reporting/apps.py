from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Rendicontazione")

    def ready(self) -> None:
        from . import reports  # noqa: F401 — its receiver records the render jobs the worker gives up
