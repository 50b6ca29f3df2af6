"""`make screens`: screenshots of the pages used most, for docs/screens/ and the README's "Screens" section.

Usage:
    python scripts/screens.py                  seed (once) the screens database, serve it, shoot, stop
    python scripts/screens.py --out DIR        write the PNGs elsewhere (default docs/screens/)

What it shoots, each at 1366 × 900 and at 390 × 844 (a phone), as the demo user who works on that page:
the weekly hours grid (`educatore`), a family's page (`assistente`, a family on its path) and the referral form
(`assistente`). The files are `<page>-<width>.png`, e.g. docs/screens/grid-390.png.

How: the database `pippi_screens` on the same server as DATABASE_URL (the embedded PostgreSQL when it is unset,
as `make run`) is migrated and given the synthetic demo with `seed_demo` (a few minutes the first time, nothing
to do afterwards; SCREENS_RESEED=1 drops it and seeds again). The development server is started on it
(127.0.0.1:SCREENS_PORT, 8765 by default) with DEBUG off, as `make run`; Playwright drives Debian's Chromium
(/usr/bin/chromium, or PIPPI_CHROMIUM), logs in through the login form with the demo password and takes each
page once it has loaded. The server is stopped whatever happens. The demo is the portal as it is on the day
the script runs, so the pictures change with the calendar and with the pages. Chromium draws the empty date
fields in Italian ("gg/mm/aaaa") only with Debian's `chromium-l10n` installed; without it, "mm/dd/yyyy".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench import ensure_database  # noqa: E402  (scripts/bench.py: a database beside the configured one)

SCREENS_DATABASE = os.environ.get("SCREENS_DATABASE", "pippi_screens")
PORT = int(os.environ.get("SCREENS_PORT", "8765"))
CHROMIUM = Path(os.environ.get("PIPPI_CHROMIUM", "/usr/bin/chromium"))
STATE = ROOT / "var" / "screens"
PASSWORD = "demo-pippi-2026"  # demo/organisation.py DEMO_PASSWORD
VIEWPORTS = {1366: 900, 390: 844}


def environment(url: str) -> dict[str, str]:
    """The environment of the server and of the commands: `make run`'s, on the screens database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="false",
        HTTPS="false",
        MFA_REQUIRED="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        MEDIA_ROOT=str(STATE / "media"),
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-W", "ignore", str(ROOT / "manage.py"), *args], env=env, check=True)


def pages(env: dict[str, str]) -> list[tuple[str, str, str]]:
    """(name, demo user, path) of each page to shoot. The family is the first one on its path that the case
    manager follows, read from the seeded database."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pippi_portal.settings")
    import django

    django.setup()
    from django.urls import reverse

    from equipes.models import User
    from families.models import Family, State

    assistente = User.objects.get(username="assistente")
    family = Family.objects.visible_to(assistente).filter(state=State.IN_CORSO).order_by("code").first()
    if family is None:
        sys.exit("screens: the demo has no family on its path for `assistente`; is the database seeded?")
    return [
        ("grid", "educatore", reverse("interventions:week")),
        ("family", "assistente", family.get_absolute_url()),
        ("referral", "assistente", reverse("families:family-create")),
    ]


def wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # our own server on 127.0.0.1
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise SystemExit(f"screens: the server did not answer at {url} within {seconds} s") from None
            time.sleep(0.5)


def shoot(base: str, shots: list[tuple[str, str, str]], out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        # Chromium on Linux takes its language (and the date inputs' gg/mm/aaaa) from LANGUAGE, with the Italian
        # strings of the chromium-l10n package; --lang alone leaves the inputs in the American order.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--lang=it-IT"],
            env={**os.environ, "LANGUAGE": "it", "LANG": "it_IT.UTF-8"},
        )
        try:
            for width, height in VIEWPORTS.items():
                for username in dict.fromkeys(user for _name, user, _path in shots):
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, locale="it-IT", timezone_id="Europe/Rome"
                    )
                    page = context.new_page()
                    page.set_default_timeout(30_000)
                    page.goto(f"{base}/accounts/login/")
                    page.get_by_label("Nome utente").fill(username)
                    page.get_by_label("Password").fill(PASSWORD)
                    page.get_by_role("button", name="Accedi").click()
                    page.wait_for_load_state("networkidle")
                    if "/accounts/login/" in page.url:
                        raise SystemExit(f"screens: the login of `{username}` failed (still on {page.url})")
                    for name, user, path in shots:
                        if user != username:
                            continue
                        page.goto(f"{base}{path}")
                        page.wait_for_load_state("networkidle")
                        target = out / f"{name}-{width}.png"
                        page.screenshot(path=str(target), full_page=False)
                        written.append(target)
                    context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"screens: Chromium not found at {CHROMIUM}: `sudo apt-get install -y chromium`")
    url = ensure_database(reset=os.environ.get("SCREENS_RESEED") == "1", name=SCREENS_DATABASE)
    env = environment(url)
    STATE.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_demo")
    shots = pages(env)
    args.out.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{PORT}"
    log = (STATE / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-W", "ignore", str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"{base}/healthz")
        written = shoot(base, shots, args.out)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    for path in written:
        print(f"screens: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
