"""`manage.py check --deploy` is silent with a production-like environment."""

import base64
import os
import secrets
import subprocess
import sys

from django.conf import settings

from .helpers import database_url


def production_environment(**overrides) -> dict[str, str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DATABASE_URL": database_url(),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "false",
        "HTTPS": "true",
        "BEHIND_PROXY": "true",
        "ALLOWED_HOSTS": "pippi.example.it",
        "CSRF_TRUSTED_ORIGINS": "https://pippi.example.it",
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "HASH_KEY": secrets.token_urlsafe(32),
        "LOG_LEVEL": "ERROR",
    }
    environment.update(overrides)
    return environment


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_in_production(db):
    result = check_deploy(production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_notices_an_unsafe_setting(db):
    """The test above would catch a regression: a debug production is reported."""
    result = check_deploy(production_environment(DEBUG="true"))
    assert result.returncode != 0
    assert "security.W018" in result.stderr
