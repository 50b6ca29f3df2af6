"""Security headers of every page, and templates that need no inline script or style under the CSP."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories as f

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/admin/", "/famiglie/"])
def test_every_page_carries_a_strict_content_security_policy(world, client_for, url):
    client = client_for(world.users.admin) if url != "/accounts/login/" else Client()
    response = client.get(url)
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_authenticated_pages_are_never_stored_by_a_cache(world, client_for):
    family = f.make_family(world)
    client = client_for(world.users.case_manager)
    for url in ("/", reverse("families:family-list"), family.get_absolute_url(), reverse("equipes:profile")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    admin = client_for(world.users.admin).get("/admin/")
    assert "no-store" in admin["Cache-Control"]


def test_https_deployments_send_hsts(world, client_for, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = False
    response = client_for(world.users.case_manager).get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_needs_unsafe_inline():
    """The CSP forbids inline scripts and styles: behaviour lives in static/js/portal.js, looks in CSS files."""
    found = []
    for template in TEMPLATES.rglob("*.html"):
        if template.name.endswith("_pdf.html"):
            continue  # rendered to PDF by WeasyPrint on the server, never sent to a browser
        text = template.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{template.relative_to(TEMPLATES)}: {what}")
    assert not found, "\n".join(found)
