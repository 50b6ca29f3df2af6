"""`python manage.py seed_demo`: load the synthetic demo. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from demo.management import analyse_portal_tables as analyse
from demo.management import require_faker


class Command(BaseCommand):
    help = "Carica i dati dimostrativi sintetici (idempotente)."

    def handle(self, *args, **options):
        require_faker()
        # Imported here: the generators need Faker, which production does not install.
        from demo import families, interventions, organisation, programmes, quality, sinba, targets, tutela

        with transaction.atomic():
            ambiti = organisation.seed()
            # The targets before anything reports: the reports the demo approves show their progress.
            targets.seed()
            families.seed(ambiti)
            interventions.seed(ambiti)
            # The reports the demo approves run the indicator queries over what was just written: the planner
            # needs the tables' statistics first (inside one transaction autovacuum cannot see the new rows).
            analyse()
            quality.seed(ambiti)
            programmes.seed(ambiti)
            analyse()
            quality.conclude_other_projects()
            tutela.seed(ambiti)
            # Last: the SINBA return is made from everything above.
            sinba.seed(ambiti)
            analyse()
        self.stdout.write(self.style.SUCCESS("Dati dimostrativi pronti."))
        self.stdout.write(f"Accessi dimostrativi (password: {organisation.DEMO_PASSWORD}):")
        for login in organisation.DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<18} {login.role:<18} {login.ambito:<15} {login.note}")
