"""`python manage.py seed_scale --ambiti N --families-per-ambito M`: synthetic data at regional scale for the
benchmarks (demo/scale/). Separate from the demo; refuses to run twice on the same database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from demo.management import require_faker


def sizes(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise CommandError("--project-sizes: numeri separati da virgole, es. 30,1000") from error
    if any(v < 1 for v in values):
        raise CommandError("--project-sizes: ogni progetto ha almeno una famiglia")
    return values


class Command(BaseCommand):
    help = "Crea dati sintetici su scala regionale (ambiti con codice Z…) per benchmark e test di carico."

    def add_arguments(self, parser):
        parser.add_argument("--ambiti", type=int, default=50, help="quanti ambiti (default 50)")
        parser.add_argument("--families-per-ambito", type=int, default=100, help="famiglie per ambito (default 100)")
        parser.add_argument(
            "--project-sizes",
            type=sizes,
            default=[],
            help="in più, un ambito con un solo progetto per ciascuna dimensione, es. 30,1000 (per i PDF)",
        )
        parser.add_argument(
            "--big-project-families",
            type=int,
            default=0,
            help="in più, un ambito con un progetto di tante famiglie (come --project-sizes N)",
        )
        parser.add_argument("--seed", type=int, default=7, help="seme dei dati casuali (default 7)")
        parser.add_argument("--no-vacuum", action="store_true", help="solo ANALYZE, senza VACUUM, alla fine")

    def handle(self, *args, **options):
        require_faker()
        # Imported here: the seeder needs Faker, which production does not install.
        from demo import scale

        if options["ambiti"] < 0 or options["families_per_ambito"] < 1:
            raise CommandError("--ambiti ≥ 0 e --families-per-ambito ≥ 1")
        project_sizes = list(options["project_sizes"])
        if options["big_project_families"]:
            project_sizes.append(options["big_project_families"])
        self.stdout.write(
            f"seed_scale: {options['ambiti']} ambiti × {options['families_per_ambito']} famiglie"
            + (f", progetti singoli di {', '.join(map(str, project_sizes))} famiglie" if project_sizes else "")
        )
        try:
            counts = scale.seed_scale(
                options["ambiti"],
                options["families_per_ambito"],
                project_sizes,
                seed=options["seed"],
                log=self.stdout.write,
                vacuum=not options["no_vacuum"],
            )
        except scale.AlreadySeeded as refused:
            raise CommandError(str(refused)) from refused
        for name, rows in sorted(counts.rows.items()):
            self.stdout.write(f"  {name:<45} {rows:>10}")
        for name, seconds in counts.seconds.items():
            self.stdout.write(f"  {name:<45} {seconds:>9.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Dati di scala pronti in {counts.seconds['total']:.0f} s (password di tutti gli utenti: "
                f"{scale.SCALE_PASSWORD}; amministratore: {scale.ADMIN_USERNAME})."
            )
        )
