"""Median time of a few pages on the demo data, in-process with Django's test Client (DEBUG off): a quick
before/after check for a code change, not a benchmark (that is `make bench`, on the scale data).

    DATABASE_URL=postgres://…/demo python scripts/time_pages.py [runs]

Users: the demo's case manager with the most families (family list and the detail of their family with the
most time entries) and the Ufficio di Piano of the same ambito (indicators page)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pippi_portal.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["DEBUG"] = "false"
os.environ["HTTPS"] = "false"
os.environ["MFA_REQUIRED"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")


def median_ms(client, url: str, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(times), len(ctx.captured_queries)


def main() -> None:
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from equipes.models import Role, User
    from families.models import Family

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    case_manager = (
        User.objects.filter(role=Role.CASE_MANAGER).annotate(n=Count("managed_families")).order_by("-n").first()
    )
    family = (
        Family.objects.filter(case_manager=case_manager)
        .annotate(n=Count("time_entries", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    udp = User.objects.filter(role=Role.UFFICIO_PIANO, ambito=case_manager.ambito).first()
    pages = [
        ("Elenco famiglie", case_manager, reverse("families:family-list")),
        ("Scheda famiglia", case_manager, reverse("families:family-detail", args=[family.pk])),
        ("Cruscotto indicatori", udp, reverse("reporting:indicators")),
    ]
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        ms, queries = median_ms(client, url, runs)
        print(f"| {label} | {user.username} | {ms:.1f} | {queries} |")


if __name__ == "__main__":
    main()
