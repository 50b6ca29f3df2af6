"""Audit the installed Python packages for known vulnerabilities with pip-audit.

pip-audit asks a vulnerability service about each installed version (PyPI's per-release JSON by default;
OSV with PIP_AUDIT_SERVICE=osv). Where the machine reaches the package index only as an installer
mirror, that service does not answer and pip-audit would report every package as "could not be
audited" while still saying "no known vulnerabilities". So the service is probed first:

- it answers: pip-audit runs with --strict (a package it cannot audit is a failure) and its verdict stands;
- it does not: a warning says plainly that NOTHING WAS AUDITED, and the exit code is 0 unless
  PIP_AUDIT_REQUIRED=1 (set it wherever the service must be reachable, e.g. a release pipeline).
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from importlib.metadata import version

SERVICE = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
PROBES = {
    "pypi": f"https://pypi.org/pypi/django/{version('django')}/json",
    "osv": "https://api.osv.dev/v1/query",
}


def service_answers() -> bool:
    url = PROBES[SERVICE]
    data = b'{"package": {"name": "django", "ecosystem": "PyPI"}, "version": "' + version("django").encode() + b'"}'
    request = urllib.request.Request(url, data=data if SERVICE == "osv" else None)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status == 200
    except (urllib.error.URLError, TimeoutError, OSError):
        return False


def main() -> int:
    if not service_answers():
        print(
            f"pip-audit: WARNING: the vulnerability service ({SERVICE}: {PROBES[SERVICE]}) does not answer from "
            "this machine. Dependencies were NOT audited. Run `make security` where it is reachable.",
            file=sys.stderr,
        )
        return 1 if os.environ.get("PIP_AUDIT_REQUIRED") == "1" else 0
    command = [sys.executable, "-m", "pip_audit", "--strict", "--progress-spinner", "off", "--skip-editable"]
    command += ["--vulnerability-service", SERVICE]
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main())
