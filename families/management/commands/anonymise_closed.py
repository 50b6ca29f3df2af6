"""Anonymise the families whose path ended longer ago than the retention period.

    python manage.py anonymise_closed --older-than 5 [--dry-run] [--user USERNAME]

Runs as the owner role (it purges change-history rows, which the application role may not delete), e.g.
once a night from cron. Idempotent: anonymised families are logged in AnonymisationLog and skipped.
See families/anonymisation.py for what is erased and what is kept.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from families.anonymisation import families_due, family_anonymise


class Command(BaseCommand):
    help = (
        "Anonimizza le famiglie il cui percorso è terminato (conclusa, interrotta, non inclusa) da più anni "
        "del periodo di conservazione. Da eseguire come proprietario delle tabelle."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, required=True, metavar="ANNI", help="periodo di conservazione in anni"
        )
        parser.add_argument("--dry-run", action="store_true", help="elenca e conta senza cancellare nulla")
        parser.add_argument(
            "--user", default="system", help="chi esegue, per il registro (default: system, l'esecuzione pianificata)"
        )

    def handle(self, *args, older_than: int, dry_run: bool, user: str, **options):
        if older_than < 1:
            raise CommandError("Il periodo di conservazione (--older-than) è di almeno un anno.")
        due = families_due(older_than, timezone.localdate())
        if not due:
            self.stdout.write("Nessuna famiglia da anonimizzare.")
            return
        for item in due:
            counts = family_anonymise(due=item, by=user[:150], dry_run=dry_run)
            summary = ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items())
            self.stdout.write(f"{item.family.code} ({item.ended_state} il {item.ended_on:%d/%m/%Y}): {summary}")
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Prova: {len(due)} famiglie da anonimizzare, nulla è cambiato."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Famiglie anonimizzate: {len(due)}."))
