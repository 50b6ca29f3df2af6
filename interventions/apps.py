from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventi e ore")

    def ready(self):
        # Interventions, group sessions and hours appear on the family's timeline (families cannot import
        # this app, so it registers its entries).
        from families.timeline import register

        from .selectors import family_timeline_entries

        register(family_timeline_entries)
