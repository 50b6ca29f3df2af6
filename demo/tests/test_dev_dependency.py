"""The synthetic data is a development tool: the apps of the portal do not import it, the portal starts without
Faker (a development dependency) even with `demo` installed, and the seeds say what to install where it is
missing."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from django.conf import settings

RUNTIME_PACKAGES = ["pippi_portal", "equipes", "families", "interventions", "reporting"]

WITHOUT_FAKER = """
import sys

sys.modules["faker"] = None  # as if Faker were not installed: importing it fails
import django

django.setup()
from django.core.management import CommandError, call_command
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

get_wsgi_application()
get_resolver().url_patterns  # every app's urls and views
import demo.management.commands.seed_demo
import demo.management.commands.seed_scale

for name in ("seed_demo", "seed_scale"):
    try:
        call_command(name)
    except CommandError as refused:
        print(name, refused)
"""


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_of_the_portal_imports_faker_or_the_demo():
    offenders = []
    for package in RUNTIME_PACKAGES:
        for path in sorted((Path(settings.BASE_DIR) / package).rglob("*.py")):
            roots = {name.split(".")[0] for name in imported_modules(path)}
            offenders += [f"{path.relative_to(settings.BASE_DIR)}: {root}" for root in roots & {"faker", "demo"}]
    assert not offenders


def test_the_portal_starts_without_faker_and_the_seeds_say_what_to_install():
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_FAKER], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    remedy = "installa le dipendenze di sviluppo: pip install -r requirements-dev.txt"
    assert f"seed_demo Faker non è installato: {remedy}" in result.stdout
    assert f"seed_scale Faker non è installato: {remedy}" in result.stdout
