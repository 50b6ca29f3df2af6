"""Fill the cadastral code and the province of the comuni that lack them, from the national list, where the name
(and the province, when set) matches one current comune only, and the ISTAT code from ISTAT's list joined on the
cadastral code. The others are listed to be chosen in the admin."""

from django.core.management.base import BaseCommand

from equipes.services import fill_comuni_codes


class Command(BaseCommand):
    help = (
        "Completa codice catastale, provincia e codice ISTAT dei comuni dall'elenco nazionale "
        "(solo dove il nome è univoco)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="mostra cosa cambierebbe senza scrivere")

    def handle(self, *args, dry_run: bool = False, **options):
        filled, left = fill_comuni_codes(dry_run=dry_run)
        for comune, place in filled:
            istat = f", ISTAT {comune.istat_code}" if comune.istat_code else ""
            self.stdout.write(f"{comune.ambito.code} {comune.name}: {place.code} ({place.province}){istat}")
        for comune, reason in left:
            self.stdout.write(f"{comune.ambito.code} {comune.name}: non completato, {reason}")
        verb = "da completare" if dry_run else "completati"
        self.stdout.write(f"Comuni {verb}: {len(filled)}; da scegliere nell'amministrazione: {len(left)}.")
