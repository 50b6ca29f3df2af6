"""The machinery of the persona × page matrices (DESIGN.md §1), the same for every app.

Each app's `tests/test_access.py` holds a `Table`: every URL name of its namespace with the HTTP method, the
personas, the URLs of a page against an object in the persona's scope and against one outside it, and the status
each persona expects. This module logs the persona in, asks for the URLs, compares the statuses, checks that a
refused POST wrote nothing, and checks that every URL pattern of the namespace has an entry (tests/test_url_matrix.py
does the same for the whole project, with the tables of every app).

The scene a table points into, with a logged-in session of each persona, is built once per module (`module_world` in
the conftest: one transaction for the module, a savepoint per test), so a page costs its requests, not a world.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

LOGIN = "/accounts/login/"
REFUSED = {403, 404}
# Tables any request may write: the session, the family access log, the one-time token of a submission.
BOOKKEEPING = frozenset({"django_session", "families_accesslog", "pippi_portal_submittedform"})
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass(frozen=True)
class Table:
    """One app's persona × page matrix."""

    #: The URL namespace whose every pattern must have an entry.
    namespace: str
    #: URL name (namespaced, as `reverse` takes it) -> "GET" or "POST"; project-level pages may join the table of
    #: the app that serves them (the dashboard is in reporting's).
    pages: Mapping[str, str]
    #: The personas; the scene keeps a logged-in session of each (`scene.sessions`, made by `sessions`).
    personas: Sequence[str]
    #: The URLs of a page for a persona (None: an anonymous visitor), against the object in its scope (True) or
    #: one outside it (False); [] where there is none (a list page has no object outside the scope).
    urls: Callable[[Any, str | None, str, bool], list[str]]
    #: The status a persona gets on a page, for the object in its scope or outside it. A POST allowed to the
    #: persona expects 302 and is only checked not to be refused: its data are a placeholder.
    expected: Callable[[str, str, bool], int]
    #: The apps whose row counts a refused POST must leave as they were (it must write nothing at all, too).
    app_labels: Sequence[str]
    #: What a refused POST sends: enough to pass the form if the view forgot to refuse.
    post_data: Mapping[str, Any] = field(default_factory=dict)
    #: Pages an anonymous visitor may open, with what they answer; the others send it to the login.
    public: Mapping[str, int] = field(default_factory=dict)

    def cases(self) -> list[tuple[str, str]]:
        """(persona, URL name) pairs, for `pytest.mark.parametrize`."""
        return [(persona, name) for persona in self.personas for name in sorted(self.pages)]


def url_names(namespace: str | None = None) -> set[str]:
    """The name of every URL pattern of the project (`namespace:name`), or of one namespace."""
    return {name for name in _walk(get_resolver().url_patterns, None) if namespace is None or _in(name, namespace)}


def _walk(patterns, namespace) -> Iterator[str | None]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _in(name: str | None, namespace: str) -> bool:
    return name is not None and name.startswith(f"{namespace}:")


def assert_every_url_has_an_entry(table: Table) -> None:
    """The table has an entry for every URL pattern of its namespace, and none for a page that no longer exists."""
    in_table = {name for name in table.pages if _in(name, table.namespace)}
    served = url_names(table.namespace)
    assert not served - in_table, f"URLs of {table.namespace} without an entry: {sorted(served - in_table)}"
    assert not in_table - served, f"entries for URLs that do not exist: {sorted(in_table - served)}"


def sessions(users: Mapping[str, Any]) -> dict[str, str]:
    """A session of each persona, opened once with the scene (each test's changes to it are rolled back)."""
    keys = {}
    for persona, user in users.items():
        client = Client()
        client.force_login(user)
        keys[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def logged_in(scene, persona: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = scene.sessions[persona]
    return client


@contextmanager
def writes() -> Iterator[set[str]]:
    """The tables the statements run inside the block insert into, update or delete from (bookkeeping aside)."""
    tables: set[str] = set()

    def record(execute, sql, params, many, context):
        if match := WRITE.match(sql):
            tables.add(match[1])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield tables
    tables -= BOOKKEEPING


def row_counts(app_labels: Sequence[str]) -> dict[str, int]:
    """The rows of every table of the apps, in one query."""
    models = [
        model
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
        if model._meta.db_table not in BOOKKEEPING
    ]
    tables = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tables}")  # the tables of the models, nothing from a request
        counts = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, counts, strict=True)}


def refused_post(client: Client, url: str, table: Table) -> tuple[HttpResponse, list[str]]:
    """POST to a URL that must refuse it: the response, and what it changed (nothing, if all is well)."""
    before = row_counts(table.app_labels)
    with writes() as written:
        response = client.post(url, table.post_data)
    after = row_counts(table.app_labels)
    changed = [f"wrote to {sorted(written)}"] if written else []
    changed += [f"{label}: {before[label]} → {after[label]} rows" for label in before if before[label] != after[label]]
    return response, changed


def check(table: Table, scene, persona: str, name: str) -> None:
    """The persona gets the expected status on the page, for the object in its scope and the one outside it;
    a refused POST changes nothing."""
    client = logged_in(scene, persona)
    method = table.pages[name]
    failures = []
    for in_scope in (True, False):
        want = table.expected(persona, name, in_scope)
        for url in table.urls(scene, persona, name, in_scope):
            where = f"{method} {url} ({'in' if in_scope else 'out of'} scope)"
            if method == "GET":
                status = client.get(url).status_code
            elif want in REFUSED:
                response, changed = refused_post(client, url, table)
                status = response.status_code
                failures += [f"{where}: a refused POST {change}" for change in changed]
            else:
                status = client.post(url, table.post_data).status_code
                if status in REFUSED or status >= 500:
                    failures.append(f"{where}: {status}, an allowed POST")
                continue
            if status != want:
                failures.append(f"{where}: {status}, expected {want}")
    assert not failures, "\n".join(failures)


def check_anonymous(table: Table, scene, name: str) -> None:
    """An anonymous visitor is sent to the login (or gets the public page), and its POST changes nothing."""
    client = Client()
    failures = []
    for url in table.urls(scene, None, name, True):
        if table.pages[name] == "GET":
            response = client.get(url)
        else:
            response, changed = refused_post(client, url, table)
            failures += [f"POST {url}: an anonymous POST {change}" for change in changed]
        if name in table.public:
            if response.status_code != table.public[name]:
                failures.append(f"{url}: {response.status_code}, expected {table.public[name]}")
        elif not (response.status_code == 302 and response.url.startswith(LOGIN)):
            failures.append(f"{url}: {response.status_code} {response.get('Location', '')}, expected the login")
    assert not failures, "\n".join(failures)
