"""Fuzzing of what the views read outside forms (issue 11): query-string parameters (pagination, list filters,
the week of the hours grid, a plan's version, a report's period) and raw POST parameters (the htmx cell of
the hours grid, the whole-week form). Forms are fuzzed by tests/test_form_fuzzing.py.

For every endpoint of the registry `ENDPOINTS`, Hypothesis sends hostile values (huge and negative numbers,
years 1 and 9999, impossible dates, non-ASCII, NUL bytes, long strings, SQL and markup, repeated parameters)
as a persona allowed to use it, and checks that

- the answer is never a 500;
- the page never contains the markup payload verbatim;
- a GET writes nothing but bookkeeping (session, access log), and a 400 writes nothing.

`test_every_request_parameter_read_is_fuzzed` reads the source of every module of the project (AST) and fails
when a function reads a query-string or POST parameter that no endpoint fuzzes (or that `ELSEWHERE` does not
explain), or hands the whole query string to anything but a django-filter FilterSet: a new parameter cannot
escape. Every URL pattern with integer parts is also opened with integers no table holds.
"""

from __future__ import annotations

import ast
import datetime
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from types import SimpleNamespace

import django_filters
import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from families.filters import FamilyFilter
from interventions.models import Timesheet
from reporting.filters import ComplaintFilter, QualityControlFilter, SurveyFilter
from reporting.models import ReportRun
from tests.fuzz_scene import SEDT_START, scene_for_module
from tests.fuzzing import (
    BAD_PKS,
    BOOKKEEPING,
    HOSTILE_DATES,
    HOSTILE_NUMBERS,
    HOSTILE_TEXT,
    PACKAGES,
    WriteCounter,
    fuzz_settings,
    markers_in,
    project_modules,
)

pytestmark = pytest.mark.fuzzing

EXAMPLES = 20  # generated per endpoint, after the SWEEP: the module runs in about 20 s on this machine

# --- Values --------------------------------------------------------------------------------------------------

HOSTILE = st.sampled_from(sorted({*HOSTILE_TEXT, *HOSTILE_NUMBERS, *HOSTILE_DATES, *BAD_PKS}))
NUMBERS = st.one_of(st.integers(-(10**30), 10**30), st.sampled_from([0, -1, 2**31, 2**63, 10**100])).map(str)
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)  # NUL and controls included


def hostile(*valid: st.SearchStrategy) -> st.SearchStrategy:
    """A parameter's values: what the page itself sends, and what nobody should; sometimes repeated."""
    one = st.one_of(*valid, HOSTILE, NUMBERS, TEXT)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


def iso_dates(low=datetime.date(2023, 1, 1), high=datetime.date(2026, 12, 31)) -> st.SearchStrategy:
    return st.dates(low, high).map(datetime.date.isoformat)


PAGE = hostile(st.integers(1, 3).map(str))

#: Sent in every parameter of every endpoint, one at a time, before the generated examples: the values that
#: broke pages before (date arithmetic at years 1 and 9999, a pk that is not a number, NUL bytes).
SWEEP = ["\x00", "0001-01-01", "9999-12-31", "1" + "0" * 30, "-1", "abc", '"><img src=x onerror=alert(1)>', "x" * 5000]


def filter_params(filterset: type[django_filters.FilterSet]) -> dict[str, st.SearchStrategy]:
    """Every filter of a FilterSet, with hostile values: a filter added later is fuzzed without a change here."""
    return dict.fromkeys(filterset.base_filters, hostile(st.sampled_from(["", "1", "aperti", "on"])))


# --- The registry ------------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    """A URL that reads raw parameters, as the persona `user(s)` that may use it (s: the scene). `params` maps
    each parameter to its values (a strategy, or a function of the scene giving one); a name with "*" stands
    for names the view computes (`names(s)` generates them). `readers` are functions other than the view that
    read these parameters for it."""

    url: str
    user: Callable
    params: dict[str, st.SearchStrategy]
    method: str = "GET"
    args: Callable = lambda s: []
    readers: tuple[str, ...] = ()
    names: Callable | None = None


def grid_cell_names(s) -> st.SearchStrategy:
    """The names of the grid's cells ("cell-<row>-<date>") the educator's week has, and broken ones."""
    rows = [f"diretta_famiglia:{s.family.pk}", f"riunione_em:{s.family.pk}", f"gruppo:{s.group.pk}", "coordinamento:"]
    days = [SEDT_START + datetime.timedelta(days=i) for i in range(7)]
    real = st.builds(lambda r, d: f"cell-{r}-{d.isoformat()}", st.sampled_from(rows), st.sampled_from(days))
    return st.one_of(real, st.builds(lambda r, d: f"cell-{r}-{d}", HOSTILE, HOSTILE), TEXT)


def grid_rows(s) -> st.SearchStrategy:
    rows = [f"diretta_famiglia:{s.family.pk}", f"gruppo:{s.group.pk}", "coordinamento:", "supervisione:"]
    return hostile(st.sampled_from(rows), st.sampled_from(["diretta_famiglia:abc", "gruppo:", "x:1", ":"]))


def _endpoints() -> list[Endpoint]:
    udp, cm, op, coord = (
        attrgetter(f"users.{role}") for role in ("ufficio_piano", "case_manager", "operatore", "coordinatore")
    )
    week_date = hostile(iso_dates(), st.sampled_from(["0001-01-01", "9999-12-31", "1900-01-01"]))
    hours = hostile(st.sampled_from(["1,5", "2", "0", "1:30", "24", "", "25", "23:59"]))
    return [
        Endpoint("equipes:equipe-list", udp, {"page": PAGE}),
        Endpoint("families:duplicate-list", coord, {"conferma": hostile(st.integers(1, 5).map(str))}, method="POST"),
        Endpoint("equipes:staff-list", udp, {"page": PAGE}),
        Endpoint(
            "equipes:comuni-search",
            cm,
            {
                "term": hostile(st.sampled_from(["ser", "Seregno (MB)", "I625", "castro", "z100", "", "(", "%"])),
                "estero": hostile(st.sampled_from(["1", "0"])),
            },
        ),
        Endpoint("equipes:meeting-list", udp, {"page": PAGE}),
        Endpoint(
            "families:family-list",
            cm,
            {"page": PAGE, **filter_params(FamilyFilter)},
        ),
        Endpoint(
            "families:family-audit",
            cm,
            {"accessi": PAGE, "modifiche": PAGE},
            args=lambda s: [s.family.pk],
        ),
        Endpoint("families:plan", cm, {"versione": hostile(st.sampled_from(["1", "2"]))}, args=lambda s: [s.family.pk]),
        Endpoint("interventions:week", op, {"settimana": week_date}, readers=("interventions.views._week_from",)),
        Endpoint("interventions:my-timesheets", op, {"page": PAGE}),
        Endpoint(
            "interventions:timesheet-list",
            attrgetter("users.referente_ente"),
            {"stato": hostile(st.sampled_from(Timesheet.State.values)), "page": PAGE},
        ),
        Endpoint("interventions:group-list", cm, {"page": PAGE}),
        Endpoint("interventions:event-list", udp, {"page": PAGE}),
        Endpoint("imports:run-list", udp, {"page": PAGE}),
        Endpoint(
            "reporting:report-list", udp, {"stato": hostile(st.sampled_from(ReportRun.State.values)), "page": PAGE}
        ),
        Endpoint(
            "reporting:indicators",
            udp,
            {
                "progetto": lambda s: hostile(st.just(str(s.project.pk)), st.just(str(s.other.project.pk))),
                "periodo": hostile(st.sampled_from(["2024-S1", "2024-S2", "0000-S1", "9999-S2", "2024-S3", "2024"])),
            },
        ),
        Endpoint(
            "reporting:survey-list",
            udp,
            {"page": PAGE, **filter_params(SurveyFilter)},
            readers=("reporting.views.list_page",),
        ),
        Endpoint(
            "reporting:complaint-list",
            udp,
            {"page": PAGE, **filter_params(ComplaintFilter)},
            readers=("reporting.views.list_page",),
        ),
        Endpoint(
            "reporting:control-list",
            udp,
            {"page": PAGE, **filter_params(QualityControlFilter)},
            readers=("reporting.views.list_page",),
        ),
        Endpoint(
            "sinba:flows",
            udp,
            {"stato": hostile(st.sampled_from(["ready", "invalid", "sent", "accepted", "refused"])), "page": PAGE},
            args=lambda s: [s.ambito.pk],
        ),
        Endpoint(
            "sinba:codes",
            udp,
            {"da_verificare": hostile(st.sampled_from(["1", "0"])), "page": PAGE},
            args=lambda s: [s.ambito.pk],
        ),
        Endpoint(
            "interventions:cell-save",
            op,
            {
                "row": grid_rows,
                "date": week_date,
                "value": hours,
                "row_label": hostile(st.just("Famiglia")),
                "cell-*-*": hours,
            },
            method="POST",
            names=grid_cell_names,
        ),
        Endpoint(
            "interventions:week-save",
            op,
            {"settimana": week_date, "*": hours},
            method="POST",
            readers=("interventions.views._week_from",),
            names=grid_cell_names,
        ),
    ]


ENDPOINTS = _endpoints()
BY_URL = {endpoint.url: endpoint for endpoint in ENDPOINTS}

#: Parameters read outside the views, with where they are fuzzed instead.
ELSEWHERE = {
    ("pippi_portal.idempotency.submission_token", "POST", "*"): "every form page's submission token: form fuzzing",
    ("pippi_portal.security.login_username", "POST", "login"): "the login form's username: form fuzzing (LoginForm)",
    ("pippi_portal.security.login_username", "POST", "username"): "the same, by the name django-axes also reads",
    ("sinba.eservice.flussi", "GET", "since"): "the e-service answers only with the ente's token: test_eservice.py",
    ("sinba.eservice.flussi", "GET", "limit"): "the same, with hostile since and limit (Hypothesis)",
}


# --- What the code reads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """A function that reads a request parameter: source "GET" or "POST", the name ("*" where computed)."""

    function: str
    source: str
    name: str


def _key(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "*" for part in node.values)
    return "*"


def _querydict(node: ast.AST) -> str | None:
    """ "GET" or "POST" for `request.GET` / `request.POST`."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr in ("GET", "POST")
        and isinstance(node.value, ast.Name)
        and node.value.id == "request"
    ):
        return node.attr
    return None


@dataclass
class _Scan:
    module: object
    reads: set[Read] = field(default_factory=set)
    whole: list[str] = field(default_factory=list)  # functions handing the whole query string elsewhere

    def function(self, name: str, body: ast.AST) -> None:
        parents = {child: parent for parent in ast.walk(body) for child in ast.iter_child_nodes(parent)}
        qualified = f"{self.module.__name__}.{name}"
        for node in ast.walk(body):
            source = _querydict(node)
            if source is None:
                continue
            parent = parents.get(node)
            if isinstance(parent, ast.Attribute) and parent.attr in ("get", "getlist", "pop", "copy"):
                call = parents.get(parent)
                if parent.attr != "copy" and isinstance(call, ast.Call):
                    self.reads.add(Read(qualified, source, _key(call.args[0]) if call.args else "*"))
                continue  # .copy(): the query string kept for the pagination links
            if isinstance(parent, ast.Subscript):
                self.reads.add(Read(qualified, source, _key(parent.slice)))
            elif isinstance(parent, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in parent.ops):
                self.reads.add(Read(qualified, source, _key(parent.left)))
            elif source == "POST":
                continue  # the whole POST to a form: fuzzed by the form fuzzing
            else:
                filterset = self._filterset_around(node, parents)
                if filterset is None:
                    self.whole.append(qualified)
                else:
                    self.reads |= {Read(qualified, "GET", name) for name in filterset.base_filters}

    def _filterset_around(self, node, parents):
        """The FilterSet class a `request.GET` (or `request.GET or None`) is handed to, if that is what happens."""
        parent = parents.get(node)
        if isinstance(parent, ast.BoolOp):
            parent = parents.get(parent)
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name):
            candidate = getattr(self.module, parent.func.id, None)
            if inspect.isclass(candidate) and issubclass(candidate, django_filters.FilterSet):
                return candidate
        return None


def scan_project() -> _Scan:
    total = _Scan(module=None)
    for module in project_modules():
        scan = _Scan(module)
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                scan.function(node.name, node)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        scan.function(f"{node.name}.{item.name}", item)
        total.reads |= scan.reads
        total.whole += scan.whole
    return total


def url_views(patterns=None, namespace=None):
    """(URL name, the view function under its decorators, the pattern) for every named URL pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_views(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = inspect.unwrap(pattern.callback)
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, f"{view.__module__}.{view.__qualname__}", pattern


VIEWS = {name: view for name, view, _pattern in url_views()}


def declared() -> set[Read]:
    reads = set()
    for endpoint in ENDPOINTS:
        for function in (VIEWS[endpoint.url], *endpoint.readers):
            reads |= {Read(function, endpoint.method, name) for name in endpoint.params}
    return reads


def test_every_request_parameter_read_is_fuzzed():
    scan = scan_project()
    assert not scan.whole, f"functions handing the whole query string to something other than a FilterSet: {scan.whole}"
    fuzzed = declared() | {Read(*key) for key in ELSEWHERE}
    missing = sorted(f"{r.function} reads {r.source}[{r.name!r}]" for r in scan.reads if not _covered(r, fuzzed))
    assert not missing, f"request parameters read but not fuzzed (add them to ENDPOINTS or ELSEWHERE): {missing}"


SNIPPET = """
def view(request):
    a = request.GET.get("a")
    b = request.GET["b"]
    if "c" in request.GET and request.POST.getlist(f"d-{a}"):
        pass
    e = ThingFilter(request.GET or None, queryset=None)
    query = request.GET.copy()
    form = Form(request.POST or None)
    return request.GET
"""


def test_the_scan_sees_every_way_of_reading_a_parameter():
    class ThingFilter(django_filters.FilterSet):
        f = django_filters.CharFilter()

    scan = _Scan(module=SimpleNamespace(__name__="app.views", ThingFilter=ThingFilter))
    scan.function("view", ast.parse(SNIPPET).body[0])
    assert scan.reads == {
        Read("app.views.view", "GET", "a"),
        Read("app.views.view", "GET", "b"),
        Read("app.views.view", "GET", "c"),
        Read("app.views.view", "POST", "d-*"),
        Read("app.views.view", "GET", "f"),
    }
    assert scan.whole == ["app.views.view"]  # `return request.GET`: the whole query string, unchecked
    real = scan_project().reads
    assert Read("interventions.views._week_from", "GET", "settimana") in real
    assert Read("interventions.views.cell_save", "POST", "cell-*-*") in real
    assert Read("families.views.family_list", "GET", "overdue") in real


def test_the_registry_names_nothing_the_code_does_not_read():
    """A stale entry would be a parameter fuzzed for nothing while its replacement goes unfuzzed."""
    reads = scan_project().reads
    stale = sorted(
        f"{endpoint.url}: {name}"
        for endpoint in ENDPOINTS
        for name in endpoint.params
        if not any(
            _covered(read, {Read(f, endpoint.method, name) for f in (VIEWS[endpoint.url], *endpoint.readers)})
            for read in reads
        )
    )
    assert not stale, stale


def _covered(read: Read, declared_reads: set[Read]) -> bool:
    """Declared as read by that function; a computed name ("*") matches a declared pattern with "*"."""
    if read in declared_reads:
        return True
    return "*" in read.name and any(
        d.function == read.function and d.source == read.source and "*" in d.name for d in declared_reads
    )


# --- The fuzzing ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory):
    with scene_for_module(django_db_blocker, tmp_path_factory.mktemp("fuzz-media")) as built:
        yield built


@pytest.fixture(autouse=True)
def _no_n_plus_one():
    """Overrides the conftest's fixture, as the form fuzzing does: the whole-week form saves one cell per
    service call by design; here a 500 must be a real one."""


def parameters(endpoint: Endpoint, s) -> st.SearchStrategy:
    """A submission: any subset of the endpoint's parameters, the computed names drawn from `names`."""
    values = {
        name: strategy if isinstance(strategy, st.SearchStrategy) else strategy(s)
        for name, strategy in endpoint.params.items()
    }
    fixed = {name: strategy for name, strategy in values.items() if "*" not in name}
    computed = [strategy for name, strategy in values.items() if "*" in name]
    named = st.fixed_dictionaries({}, optional=fixed)
    if not computed:
        return named
    extra = st.dictionaries(endpoint.names(s), st.one_of(*computed), max_size=4)
    return st.builds(lambda a, b: {**b, **a}, named, extra)


@pytest.mark.parametrize("url_name", [endpoint.url for endpoint in ENDPOINTS])
def test_endpoint_fuzz(url_name, scene, db):
    endpoint = BY_URL[url_name]
    s = scene
    url = reverse(endpoint.url, args=endpoint.args(s))
    client = Client(raise_request_exception=False)
    client.force_login(endpoint.user(s))
    plain = getattr(client, endpoint.method.lower())(url)
    assert plain.status_code not in (403, 404, 405), "the persona must reach the view"
    writes = WriteCounter(BOOKKEEPING)

    def check(data: dict, htmx: bool) -> None:
        extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        start = writes()
        with transaction.atomic():
            response = getattr(client, endpoint.method.lower())(url, data, **extra)
            transaction.set_rollback(True)
        changes = writes() - start
        assert response.status_code < 500, f"{response.status_code} for {data!r}"
        body = response.content.decode(errors="replace")
        assert not markers_in(body), f"unescaped markup for {data!r}: {markers_in(body)}"
        if endpoint.method == "GET" or response.status_code == 400:
            assert not changes, f"{response.status_code} to {data!r} wrote {changes} rows"

    real_name = f"cell-coordinamento:-{SEDT_START + datetime.timedelta(days=1)}"
    for name in endpoint.params:
        for value in SWEEP:
            check({real_name if "*" in name else name: value}, htmx=endpoint.method == "POST")
    ran = []

    @fuzz_settings(EXAMPLES)
    @given(parameters(endpoint, s), st.booleans())
    def run(data, htmx):
        ran.append(1)
        check(data, htmx)

    run()
    assert len(ran) >= EXAMPLES


# --- Integers no table holds in the path ---------------------------------------------------------------------------

HUGE = [str(2**63), "1" + "0" * 30]  # past bigint, and past any integer type


def integer_urls() -> list[tuple[str, str]]:
    """(URL name, URL) of every pattern of the project's apps whose parts are all integers, filled with HUGE."""
    urls = []
    for name, view, pattern in url_views():
        converters = pattern.pattern.converters
        if not converters or not view.startswith(PACKAGES) or name.startswith("admin:"):
            continue
        if all(type(c).__name__ == "IntConverter" for c in converters.values()):
            urls += [(name, reverse(name, kwargs=dict.fromkeys(converters, value))) for value in HUGE]
    return urls


def test_integers_no_table_holds_are_not_found_not_a_500(scene, db):
    personas = [scene.users.admin, scene.users.operatore, scene.users.ufficio_piano]
    clients = []
    for user in personas:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    failures = []
    for name, url in integer_urls():
        for client in clients:
            for method in (client.get, client.post):
                with transaction.atomic():
                    status = method(url).status_code
                    transaction.set_rollback(True)
                if status >= 500:
                    failures.append((name, url, method.__name__, status))
    assert not failures
