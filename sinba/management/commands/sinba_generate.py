"""Generate the SINBA flows of every ambito with an ente (or of one): to run daily, so that a change of the case
data becomes a new flow without anybody asking."""

from django.core.management.base import BaseCommand

from equipes.models import Ambito
from sinba import services


class Command(BaseCommand):
    help = "Genera i flussi SINBA degli ambiti che hanno un ente configurato."

    def add_arguments(self, parser):
        parser.add_argument("--ambito", help="codice dell'ambito (tutti se omesso)")

    def handle(self, *args, **options):
        ambiti = Ambito.objects.filter(sinba_ente__isnull=False)
        if options["ambito"]:
            ambiti = ambiti.filter(code=options["ambito"])
        for ambito in ambiti.order_by("code"):
            summary = services.generate(ambito)
            self.stdout.write(f"{ambito.code}: {vars(summary)}")
