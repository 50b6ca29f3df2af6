"""`make screens-report`: the pages of the demo's semester report as PNG images, for docs/screens/.

Usage:
    python scripts/report_pages.py               seed (once) the screens database, render, convert
    python scripts/report_pages.py --out DIR     write the PNGs elsewhere (default docs/screens/)
    python scripts/report_pages.py --dpi 100     resolution of the images (default 80)

What: the latest approved semester report of the demo's PNRR project (the Ambito di Seregno's), rendered again
from its frozen snapshot with the templates of today (`reporting.reports.pdf_bytes`, as the worker does), then
every page converted with `pdftoppm` (Debian's poppler-utils) into `report-semester-<page>.png`; the PDF itself is
not kept. The database is the one of `make screens` (`pippi_screens`, or SCREENS_DATABASE; seeded with
`seed_demo` the first time, SCREENS_RESEED=1 seeds it again).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from bench import ensure_database  # noqa: E402
from screens import SCREENS_DATABASE, STATE, environment, manage  # noqa: E402


def render(env: dict[str, str]) -> tuple[bytes, str]:
    """The PDF of the demo's latest approved semester report and its name."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pippi_portal.settings")
    import django

    django.setup()
    from equipes.models import FundingSource
    from reporting import reports
    from reporting.models import ReportRun

    run = (
        ReportRun.objects.filter(
            kind=ReportRun.Kind.SEMESTER,
            state=ReportRun.State.APPROVATO,
            project__funding_source=FundingSource.PNRR,
        )
        .select_related("project__ambito", "approved_by")
        .order_by("-period_end", "-version")
        .first()
    )
    if run is None:
        sys.exit("screens-report: the demo has no approved semester report; is the database seeded?")
    return reports.pdf_bytes(run), f"{run.label} v{run.version}, {run.project.short_label}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.exit("screens-report: pdftoppm not found: `sudo apt-get install -y poppler-utils`")
    url = ensure_database(reset=os.environ.get("SCREENS_RESEED") == "1", name=SCREENS_DATABASE)
    env = environment(url)
    STATE.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_demo")
    content, which = render(env)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("report-semester-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as work:
        pdf = Path(work) / "report.pdf"
        pdf.write_bytes(content)
        subprocess.run([pdftoppm, "-r", str(args.dpi), "-png", str(pdf), str(args.out / "report-semester")], check=True)
    written = sorted(args.out.glob("report-semester-*.png"))
    print(f"screens-report: {which}, {len(written)} pages")
    for path in written:
        print(f"screens-report: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
