from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquipesConfig(AppConfig):
    name = "equipes"
    verbose_name = _("Organizzazione")
