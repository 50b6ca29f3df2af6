"""What `make bench` and `make load` write: the machine they ran on and the sections of docs/benchmarks.md
(scripts/bench.py measures; this module tells)."""

from __future__ import annotations

import os
import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BENCH_START, BENCH_END = "<!-- bench:start -->", "<!-- bench:end -->"
LOAD_START, LOAD_END = "<!-- load:start -->", "<!-- load:end -->"


def machine() -> dict:
    from django.db import connection

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'jit'")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW max_parallel_workers_per_gather")
        parallel = cursor.fetchone()[0]
    import django

    host = connection.settings_dict.get("HOST") or ""
    embedded = host.startswith("/") and (Path(host) / "PG_VERSION").exists()
    where = Path(host).relative_to(ROOT) if embedded and Path(host).is_relative_to(ROOT) else host
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": f"{pg} ({f'embedded pgserver in {where}' if embedded else f'server at {where}'}, "
        f"shared_buffers {shared_buffers}, jit {jit}, max_parallel_workers_per_gather {parallel})",
    }


def mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def markdown(result: dict) -> str:
    m, seed, p, counts = result["machine"], result["seed"], result["pages"], result["counts"]
    floor = p["floor"]["median"]
    lines = [
        BENCH_START,
        "## `make bench`",
        "",
        f"Measured on {result['date']} · {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM · "
        f"Python {m['python']}, Django {m['django']} · PostgreSQL {m['postgresql']}.",
        "",
        "### Data",
        "",
    ]
    if seed:
        lines.append(
            f"Seeded with `seed_scale --ambiti {seed['ambiti']} --families-per-ambito {seed['families_per_ambito']}` "
            f"in **{seed['seconds']:.0f} s** on {seed['date'][:10]} (target: under 5 minutes "
            f"{mark(seed['seconds'] < 300)}); phases: "
            + ", ".join(f"{k} {v:.0f} s" for k, v in seed["phases"].items() if k != "total")
            + "."
            + (
                f" The single-project ambiti for the PDFs ({', '.join(map(str, seed['projects']))} families) took "
                f"{seed['projects_seconds']:.0f} s more."
                if seed.get("projects_seconds")
                else ""
            )
        )
        lines.append("")
    lines += ["| Table | Rows |", "|---|---:|"]
    lines += [f"| {name} | {rows:,} |".replace(",", ".") for name, rows in counts.items()]
    s = result["subjects"]
    lines += [
        "",
        "### Pages",
        "",
        f"In-process (Django test Client, DEBUG off), {result['runs']} runs after {result['warmups']} warm-ups, the "
        "pages taking turns (one request of each per round, so that a slower minute of the shared machine weighs "
        "on every page and on the floor alike), "
        f"as users of ambito {s['ambito']}: the case manager sees {s['visible_families']} families "
        f"(family list: 25 a page; the detail is family {s['family']}), the weekly grid is last week's of an "
        "educator, the budget, indicators and reports are the Ufficio di Piano's. The admin changelist (as "
        "superuser, 100 a page) lists every family of every ambito.",
        "",
        "| Page | User | Median ms | p95 ms | Queries | Median / floor |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for key, r in p.items():
        if key == "family-list-one-row":
            continue
        lines.append(
            f"| {r['label']} | {r['user']} | {r['median']:.1f} | {r['p95']:.1f} | {r['queries']} | "
            f"{r['median'] / floor:.1f}× |"
        )
    ratio = p["family-list"]["median"] / p["admin"]["median"]
    lines += [
        "",
        f"Family list / admin changelist (median): **{ratio:.2f}**. "
        f"Family list queries at 1 row (`?q=code`): {p['family-list-one-row']['queries']}, "
        f"at a full page: {p['family-list']['queries']}.",
        "",
        "### Semester PDF",
        "",
        "A semester run (figures frozen, then the PDF) rendered in a fresh process, as the worker does; peak memory "
        "is that process's maximum resident set (the baseline is the same process before the run).",
        "",
        "| Project | Families | Period | Total s | Figures s | PDF s | Peak MB | Baseline MB | Pages |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["pdfs"]:
        lines.append(
            f"| {r['project']} | {r['families']} | {r['label']} | {r['seconds']:.1f} | {r['figures_seconds']:.1f} | "
            f"{r['pdf_seconds']:.1f} | {r['peak_mb']:.0f} | {r['baseline_mb']:.0f} | {r['pages']} |"
        )
    row = result.get("in_a_row")
    if row:
        rss = row["rss_mb"]
        lines += [
            "",
            f"Memory of one worker: {row['count']} semester runs of project {row['project']} ({row['families']} "
            f"families) one after the other in one process; resident MB after each (after a garbage collection): "
            + ", ".join(f"{mb:.0f}" for mb in rss)
            + f" (before the first: {row['baseline_mb']:.0f}; peak {row['peak_mb']:.0f}).",
        ]
    growth = result.get("growth")
    if growth:
        g, gs = growth["pages"], growth["subjects"]
        lines += [
            "",
            f"### Growth: {growth['factor']}× the data",
            "",
            f"The same pages, in the same run, on `{growth['database']}`: "
            f"{growth['seed'].get('ambiti', '?')} ambiti × {growth['seed'].get('families_per_ambito', '?')} "
            f"families ({_rows(growth['counts'], 'families.Family')} families, "
            f"{_rows(growth['counts'], 'interventions.TimeEntry')} time entries), as users of ambito {gs['ambito']} "
            f"(the case manager sees {gs['visible_families']} families)."
            + (
                f" Seeded in {growth['seed']['seconds']:.0f} s on {growth['seed']['date'][:10]}."
                if growth["seed"].get("seconds")
                else ""
            )
            + " The admin changelist lists every ambito's families: for reference, not a target.",
            "",
            f"| Page | Median ms at 1× | Median ms at {growth['factor']}× | Ratio | Queries 1× / {growth['factor']}× |",
            "|---|---:|---:|---:|---:|",
        ]
        for key, r in p.items():
            if key not in g or key == "family-list-one-row":
                continue
            ratio = g[key]["median"] / r["median"]
            flag = "" if key in UNSCOPED else f" {mark(ratio <= GROWTH_RATIO)}"
            lines.append(
                f"| {r['label']} | {r['median']:.1f} | {g[key]['median']:.1f} | {ratio:.2f}{flag} | "
                f"{r['queries']} / {g[key]['queries']} |"
            )
    lines += ["", "### Targets", ""]
    lines += [f"- {mark(ok)} {text}" for ok, text in targets(result)]
    lines += ["", BENCH_END]
    return "\n".join(lines)


# The list and detail pages the query budget applies to (the budget and indicators pages are dashboards).
LIST_AND_DETAIL = ("family-list", "family-list-coord", "family-detail", "week", "report-list")
# Issue 16: these pages within 8× the one-query floor (median), the indicators within 20× and 12 queries.
WITHIN_8_FLOORS = ("family-list", "family-detail", "week", "budget")
# Pages not scoped to one ambito (or not pages): shown in the growth table, no growth target.
UNSCOPED = ("admin", "floor", "healthz")
GROWTH_RATIO = 1.25
GROWTH_SEED_SECONDS = 20 * 60
PDF_MEMORY_MB = 300
# How much a worker may grow from the second report to the last of a series (the first one loads the fonts,
# templates and modules a report needs once per process).
IN_A_ROW_GROWTH_MB = 10


def _rows(counts: dict, table: str) -> str:
    return f"{counts.get(table, 0):,}".replace(",", ".")


def targets(result: dict) -> list[tuple[bool, str]]:
    p = result["pages"]
    own = [k for k in LIST_AND_DETAIL if k in p]
    worst = max(own, key=lambda k: p[k]["queries"])
    dashboards = ", ".join(f"{p[k]['label']} {p[k]['queries']}" for k in ("budget", "indicators") if k in p)
    out = [
        (
            p["family-list-one-row"]["queries"] == p["family-list"]["queries"],
            f"Family list: same query count at 1 row and at a full page "
            f"({p['family-list-one-row']['queries']} / {p['family-list']['queries']}).",
        ),
        (
            all(p[k]["queries"] <= 12 for k in own),
            f"Every list and detail page at most 12 queries (most: {p[worst]['label']}, {p[worst]['queries']}; "
            f"the dashboards, for information: {dashboards}).",
        ),
    ]
    for key in ("family-list", "family-detail"):
        r = p[key]
        out.append((r["median"] < 50, f"{r['label']}: median under 50 ms ({r['median']:.1f} ms)."))
        out.append((r["p95"] < 150, f"{r['label']}: p95 under 150 ms ({r['p95']:.1f} ms)."))
    ratio = p["family-list"]["median"] / p["admin"]["median"]
    out.append((ratio <= 1.0, f"Family list no slower than the admin changelist (ratio {ratio:.2f})."))
    floor = p["floor"]["median"]
    for key in WITHIN_8_FLOORS:
        if key in p:
            times = p[key]["median"] / floor
            out.append((times <= 8, f"{p[key]['label']}: within 8× the floor ({times:.1f}×)."))
    if "indicators" in p:
        r = p["indicators"]
        out.append((r["queries"] <= 12, f"{r['label']}: at most 12 queries ({r['queries']})."))
        times = r["median"] / floor
        out.append((times <= 20, f"{r['label']}: within 20× the floor ({times:.1f}×)."))
    growth = result.get("growth")
    if growth:
        g = growth["pages"]
        scoped = [k for k in p if k in g and k not in UNSCOPED and k != "family-list-one-row"]
        worst = max(scoped, key=lambda k: g[k]["median"] / p[k]["median"])
        ratio = g[worst]["median"] / p[worst]["median"]
        over = [p[k]["label"] for k in scoped if g[k]["median"] / p[k]["median"] > GROWTH_RATIO]
        out.append(
            (
                not over,
                f"Growth: every page of one ambito's user within {GROWTH_RATIO}× at {growth['factor']}× the data "
                f"(worst: {p[worst]['label']}, {ratio:.2f}×" + (f"; over: {', '.join(over)}" if over else "") + ").",
            )
        )
        if growth["seed"].get("seconds"):
            seconds = growth["seed"]["seconds"]
            out.append(
                (
                    seconds < GROWTH_SEED_SECONDS,
                    f"Growth: seeding {growth['factor']}× the data under 20 minutes ({seconds / 60:.1f} min).",
                )
            )
    imported = result.get("import")
    if imported:
        out.append(
            (
                imported["seconds"] < 60 and imported["refused"] == 0,
                f"Import: {imported['rows']:,} rows of hours tried in the worker and applied in under a minute "
                f"({imported['seconds']:.1f} s: dry run {imported['dry_run_seconds']:.1f} s, real run "
                f"{imported['run_seconds']:.1f} s; {imported['refused']} refused).",
            )
        )
    row = result.get("in_a_row")
    if row and len(row["rss_mb"]) >= 2:
        grew = row["rss_mb"][-1] - row["rss_mb"][1]
        out.append(
            (
                grew <= IN_A_ROW_GROWTH_MB,
                f"Memory: {row['count']} semester runs in a row in one worker do not grow (from the 2nd to the last: "
                f"{grew:+.0f} MB; allowed {IN_A_ROW_GROWTH_MB} MB).",
            )
        )
    for r in result["pdfs"]:
        if r["families"] >= 1000:
            out.append(
                (
                    r["peak_mb"] < PDF_MEMORY_MB,
                    f"Semester PDF, {r['families']} families: under {PDF_MEMORY_MB} MB ({r['peak_mb']:.0f} MB).",
                )
            )
    for r in result["pdfs"]:
        if r["families"] <= 100:
            out.append((r["seconds"] < 5, f"Semester PDF, {r['families']} families: under 5 s ({r['seconds']:.1f} s)."))
            out.append(
                (r["peak_mb"] < 300, f"Semester PDF, {r['families']} families: under 300 MB ({r['peak_mb']:.0f} MB).")
            )
        else:
            out.append(
                (r["seconds"] < 60, f"Semester PDF, {r['families']} families: under 60 s ({r['seconds']:.1f} s).")
            )
    return out


def write_section(text: str, start: str, end: str, *, title: str = "# Benchmarks") -> None:
    """Replace one marked section of docs/benchmarks.md, keeping the others."""
    current = DOC.read_text() if DOC.exists() else ""
    if start in current and end in current:
        before, _rest = current.split(start, 1)
        _old, after = _rest.split(end, 1)
        new = before + text.strip() + after
    else:
        if not current:
            current = (
                f"{title}\n\nWritten by `make bench` (pages and PDFs) and `make load` (load test); see "
                "`scripts/bench.py` and `scripts/loadtest/`. Synthetic data only (`manage.py seed_scale`).\n"
            )
        new = current.rstrip() + "\n\n" + text.strip() + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(new if new.endswith("\n") else new + "\n")
