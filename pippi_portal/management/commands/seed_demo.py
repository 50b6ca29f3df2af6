"""`python manage.py seed_demo`: load the synthetic demo. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from equipes import demo as equipes_demo
from families import demo as families_demo
from interventions import demo as interventions_demo
from reporting import demo as reporting_demo


class Command(BaseCommand):
    help = "Carica i dati dimostrativi sintetici (idempotente)."

    def handle(self, *args, **options):
        with transaction.atomic():
            ambiti = equipes_demo.seed()
            families_demo.seed(ambiti)
            interventions_demo.seed(ambiti)
            reporting_demo.seed(ambiti)
        self.stdout.write(self.style.SUCCESS("Dati dimostrativi pronti."))
        self.stdout.write(f"Accessi dimostrativi (password: {equipes_demo.DEMO_PASSWORD}):")
        for login in equipes_demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<18} {login.role:<18} {login.ambito:<15} {login.note}")
