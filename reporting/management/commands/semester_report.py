"""`python manage.py semester_report --cup CUP --semester 2025-S1 --out FILE.pdf [--json FILE]`

The semester report without the web, for operations and scripts: the same figures and the same PDF as a
report run, written to files. Nothing is stored in the database (a run is started from the portal)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from equipes.models import Project
from pippi_portal.formatting import format_number
from reporting.indicators import semester_bounds
from reporting.models import ReportRun
from reporting.reports import canonical_json, compute_snapshot, pdf_bytes, sha256


class Command(BaseCommand):
    help = "Genera la rendicontazione semestrale di un progetto in PDF (e i dati in JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--cup", required=True, help="CUP del progetto, es. B24H22000190001")
        parser.add_argument("--semester", required=True, help="Semestre, es. 2025-S1")
        parser.add_argument("--out", help="File PDF da scrivere")
        parser.add_argument("--json", help="File JSON dei dati da scrivere")

    def handle(self, *args, cup: str, semester: str, out: str | None, json: str | None, **options):
        if not out and not json:
            raise CommandError("Indica almeno --out FILE.pdf o --json FILE.json.")
        project = Project.objects.select_related("ambito").filter(cup=cup.strip().upper()).first()
        if project is None:
            raise CommandError(f"Nessun progetto con CUP {cup}.")
        try:
            start, end = semester_bounds(semester)
        except ValueError as error:
            raise CommandError(str(error)) from error
        snapshot = compute_snapshot(project, ReportRun.Kind.SEMESTER, start, end)
        content = canonical_json(snapshot)
        # An unsaved run carries the figures to the template exactly as a stored one would.
        run = ReportRun(
            project=project,
            kind=ReportRun.Kind.SEMESTER,
            label=semester.upper(),
            period_start=start,
            period_end=end,
            version=0,
            snapshot_sha256=sha256(content),
            created_at=timezone.now(),
        )
        run.__dict__["snapshot"] = snapshot
        if json:
            Path(json).write_bytes(content)
            self.stdout.write(f"Dati: {json} (SHA-256 {run.snapshot_sha256})")
        if out:
            pdf = pdf_bytes(run)
            Path(out).write_bytes(pdf)
            self.stdout.write(f"PDF: {out} ({format_number(len(pdf), 0)} byte, SHA-256 {sha256(pdf)})")
