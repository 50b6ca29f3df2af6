"""The registry of the form fuzzing (tests/test_form_fuzzing.py): how one form is built, saved and posted
(`Case`), and the helpers the cases share. The cases are in one module per app, tests/fuzz_cases_<app>.py."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import strategies as st

from tests.fuzzing import FieldSpec, FormShape

#: Examples bound to each form (a case's default).
FORM_EXAMPLES = 200


@dataclass
class Case:
    """How to fuzz one form, `s` being the scene: `build(s, data, files)` binds it (unbound with data None);
    `save(s, form, user)` does what the view does with a valid form; `url(s)` is the page that posts it, as
    `user(s)`; `page(s, data, files)` builds everything that page validates (default: the form alone);
    `fixed(s)` is the data of the page's other forms; `shape(s, form)` replaces the strategies derived from
    the fields; `ignore` names tables (prefixes) the form may write even when invalid (the login lockout's
    counters); `before()` runs before each example."""

    id: str
    form_class: type
    build: Callable
    user: Callable | None = None
    url: Callable | None = None
    save: Callable | None = None
    page: Callable | None = None
    fixed: Callable | None = None
    shape: Callable | None = None
    ignore: frozenset = frozenset()
    before: Callable | None = None
    #: A second case of a form already fuzzed (another persona or page) needs fewer form-level examples.
    form_examples: int = FORM_EXAMPLES


def fresh(obj):
    """A copy of a scene object (Django copies its state and cached relations too, without a query): forms
    change their instance while validating, and the scene is shared by every example."""
    return copy.copy(obj)


def login_request(s):
    """The request allauth's login form authenticates with (axes and the rate limits read it)."""
    request = RequestFactory().post("/accounts/login/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def udp(s):
    return s.users.ufficio_piano


def cm(s):
    return s.users.case_manager


def op(s):
    return s.users.operatore


def family_url(name, *args):
    return lambda s: reverse(f"families:{name}", args=[s.family.pk, *args])


def plain_save(s, form, user):
    form.save()


def save_with(**attributes):
    def save(s, form, user):
        obj = form.save(commit=False)
        for name, value in attributes.items():
            setattr(obj, name, value(s, user) if callable(value) else value)
        obj.save()
        form.save_m2m()

    return save


def narrow(**valid):
    """The generated shape with what a person would type in some fields (their hostile values stay)."""

    def shape(s, form):
        fields = FormShape.of(form).fields
        for name, strategy in valid.items():
            fields[name] = FieldSpec(valid=strategy, hostile=fields[name].hostile, required=fields[name].required)
        return FormShape(fields)

    return shape


def iso_dates(low, high):
    return st.dates(datetime.date.fromisoformat(low), datetime.date.fromisoformat(high)).map(str)
