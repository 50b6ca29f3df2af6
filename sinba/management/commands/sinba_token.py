"""A new token for an ambito's WaaS e-service: printed once, kept only as its SHA-256. Give it to the gateway
that validates INPS's PDND vouchers and calls the portal with `Authorization: Bearer <token>`."""

import hashlib
import secrets

from django.core.management.base import BaseCommand, CommandError

from sinba.models import Ente


class Command(BaseCommand):
    help = "Crea (o sostituisce) il token dell'e-service SINBA di un ambito e lo stampa una volta."

    def add_arguments(self, parser):
        parser.add_argument("ambito", help="codice dell'ambito")

    def handle(self, *args, **options):
        ente = Ente.objects.filter(ambito__code=options["ambito"]).first()
        if ente is None:
            raise CommandError("L'ambito non ha un ente SINBA configurato.")
        token = secrets.token_urlsafe(32)
        ente.eservice_token_hash = hashlib.sha256(token.encode()).hexdigest()
        ente.save(update_fields=["eservice_token_hash"])
        self.stdout.write(token)
