from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SinbaConfig(AppConfig):
    """The SINBA return (SIUSS, D.M. 206/2014): the national record on children and families, made from the case
    data, validated against the vendored XSD, offered as a ZIP and through the WaaS e-service (docs/sinba.md)."""

    name = "sinba"
    verbose_name = _("Ritorno SINBA")
