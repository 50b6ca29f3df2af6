"""E-mail settings come from EMAIL_URL and DEFAULT_FROM_EMAIL; unset, mail goes to the local SMTP server,
never to a file or the console where a reset link would stay readable."""

import json
import subprocess
import sys

from django.conf import settings

from .helpers import make_variables
from .test_check_deploy import production_environment

PRINT_EMAIL_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
         "EMAIL_USE_SSL", "EMAIL_FILE_PATH", "DEFAULT_FROM_EMAIL", "SERVER_EMAIL"]
print(json.dumps({name: str(getattr(s, name)) for name in names}))
"""


def email_settings(**environment) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_EMAIL_SETTINGS],
        cwd=settings.BASE_DIR,
        env={**production_environment(**environment), "DJANGO_SETTINGS_MODULE": "pippi_portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_email_url_mail_goes_to_the_smtp_server_of_the_machine():
    configured = email_settings()
    assert configured["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (configured["EMAIL_HOST"], configured["EMAIL_PORT"]) == ("localhost", "25")
    assert configured["DEFAULT_FROM_EMAIL"] == configured["SERVER_EMAIL"] == "PIPPI Portal <noreply@localhost>"


def test_email_url_names_the_server_its_credentials_and_tls():
    configured = email_settings(
        EMAIL_URL="smtp+tls://portale:segreto@smtp.example.it:587",
        DEFAULT_FROM_EMAIL="PIPPI Portal <pippi@comune.example.it>",
    )
    assert configured["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (configured["EMAIL_HOST"], configured["EMAIL_PORT"]) == ("smtp.example.it", "587")
    assert (configured["EMAIL_HOST_USER"], configured["EMAIL_HOST_PASSWORD"]) == ("portale", "segreto")
    assert (configured["EMAIL_USE_TLS"], configured["EMAIL_USE_SSL"]) == ("True", "False")
    assert configured["DEFAULT_FROM_EMAIL"] == "PIPPI Portal <pippi@comune.example.it>"


def test_make_run_writes_mail_under_var_mail_of_the_project():
    """A path relative to the project folder, wherever the server is started."""
    assert make_variables("run")["EMAIL_URL"] == "filemail:///var/mail"
    configured = email_settings(EMAIL_URL="filemail:///var/mail")
    assert configured["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert configured["EMAIL_FILE_PATH"] == str(settings.BASE_DIR / "var" / "mail")
