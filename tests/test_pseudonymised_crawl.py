"""The roles that see families pseudonymised find no name in the demo, wherever they look.

On the synthetic demo, whose notes, plans, minutes, complaints and comments name family members as real ones
do, `coordinatore` and `udp` follow every link they are given, from the dashboard on: pages, htmx fragments,
forms and their choices, PDFs, CSV, XLSX and JSON downloads. No member's first name, surname or codice fiscale
may appear in any of them. Every URL pattern of the project is either reached by the crawl or listed here with
the reason it is not, so a new page cannot escape.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter, deque
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from equipes.models import User
from families.models import AccessLog, Family, Member
from interventions.models import Group
from reporting.models import ReportRun

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

ROLES = ["coordinatore", "udp"]
# The cooperative's referent sees no family at all, but runs the groups its staff facilitate: it is crawled too, for
# leaks only (most of the portal is not its to reach).
PARTNER_REFERENT = "referente_coop"
# Never followed: leaving the session, and the Django admin (neither role is staff: it answers a redirect).
SKIPPED_PREFIXES = ("/accounts/logout", "/static/", "/admin/")
# Pages of one kind beyond this many are the same template with other rows: enough to find a leak of the
# template, not a reason to render every timesheet PDF of the demo.
PER_ROUTE = 12

# URL patterns the crawl cannot reach as these roles, and why. Any other pattern must be reached.
NOT_REACHED = {
    # Writes: POST only (their pages and forms are crawled; the writes themselves are tested elsewhere).
    "families:family-transition": "POST",
    "families:consent-revoke": "POST",
    "families:team-remove": "POST",
    "families:plan-create": "POST",
    "families:plan-share": "POST",
    "families:plan-comment": "POST",
    "interventions:cell-save": "POST (htmx)",
    "interventions:week-save": "POST",
    "interventions:timesheet-confirm": "POST",
    "interventions:timesheet-withdraw": "POST",
    "interventions:timesheet-validate": "POST",
    "interventions:timesheet-reopen": "POST",
    "interventions:session-create": "POST",
    "interventions:group-objectives": "POST",
    "interventions:attendance-toggle": "POST (htmx)",
    "interventions:school-meeting-create": "POST",
    "reporting:report-narrative": "POST",
    "reporting:report-submit": "POST",
    "reporting:report-back": "POST",
    "reporting:report-approve": "POST",
    "reporting:report-retry": "POST",
    "reporting:survey-report-submit": "POST",
    "reporting:survey-report-back": "POST",
    "reporting:survey-report-approve": "POST",
    "equipes:target-delete": "POST",
    "sinba:generate": "POST",
    "sinba:resend": "POST",
    "sinba:code-edit": "only for the ambito's own interventions' codes (sinba/tests/test_codes.py)",
    "sinba:index": "the Ufficio di Piano is sent on to its ambito's page (302); the list is the administrator's",
    "sinba:download": "no valid flow until the Ufficio di Piano generates them (sinba/tests/test_page.py)",
    # The e-service INPS calls through the ente's gateway, with the ente's token (sinba/tests/test_eservice.py).
    "sinba:waas-flussi": "e-service with a token",
    "sinba:waas-esiti": "e-service with a token",
    "sinba:waas-status": "e-service with a token",
    "interventions:budget-line-delete": "POST",
    "interventions:cost-item-delete": "POST",
    "imports:run-confirm": "POST",
    "imports:run-undo": "POST",
    "imports:run-retry": "POST",
    # The demo has no import: a run's report is tested in imports/tests (its values and reasons are redacted).
    "imports:run-detail": "no import in the demo",
    "imports:run-status": "no import in the demo",
    # Pages of the roles that see identities (the two roles get 403 or 404 there).
    "families:family-create": "case managers only",
    "families:family-edit": "case managers only",
    "families:member-create": "case managers only",
    "families:member-edit": "case managers only",
    "families:placement-create": "case managers only",
    "families:placement-edit": "case managers only",
    "families:preassessment": "case managers only",
    "families:consent-create": "case managers only",
    "families:consent-file": "roles that see identities only",
    "families:closure": "case managers only",
    "families:team-meeting-create": "the family's professionals only",
    "families:assessment-edit": "the family's professionals only",
    "families:sdq-create": "the family's professionals only",
    "families:plan-edit": "the family's professionals only",
    "families:plan-revise": "the family's professionals only",
    "families:objective-create": "the family's professionals only",
    "families:objective-edit": "the family's professionals only",
    "families:action-create": "the family's professionals only",
    "families:verification": "the family's professionals only",
    "families:note-create": "roles that see identities only",
    "families:family-audit": "the family's case manager and the administrator only",
    "interventions:intervention-create": "case managers only",
    "interventions:intervention-edit": "case managers only",
    "interventions:pairing-create": "case managers only",
    # Anonymous pages of the single-use survey links.
    "reporting:survey-answer": "anonymous link",
    "reporting:survey-thanks": "anonymous link",
    "healthz": "machine check",
    "healthz-queue": "machine check",
    "equipes:comuni-search": "JSON of the admin's chooser of comuni (public data, linked from no page)",
    # Staff documents, not family data: the demo's staff have no CV or certificate file to download.
    "equipes:staff-cv": "no file in the demo",
    "equipes:training-certificate": "no file in the demo",
}
# The Ufficio di Piano's own pages (staff register, budget side, quality, timesheets): 403 for the coordinator.
# The Referente di Ambito's own pages (the Ufficio di Piano gets 403).
COORDINATORE_ONLY = {"families:duplicate-list"}
UFFICIO_PIANO_ONLY = {
    "imports:run-list",
    "imports:template-download",
    "sinba:flows",
    "sinba:codes",
    "equipes:target-create",
    "equipes:target-edit",
    "interventions:budget-line-create",
    "interventions:budget-line-edit",
    "interventions:cost-item-create",
    "interventions:cost-item-edit",
    "equipes:implementation-create",
    "equipes:implementation-edit",
    "equipes:project-conclude",
    "equipes:project-edit",
    "equipes:project-follow-on",
    "equipes:staff-detail",
    "equipes:staff-list",
    "equipes:staff-cv-upload",
    "equipes:training-create",
    "interventions:timesheet-detail",
    "interventions:timesheet-list",
    "interventions:timesheet-pdf",
    "reporting:complaint-create",
    "reporting:complaint-edit",
    "reporting:control-create",
    "reporting:control-edit",
    "reporting:indicator-create",
    "reporting:indicator-edit",
    "reporting:indicator-value-create",
    "reporting:indicator-value-edit",
    "reporting:project-takeover",
    "reporting:survey-batch-print",
    "reporting:survey-comments",
    "reporting:survey-create",
    "reporting:survey-edit",
    "reporting:survey-links-create",
    "reporting:survey-response-create",
}


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Links(HTMLParser):
    """The links a user can follow on a page: anchors, GET forms (submitted as they are), htmx GETs."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if attrs.get("hx-get"):
            self.urls.append(attrs["hx-get"])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get" and attrs.get("action"):
            self.urls.append(attrs["action"])


def text_of(response) -> str:
    """Everything a user receives, as text: markup with its attributes and values, or a file's content."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(cell) for cell in row if cell is not None)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    text = body.decode("utf-8-sig", errors="replace")
    if "csv" in content_type:
        return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(text), delimiter=";"))
    return unescape(text)


def identity_pattern() -> re.Pattern:
    """Every member's first name and surname as whole words, capitalised as names are written (or in capitals),
    and every codice fiscale in any case. A lower-case "massimo" is the Italian word, not the name: the
    redactor's own tests cover names typed in lower case."""
    words = set()
    for first, last in Member.objects.values_list("first_name", "last_name"):
        for word in re.split(r"[\s'’-]+", f"{first} {last}"):
            if len(word) > 1:
                words |= {fold(word), fold(word.upper())}
    names = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    codes = "|".join(re.escape(m.codice_fiscale) for m in Member.objects.exclude(codice_fiscale_hash=""))
    return re.compile(rf"(?<!\w)(?:{names}|(?i:{codes}))(?!\w)")


def route_of(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Exception:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def crawl(client: Client, pattern: re.Pattern, start: list[str]) -> tuple[dict[str, int], list[str], Counter]:
    """Breadth-first from the dashboard. Returns the status of each URL, the leaks found and the routes seen."""
    seen: dict[str, int] = {}
    leaks: list[str] = []
    per_route: Counter = Counter()
    queue = deque(["/", *start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        route = route_of(url)
        if per_route[route] >= PER_ROUTE:
            continue
        per_route[route] += 1
        response = client.get(url)
        seen[url] = response.status_code
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code in (301, 302):
            location = urljoin(url, response["Location"])
            if urlsplit(location).netloc in ("", "testserver"):
                queue.append(urlsplit(location)._replace(scheme="", netloc="").geturl())
            continue
        if response.status_code != 200:
            continue
        text = fold(text_of(response))
        for match in pattern.finditer(text):
            start = max(match.start() - 60, 0)
            leaks.append(f"{url}: «{match.group()}» in …{text[start : match.end() + 60]!r}…")
        if "html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(response.content.decode())
            for link in parser.urls:
                absolute = urljoin(url, link.strip())
                parts = urlsplit(absolute)
                if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
                    continue
                local = parts._replace(scheme="", netloc="", fragment="").geturl()
                if not local.startswith(SKIPPED_PREFIXES) and local not in seen:
                    queue.append(local)
    return seen, leaks, per_route


def project_routes() -> set[str]:
    """Every named URL pattern of the portal (the admin's and allauth's aside)."""
    names = set()

    def walk(patterns, namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in ("admin",) or "allauth" in str(entry.urlconf_name):
                    continue
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns)
    return names


@pytest.fixture(scope="module")
def crawls(seeded_demo, django_db_blocker):
    with django_db_blocker.unblock():
        pattern = identity_pattern()
        results = {}
        for username in [*ROLES, PARTNER_REFERENT]:
            client = Client()
            client.force_login(User.objects.get(username=username))
            # What a page polls while a report renders (in the demo every report is ready, so no page links it).
            polled = [
                reverse("reporting:report-status", args=[pk]) for pk in ReportRun.objects.values_list("pk", flat=True)
            ]
            results[username] = crawl(client, pattern, polled)
        return results


@pytest.mark.parametrize("username", ROLES)
def test_no_name_reaches_a_pseudonymised_role(crawls, username):
    seen, leaks, _routes = crawls[username]
    assert len(seen) > 100, f"the crawl reached only {len(seen)} pages"
    assert not leaks, "\n".join(leaks[:40])


def test_no_name_reaches_the_partners_referent_on_the_groups_and_events_it_runs(crawls):
    seen, leaks, _routes = crawls[PARTNER_REFERENT]
    reached = {route_of(url) for url, status in seen.items() if status == 200}
    assert {"interventions:group-detail", "interventions:group-edit", "interventions:event-edit"} <= reached
    assert not leaks, "\n".join(leaks[:40])


def test_the_demo_names_people_in_the_free_text_the_crawl_reads(seeded_demo):
    """Without names in the notes the crawl would prove nothing: the demo's texts do name members."""
    family = Family.objects.filter(ambito__code="SER", state="in_corso").order_by("code").first()
    parent = family.members.exclude(kind="minore").order_by("birth_date", "pk").first()
    assert parent.first_name in family.plans.get(superseded_at__isnull=True).general_aims
    child_names = set(Member.objects.filter(kind="minore").values_list("first_name", flat=True))
    assert any(name in family.referral.reason for name in child_names)


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_the_portal_is_reached_or_explained(crawls, username):
    seen, _leaks, routes = crawls[username]
    reached = {route_of(url) for url, status in seen.items() if status == 200}
    missing = project_routes() - reached - set(NOT_REACHED)
    if username == "coordinatore":
        missing -= UFFICIO_PIANO_ONLY
    else:
        missing -= COORDINATORE_ONLY
    assert not missing, f"{username} never reached: {sorted(missing)}"
    gone = (set(NOT_REACHED) | UFFICIO_PIANO_ONLY | COORDINATORE_ONLY) - project_routes()
    assert not gone, f"listed patterns that no longer exist: {sorted(gone)}"
    assert "interventions:group-detail" in reached


def test_the_coordinator_picks_group_participants_among_codes(crawls, seeded_demo):
    client = Client()
    client.force_login(User.objects.get(username="coordinatore"))
    group = Group.objects.filter(ambito__code="SER", participants__isnull=False).distinct().first()
    response = client.get(group.get_absolute_url())
    form = response.context["participants_form"]
    labels = [label for _value, label in form.fields["members"].choices]
    assert labels
    code = re.compile(
        r"^SER-\d\d-\d{3} · (Madre|Padre|Figlio|Figlia|Minore \d|Figura genitoriale \d|Altro convivente \d)$"
    )
    assert all(code.match(str(label)) for label in labels), labels[:5]


def test_a_group_page_logs_the_access_to_every_family_it_shows(seeded_demo):
    user = User.objects.get(username="coordinatore")
    client = Client()
    client.force_login(user)
    group = Group.objects.filter(ambito__code="SER", participants__isnull=False).distinct().first()
    families = set(group.participants.values_list("family_id", flat=True))
    before = AccessLog.objects.filter(user=user).count()
    client.get(group.get_absolute_url())
    logged = set(AccessLog.objects.filter(user=user).values_list("family_id", flat=True)[: 10**6])
    assert families <= logged
    assert AccessLog.objects.filter(user=user).count() > before
