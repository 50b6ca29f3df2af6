"""`make load`: a Locust load test against gunicorn (2 sync workers) on loopback, on the bench database of
`make bench` (prepared and seeded here too if it is not yet): 100 requests/s offered for 2 minutes, then the
capacity curve: shorter runs at rising offered rates, and the rate at which the 95th percentile crosses 300 ms;
then the steady run again with PostgreSQL restarted in the middle (last: its caches are cold afterwards).
Writes the results to docs/benchmarks.md (the "make load"
section).

Environment: LOAD_USERS (50 Locust users), LOAD_RATE (2 requests/s each: 100 requests/s), LOAD_TIME (2m),
LOAD_RESTART_AT (60 seconds into the second run), LOAD_SKIP_RESTART=1 (no restart run), LOAD_PORT (8765),
LOAD_WORKERS (2 gunicorn sync workers), LOAD_CURVE (the offered rates of the curve, requests/s:
"20,30,40,50,60,75,100,125", rising until two steps past the limit; the same LOAD_USERS users share each rate),
LOAD_CURVE_TIME (1m a step), LOAD_SETTLE (10: seconds after the last login before the steady state is
counted), LOAD_SKIP_CURVE=1 (no curve), LOAD_NO_DOC=1 (print only), BENCH_DATABASE (as `make bench`).

Workers: 2 sync workers on the 2 cores (see docs/decisions.md): with PostgreSQL and Locust on the same cores,
a third worker (tried: the former default) served 6–11% fewer requests in alternating runs; a waiting worker's
core goes to PostgreSQL, which it is waiting for.

The server runs as in production: DEBUG off, the Makefile's keys, ALLOWED_HOSTS=127.0.0.1, plain HTTP
(HTTPS=false), no second factor (MFA_REQUIRED=false: the users log in with a password, as Locust cannot
read a TOTP app), persistent connections with health checks (settings.py). The restart: the embedded
server is stopped and started again through pgserver (scripts/devdb.py); a server of DATABASE_URL on this
machine with `pg_ctlcluster VERSION CLUSTER restart` (Debian), else `systemctl restart postgresql`.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402  (scripts/bench.py: the bench database and its setup)
import bench_report  # noqa: E402  (scripts/bench_report.py: the machine, docs/benchmarks.md)

OUT = ROOT / "var" / "loadtest"
VENV_BIN = Path(sys.executable).parent
USERS = int(os.environ.get("LOAD_USERS", "50"))
RATE = float(os.environ.get("LOAD_RATE", "2"))
RUN_TIME = os.environ.get("LOAD_TIME", "2m")
RESTART_AT = float(os.environ.get("LOAD_RESTART_AT", "60"))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "2"))
CURVE = [float(r) for r in os.environ.get("LOAD_CURVE", "20,30,40,50,60,75,100,125").split(",") if r.strip()]
CURVE_TIME = os.environ.get("LOAD_CURVE_TIME", "1m")
#: Seconds after the last login before the steady state is counted (see `summarise`).
SETTLE = float(os.environ.get("LOAD_SETTLE", "10"))
#: The 95th percentile the capacity curve looks for (issue 16's target for the steady load).
P95_LIMIT_MS = 300


def log(text: str) -> None:
    print(f"load: {text}", flush=True)


# --- Preparing ---------------------------------------------------------------------------------------------


def prepare_users(count: int) -> tuple[list[dict], str]:
    """Educators and case managers of the first scale ambiti, with the families they may open and those they
    may log hours for today (through the app's own scoping functions)."""
    from django.db import connection
    from django.utils import timezone

    from demo import scale
    from equipes.models import Role, User
    from families.models import Family
    from interventions.selectors import families_for_hours

    today = timezone.localdate()
    ambiti = list(scale.scale_ambiti().filter(code__startswith=scale.REGULAR_PREFIX).order_by("code"))
    people = []
    for ambito in ambiti:
        staff = User.objects.filter(ambito=ambito).order_by("username")
        people += list(staff.filter(role=Role.OPERATORE, profile="educatore")[:3])
        people += list(staff.filter(role=Role.CASE_MANAGER)[:1])
        if len(people) >= count:
            break
    users = []
    for user in people[:count]:
        users.append(
            {
                "username": user.username,
                "role": user.role,
                "families": list(Family.objects.visible_to(user).values_list("pk", flat=True)[:30]),
                "hours_families": list(families_for_hours(user, today).values_list("pk", flat=True)[:10]),
            }
        )
    connection.close()
    return users, today.isoformat()


def free_port(preferred: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]


def server_env(url: str) -> dict:
    env = os.environ.copy()
    env.update(
        DATABASE_URL=url,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="false",
        MFA_REQUIRED="false",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(OUT / "media"),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    log_file = open(OUT / "gunicorn.log", "a")  # noqa: SIM115  (kept open for the server's life)
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "pippi_portal.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=server_env(url),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    SERVER_PID[:] = [server.pid]
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            break
    server.terminate()
    raise SystemExit(f"load: gunicorn did not start, see {OUT / 'gunicorn.log'}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Where the CPU goes ------------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")
#: The gunicorn master's pid, once started (its workers are its children).
SERVER_PID: list[int] = []


def cpu_snapshot(locust_pid: int | None) -> dict:
    """CPU seconds used so far by each live process of the gunicorn server, PostgreSQL and Locust, by pid, and
    by the machine as a whole (/proc: user + system time of each process; busy time from /proc/stat)."""
    used: dict = {"gunicorn": {}, "postgresql": {}, "locust": {}}
    server = SERVER_PID[0] if SERVER_PID else None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        pid, ppid = int(entry.name), int(fields[1])
        seconds = (int(fields[11]) + int(fields[12])) / TICK
        if server and server in (pid, ppid):
            used["gunicorn"][pid] = seconds
        elif locust_pid and locust_pid in (pid, ppid):
            used["locust"][pid] = seconds
        elif comm.startswith(("postgres", "postmaster")):
            used["postgresql"][pid] = seconds
    with open("/proc/stat") as stat:
        cpu = [int(value) for value in stat.readline().split()[1:]]
    used["machine"] = (sum(cpu) - cpu[3] - cpu[4]) / TICK  # all but idle and iowait
    used["at"] = time.time()
    return used


def cpu_per_request(snapshots: list[dict], start: float, end: float, requests: int) -> dict:
    """Milliseconds of CPU per request of each group between the snapshots nearest `start` and `end`: each
    process's growth, a process started in between counted from zero (a process that ended in between, as
    PostgreSQL's across a restart, is not counted: the machine's total still is)."""
    if not snapshots or requests <= 0:
        return {}
    first = min(snapshots, key=lambda snap: abs(snap["at"] - start))
    last = min(snapshots, key=lambda snap: abs(snap["at"] - end))
    if last["at"] <= first["at"]:
        return {}
    result = {
        group: sum(seconds - first[group].get(pid, 0.0) for pid, seconds in last[group].items()) * 1000 / requests
        for group in ("gunicorn", "postgresql", "locust")
    }
    result["machine"] = (last["machine"] - first["machine"]) * 1000 / requests
    result["other"] = result["machine"] - result["gunicorn"] - result["postgresql"] - result["locust"]
    result["seconds"] = last["at"] - first["at"]
    result["cores_busy"] = (last["machine"] - first["machine"]) / result["seconds"]
    return result


# --- Restarting PostgreSQL ---------------------------------------------------------------------------------


def restart_method(url: str):
    """A function that restarts the database server of `url`, and its description; (None, why) if none."""
    import environ

    config = environ.Env.db_url_config(url)
    host, port = config.get("HOST") or "", int(config.get("PORT") or 5432)
    if host.startswith("/") and (Path(host) / "PG_VERSION").exists():
        # A pgserver data folder (the embedded server of scripts/devdb.py keeps its socket there).
        def embedded():
            import pgserver

            pgserver.get_server(Path(host), cleanup_mode="stop").cleanup()
            pgserver.get_server(Path(host), cleanup_mode=None)

        where = Path(host).relative_to(ROOT) if Path(host).is_relative_to(ROOT) else host
        return embedded, f"embedded server in {where} stopped and started again through pgserver"
    if host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/"):
        if shutil.which("pg_lsclusters") and shutil.which("pg_ctlcluster"):
            listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False)
            for line in listing.stdout.splitlines():
                version, cluster, cluster_port, *_rest = line.split()
                if int(cluster_port) == port:

                    def cluster_restart(version=version, cluster=cluster):
                        subprocess.run(["pg_ctlcluster", version, cluster, "restart"], check=True)

                    return cluster_restart, f"`pg_ctlcluster {version} {cluster} restart`"
        if shutil.which("systemctl"):

            def systemd():
                subprocess.run(["systemctl", "restart", "postgresql"], check=True)

            return systemd, "`systemctl restart postgresql`"
    return None, f"no way to restart the server at {host or 'localhost'}:{port} from here"


def wait_for_database(url: str, timeout: float = 60) -> float:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            bench._connect(url).close()
            return time.time()
        except Exception:
            time.sleep(0.2)
    raise SystemExit("load: the database did not come back")


# --- Running Locust ----------------------------------------------------------------------------------------


def run_locust(
    name: str,
    port: int,
    users_file: Path,
    day: str,
    *,
    during=None,
    users: int = USERS,
    rate: float = RATE,
    run_time: str = RUN_TIME,
) -> tuple[list[dict], dict]:
    samples = OUT / f"{name}.jsonl"
    env = os.environ.copy()
    env.update(
        LOADTEST_USERS=str(users_file),
        LOADTEST_PASSWORD=bench_scale_password(),
        LOADTEST_DAY=day,
        LOADTEST_SAMPLES=str(samples),
        LOADTEST_RATE=str(rate),
    )
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        run_time,
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--csv",
        str(OUT / name),
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
    ]
    log(f"{name}: {users} users × {rate:g} requests/s for {run_time}")
    started = time.time()
    with open(OUT / f"{name}.log", "w") as output:
        locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        events = {"started": started, "cpu": []}
        stop_sampling = threading.Event()

        def sample() -> None:
            while not stop_sampling.is_set():
                events["cpu"].append(cpu_snapshot(locust.pid))
                stop_sampling.wait(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        if during:
            thread = threading.Thread(target=during, args=(events,), daemon=True)
            thread.start()
        locust.wait()
        stop_sampling.set()
        sampler.join(timeout=5)
        if during:
            thread.join(timeout=120)
    events["ended"] = time.time()
    rows = [json.loads(line) for line in samples.read_text().splitlines()] if samples.exists() else []
    return rows, events


def bench_scale_password() -> str:
    from demo import scale

    return scale.SCALE_PASSWORD


def summarise(rows: list[dict], events: dict) -> dict:
    logins = [r for r in rows if r["name"].startswith("login")]
    flow = [r for r in rows if not r["name"].startswith("login")]
    # Steady state: SETTLE seconds after the last user logged in. The logins are one PBKDF2 hash each, on purpose
    # slow, and all the users log in at once: the requests queued behind them take a few seconds to drain (measured
    # in 5-second windows: p95 1.0–1.2 s in the window after the last login, 130–240 ms from the next one on, at
    # 30–40 requests/s), which is the burst of logins, not the mixed scenario.
    steady_from = max((r["start"] + r["ms"] / 1000 for r in logins), default=events["started"]) + SETTLE
    steady = [r for r in flow if r["start"] >= steady_from]

    def stats(items: list[dict]) -> dict:
        if not items:
            return {"n": 0}
        times = sorted(r["ms"] for r in items)
        span = max(r["start"] + r["ms"] / 1000 for r in items) - min(r["start"] for r in items)
        pick = lambda share: times[max(0, int(round(share * len(times))) - 1)]  # noqa: E731
        return {
            "n": len(items),
            "rps": len(items) / span if span > 0 else 0,
            "p50": statistics.median(times),
            "p95": pick(0.95),
            "p99": pick(0.99),
            "max": times[-1],
            "errors": sum(1 for r in items if not r["ok"]),
        }

    steady_end = max((r["start"] + r["ms"] / 1000 for r in steady), default=steady_from)
    result = {
        "cpu": cpu_per_request(events.get("cpu", []), steady_from, steady_end, len(steady)),
        "all": stats(rows),
        "flow": stats(flow),
        "steady": stats(steady),
        "logins": stats(logins),
        "steady_after_s": steady_from - events["started"],
        "by_name": {
            name: stats([r for r in steady if r["name"] == name]) for name in sorted({r["name"] for r in flow})
        },
        "errors": [r for r in rows if not r["ok"]][:5],
    }
    if "restart_begin" in events:
        begin, back = events["restart_begin"], events["back"]
        failed = [r for r in rows if not r["ok"]]
        # Failed before the restart began; failed although started once the database was back; the rest
        # failed while in flight across the restart.
        before = sum(1 for r in failed if r["start"] + r["ms"] / 1000 < begin)
        after = sum(1 for r in failed if r["start"] >= back)
        result["restart"] = {
            "at_s": begin - events["started"],
            "down_s": back - begin,
            "errors_before": before,
            "errors_during": len(failed) - before - after,
            "errors_after": after,
            "requests_after": sum(1 for r in rows if r["start"] >= back),
            "after": stats([r for r in flow if r["start"] >= back]),
            "first_errors_after": [r for r in rows if not r["ok"] and r["start"] >= back][:5],
        }
    return result


def run_curve(port: int, users_file: Path, day: str) -> list[dict]:
    """The capacity curve: a short run per offered rate (the same users, each asked for rate / users), its
    steady 95th percentile and throughput. Stops after two steps in a row past the limit."""
    points = []
    for offered in CURVE:
        rows, events = run_locust(
            f"curve-{offered:g}", port, users_file, day, users=USERS, rate=offered / USERS, run_time=CURVE_TIME
        )
        steady = summarise(rows, events)["steady"]
        point = {
            "offered": offered,
            "rps": steady.get("rps", 0),
            "p95": steady.get("p95"),
            "p50": steady.get("p50"),
            "n": steady.get("n", 0),
            "errors": steady.get("errors", 0),
        }
        points.append(point)
        log(f"curve: {offered:g} requests/s offered: {json.dumps(point)}")
        if len(points) >= 2 and all(p["p95"] is None or p["p95"] >= P95_LIMIT_MS for p in points[-2:]):
            break  # two steps past the limit: the next ones only queue up more
    return points


def capacity(points: list[dict]) -> dict:
    """The offered rate at which the steady p95 crosses the limit: interpolated between the last step under it
    and the first one over (a step with errors counts as over)."""

    def over(point: dict) -> bool:
        return point["p95"] is None or point["p95"] >= P95_LIMIT_MS or point["errors"] > 0

    for index, point in enumerate(points):
        if not over(point):
            continue
        if index == 0:
            return {"rate": None, "below": point["offered"]}
        before = points[index - 1]
        if point["p95"] is None or point["errors"] > 0 or point["p95"] == before["p95"]:
            return {"rate": before["offered"], "between": (before["offered"], point["offered"])}
        share = (P95_LIMIT_MS - before["p95"]) / (point["p95"] - before["p95"])
        rate = before["offered"] + share * (point["offered"] - before["offered"])
        return {"rate": rate, "between": (before["offered"], point["offered"])}
    return {"rate": None, "above": points[-1]["offered"] if points else None}


# --- Reporting ---------------------------------------------------------------------------------------------


def row(label: str, s: dict) -> str:
    if not s.get("n"):
        return f"| {label} | 0 | | | | | | |"
    return (
        f"| {label} | {s['n']} | {s['rps']:.1f} | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f} | "
        f"{s['max']:.0f} | {s['errors']} |"
    )


def markdown(results: dict, info: dict) -> str:
    mark = bench_report.mark
    lines = [
        bench_report.LOAD_START,
        "## `make load`",
        "",
        f"Measured on {info['date']} · {info['machine']} · gunicorn, {WORKERS} sync workers, on 127.0.0.1, DEBUG off, "
        f"against the bench database ({info['families']} families, {info['entries']} time entries) · Locust "
        f"{info['locust']}, headless, {USERS} users at {RATE:g} requests/s each (constant throughput: "
        f"{USERS * RATE:g} requests/s offered), {RUN_TIME}, all on the same cores as PostgreSQL (load average "
        f"{info['load_average']:.1f} when it started). Each user is "
        "an educator or a case manager of a scale ambito who logs in through the login form and then loops over "
        "the family list (3), a family's page (3), the weekly hours grid (2) and saving one cell of it (2).",
        "",
        "Times in ms. *Steady* is every request started "
        f"{SETTLE:g} s after the last user logged in (a login is a PBKDF2 hash: deliberately slow, once per "
        "session; all the users log in at once, and the requests queued behind the logins drain in those "
        "seconds); *all* includes the logins and that queue.",
        "",
    ]
    for name, r in results.items():
        if name == "curve":
            continue
        title = "Run 1: steady load" if name == "run1" else "Run 2: PostgreSQL restarted in the middle"
        lines += [
            f"### {title}",
            "",
            "| Requests | n | req/s | p50 | p95 | p99 | max | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            row("all (logins included)", r["all"]),
            row("logins", r["logins"]),
            row(f"steady (after {r['steady_after_s']:.0f} s)", r["steady"]),
        ]
        lines += [row(f"· {name_}", s) for name_, s in r["by_name"].items()]
        lines.append("")
        cpu = r.get("cpu")
        if cpu:
            lines += [
                f"CPU per steady request (/proc, {cpu['seconds']:.0f} s of the steady part, {cpu['cores_busy']:.2f} of "
                f"the 2 cores busy): gunicorn {cpu['gunicorn']:.1f} ms, PostgreSQL {cpu['postgresql']:.1f} ms, "
                f"Locust {cpu['locust']:.1f} ms, the rest of the machine {cpu['other']:.1f} ms; "
                f"{cpu['machine']:.1f} ms in all.",
                "",
            ]
        if "restart" in r:
            x = r["restart"]
            lines += [
                f"PostgreSQL restarted {x['at_s']:.0f} s into the run ({info['restart']}); it answered again "
                f"{x['down_s']:.1f} s later. Errors: {x['errors_before']} before, {x['errors_during']} among the "
                f"requests in flight across the restart, **{x['errors_after']} among those started after it was "
                f"back** (of {x['requests_after']} "
                f"requests; p95 after: {x['after'].get('p95', 0):.0f} ms).",
                "",
            ]
            if x["first_errors_after"]:
                lines += ["First errors after recovery:", ""]
                lines += [f"- {e['name']}: {e['status']} {e['error']}" for e in x["first_errors_after"]]
                lines.append("")
        if r["errors"] and name == "run1":
            lines += ["First errors:", ""] + [f"- {e['name']}: {e['status']} {e['error']}" for e in r["errors"]] + [""]
    curve = results.get("curve")
    if curve:
        lines += [
            "### Capacity curve",
            "",
            f"The same scenario and users, {CURVE_TIME} per offered rate (each user asked for its share of it), "
            "steady requests only.",
            "",
            "| Offered req/s | Served req/s | p50 ms | p95 ms | n | errors |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for point in curve["points"]:
            lines.append(
                f"| {point['offered']:g} | {point['rps']:.1f} | {point['p50'] or 0:.0f} | {point['p95'] or 0:.0f} | "
                f"{point['n']} | {point['errors']} |"
            )
        lines += ["", capacity_sentence(curve["capacity"]), ""]
    run1 = results.get("run1")
    lines += ["### Targets", ""]
    if run1:
        s = run1["steady"]
        lines.append(f"- {mark(run1['all']['errors'] == 0)} Load test: 0 errors ({run1['all']['errors']}).")
        lines.append(
            f"- {mark(s.get('p95', 1e9) < 300)} Load test: p95 under 300 ms (steady: {s.get('p95', 0):.0f} ms)."
        )
        lines.append(
            f"- {mark(s.get('rps', 0) >= 0.95 * USERS * RATE)} Throughput held: {s.get('rps', 0):.1f} of "
            f"{USERS * RATE:g} requests/s offered."
        )
    if curve:
        rate = curve["capacity"].get("rate")
        held = rate is None and curve["capacity"].get("above") is not None
        ok = held or (rate is not None and rate >= USERS * RATE)
        lines.append(
            f"- {mark(ok)} Capacity: p95 crosses {P95_LIMIT_MS} ms at or above the {USERS * RATE:g} requests/s of the "
            f"steady run ({capacity_sentence(curve['capacity'], short=True)})."
        )
    run2 = results.get("run2")
    if run2 and "restart" in run2:
        errors_after = run2["restart"]["errors_after"]
        lines.append(
            f"- {mark(errors_after == 0)} After a database restart, 0 errors once it is back ({errors_after})."
        )
    elif info.get("restart_skipped"):
        lines.append(f"- ❌ Restart run not done: {info['restart_skipped']}.")
    lines += ["", bench_report.LOAD_END]
    return "\n".join(lines)


def capacity_sentence(result: dict, *, short: bool = False) -> str:
    if result.get("rate") is not None:
        low, high = result["between"]
        text = f"{result['rate']:.0f} requests/s (between the steps of {low:g} and {high:g})"
    elif result.get("above") is not None:
        text = f"not crossed up to {result['above']:g} requests/s"
    else:
        text = f"already crossed at {result.get('below', 0):g} requests/s, the first step"
    return text if short else f"**Capacity** (offered rate at which p95 crosses {P95_LIMIT_MS} ms): {text}."


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    url = bench.ensure_database()
    bench.setup_django(url)
    bench.prepare(log=log)
    from families.models import Family
    from interventions.models import TimeEntry

    info = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "load_average": os.getloadavg()[0],
        "machine": "{cpu}, {cores} cores, {ram_gb} GB RAM, PostgreSQL {postgresql}".format(**bench_report.machine()),
        "families": Family.objects.count(),
        "entries": TimeEntry.objects.count(),
        "locust": subprocess.run(
            [str(VENV_BIN / "locust"), "--version"], capture_output=True, text=True, check=False
        ).stdout.split()[1],
    }
    users, day = prepare_users(USERS)  # more Locust users than accounts share them (locustfile.py)
    if not users:
        raise SystemExit("load: no scale users in the bench database")
    users_file = OUT / "users.json"
    users_file.write_text(json.dumps(users))
    port = free_port(PORT)
    results = {}
    restart, how = restart_method(url)
    info["restart"] = how
    server = start_gunicorn(url, port)
    try:
        rows, events = run_locust("run1", port, users_file, day)
        results["run1"] = summarise(rows, events)
        log(f"run1: {json.dumps(results['run1']['steady'])}")
        log(f"run1: CPU ms per steady request: { {k: round(v, 2) for k, v in results['run1']['cpu'].items()} }")
        # The curve before the restart run: after a restart PostgreSQL's caches are cold for a while.
        if os.environ.get("LOAD_SKIP_CURVE") != "1" and CURVE:
            points = run_curve(port, users_file, day)
            results["curve"] = {"points": points, "capacity": capacity(points)}
            log(f"curve: {capacity_sentence(results['curve']['capacity'])}")
        if os.environ.get("LOAD_SKIP_RESTART") == "1":
            info["restart_skipped"] = "LOAD_SKIP_RESTART=1"
        elif restart is None:
            info["restart_skipped"] = how
        else:
            # The second run logs in again (new sessions) on the same server processes.
            def restart_in_the_middle(events: dict) -> None:
                time.sleep(RESTART_AT)
                events["restart_begin"] = time.time()
                log(f"run2: restarting PostgreSQL ({how})")
                restart()
                events["back"] = wait_for_database(url)
                log(f"run2: PostgreSQL back after {events['back'] - events['restart_begin']:.1f} s")

            rows, events = run_locust("run2", port, users_file, day, during=restart_in_the_middle)
            results["run2"] = summarise(rows, events)
            log(f"run2: {json.dumps(results['run2'].get('restart', {}), default=str)[:600]}")
    finally:
        stop(server)
    (OUT / "results.json").write_text(json.dumps({"info": info, "results": results}, indent=2, default=str))
    text = markdown(results, info)
    print(text)
    if os.environ.get("LOAD_NO_DOC") != "1":
        bench_report.write_section(text, bench_report.LOAD_START, bench_report.LOAD_END)
        log(f"written to {bench_report.DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
