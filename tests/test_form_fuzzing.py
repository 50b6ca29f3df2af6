"""Fuzzing of every form of the project (issue 6): Hypothesis generates what people type and what attackers
send, field by field. For each form, at least 200 examples bound to the form and a smaller number posted
through the real page as a persona allowed to use it:

- nothing raises (no 500): validation, rendering, and the save the view does for a valid form;
- validation writes nothing, and an invalid submission through the page saves nothing (every table's
  inserted, updated and deleted rows are compared, not only counts);
- neither the rendered form nor the page ever contains the markup payload verbatim (its escaped form is fine).

The registry `CASES` says how each form is built, saved and posted; `test_every_form_has_a_fuzzing_case`
fails when a form class of the project has none. The data every example needs is built once per module
(`scene`, rolled back at the end); what an example saves or posts runs in a savepoint that is rolled back,
so examples do not see each other. "Wrote nothing" is checked on the statements Django sends while a form
is bound, validated and rendered (WriteStatements), and on PostgreSQL's per-transaction counters of
inserted, updated and deleted rows around a request (WriteCounter): updates count, not only new rows.
"""

from __future__ import annotations

import inspect
from collections import Counter

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.db import transaction
from django.forms.formsets import BaseFormSet
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeData
from hypothesis import given
from hypothesis import strategies as st

from tests import (
    fuzz_cases_equipes,
    fuzz_cases_families,
    fuzz_cases_imports,
    fuzz_cases_interventions,
    fuzz_cases_reporting,
    fuzz_cases_sinba,
)
from tests.fuzz_cases import FORM_EXAMPLES, Case
from tests.fuzz_scene import scene_for_module
from tests.fuzzing import (
    BOOKKEEPING,
    HOSTILE_TEXT,
    PACKAGES,
    FieldSpec,
    FormShape,
    WriteCounter,
    WriteStatements,
    fuzz_settings,
    markers_in,
    project_modules,
    submissions,
    table_writes,
)

pytestmark = pytest.mark.fuzzing

VIEW_EXAMPLES = 20  # per page; 25 takes the module to about 115 s on this machine, near its 120 s budget

#: Examples run per case and level ("form" or "view"), checked by test_every_case_ran_enough_examples.
EXAMPLES: Counter = Counter()

# --- The registry ------------------------------------------------------------------------------------------

# How each form is fuzzed (`Case`, tests/fuzz_cases.py), one module of cases per app.
CASES = [
    *fuzz_cases_equipes.cases(),
    *fuzz_cases_families.cases(),
    *fuzz_cases_interventions.cases(),
    *fuzz_cases_imports.cases(),
    *fuzz_cases_reporting.cases(),
    *fuzz_cases_sinba.cases(),
]
CASE_IDS = [case.id for case in CASES]
BY_ID = {case.id: case for case in CASES}

#: Form classes that are never bound on their own, with the reason.
EXCLUDED = {
    "pippi_portal.forms.PortalForm": "abstract base of the model forms (no Meta.model): fuzzed through each subclass",
    "interventions.admin.InterventionTypeForm": "the Django admin's form of the catalogue (admin role only); its "
    "checks are tested in tests/seeds/test_002_tutela_minori.py",
    "equipes.forms.BaseComuneFormSet": "the admin's inline of an ambito's comuni (admin role only): each row is "
    "ComuneForm, fuzzed; its one check (a comune chosen twice) is tested in equipes/tests/test_national_comuni.py",
    "pippi_portal.admin.AuthenticatorForm": "the Django admin's form of allauth's second factors (admin role only): "
    "Italian labels over allauth's model, no check of its own",
}


def project_form_classes() -> dict[str, type]:
    """Every form and formset class defined in a module of the project's packages."""
    found = {}
    for module in project_modules():
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm | BaseFormSet)
                and obj.__module__.split(".")[0] in PACKAGES
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def test_every_form_has_a_fuzzing_case():
    covered = {case.form_class for case in CASES}
    missing = []
    for path, cls in project_form_classes().items():
        if path in EXCLUDED:
            continue
        if issubclass(cls, BaseFormSet):
            # A formset base is fuzzed through the factory-made formset class, and the form it repeats (the
            # factory subclasses it) through its own case.
            formsets = [c for c in covered if issubclass(c, cls)]
            if not formsets or not all(any(issubclass(fs.form, c) for c in covered) for fs in formsets):
                missing.append(path)
        elif cls not in covered:
            missing.append(path)
    assert not missing, f"form classes without a fuzzing case in CASES (or EXCLUDED with a reason): {missing}"


# --- The world, once per module -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once and rolled back at the end of the module."""
    with scene_for_module(django_db_blocker, tmp_path_factory.mktemp("fuzz-media")) as built:
        yield built


def as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def render(form) -> str:
    """The whole form as its page renders it (crispy when it has a helper)."""
    if isinstance(form, BaseFormSet):
        return str(form) + str(form.non_form_errors())
    if getattr(form, "helper", None) is not None:
        return render_crispy_form(form)
    return str(form)


def marked_safe(form) -> list[str]:
    """Texts of the bound form that a template would print unescaped (marked safe) and that carry the
    payload: its errors, labels and help texts. Templates escape everything else, so this is what
    can echo markup without rendering; a whole rendering on some examples (and the pages at view level)
    covers templates that print with |safe."""
    parts = [*form.forms] if isinstance(form, BaseFormSet) else [form]
    texts = [*form.non_form_errors()] if isinstance(form, BaseFormSet) else []
    for part in parts:
        texts.extend(message for errors in part.errors.values() for message in errors)
        for field in part.fields.values():
            texts.extend([field.label or "", field.help_text or ""])
    return [text for text in texts if isinstance(text, SafeData) and markers_in(text)]


def all_valid(built) -> bool:
    parts = built if isinstance(built, list) else [built]
    return all([part.is_valid() for part in parts])  # noqa: C419 - every part validates, as in the views


#: The one-time token of a submission without NUL bytes: with one, @once_per_submission answers 500
#: (test_a_nul_byte_in_the_submission_token_is_not_a_500); the form itself refuses it (form level).
TOKEN_WITHOUT_NUL = FieldSpec(
    valid=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
    hostile=st.sampled_from([value for value in HOSTILE_TEXT if "\x00" not in value]),
)


def shape_of(case: Case, s, *, view: bool = False) -> FormShape:
    form = case.build(s, None, None)
    shape = case.shape(s, form) if case.shape else FormShape.of(form)
    if view:
        tokens = [name for name in shape.fields if name.endswith("submission_token")]
        shape = shape.merge(FormShape(dict.fromkeys(tokens, TOKEN_WITHOUT_NUL)))
    return shape


@pytest.fixture(autouse=True)
def _no_n_plus_one():
    """Overrides the conftest's fixture of the same name for this module. zeal (a test dependency, absent in
    production) raises on an N+1 pattern, which a page then answers as a 500 that production never gives;
    fuzzed input reaches two (services.preassessment_save's loop of update_or_create; family_create's
    member formset when forms post an `id`). Query patterns are the query-count tests' business: here a 500
    must be a real one."""


# --- Form level ------------------------------------------------------------------------------------------------


#: One example in this many renders the whole form (crispy); every example checks what could be unescaped.
FULL_RENDER_EVERY = 20


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_form_fuzz(case_id, scene, db):
    case = BY_ID[case_id]
    s = scene
    user = case.user(s) if case.user else None
    shape = shape_of(case, s)
    key = (case.id, "form")
    sniff = WriteStatements(case.ignore)

    @fuzz_settings(case.form_examples)
    @given(submissions(shape))
    def run(submission):
        EXAMPLES[key] += 1
        data, files = submission
        if case.before:
            case.before()
        with sniff:
            form = case.build(s, as_querydict(data), MultiValueDict({k: [v] for k, v in files.items()}))
            valid = all_valid(form)
            assert not marked_safe(form), f"markup marked safe: {marked_safe(form)}"
            if EXAMPLES[key] % FULL_RENDER_EVERY == 1:
                html = render(form)
                assert not markers_in(html), f"unescaped markup in the rendered form: {markers_in(html)}"
        assert not sniff.tables, f"binding, validating or rendering the form wrote to {sniff.tables}"
        if valid and case.save:
            # What the view does with a valid form must not fail either (a database error is a 500).
            with transaction.atomic():
                case.save(s, form, user)
                transaction.set_rollback(True)

    run()
    assert EXAMPLES[key] >= case.form_examples


# --- View level ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", [case.id for case in CASES if case.url])
def test_view_fuzz(case_id, scene, db):
    case = BY_ID[case_id]
    s = scene
    user = case.user(s) if case.user else None
    url = case.url(s)
    page = case.page or case.build
    fixed = case.fixed(s) if case.fixed else {}
    shape = shape_of(case, s, view=True)
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    key = (case.id, "view")
    writes = WriteCounter(BOOKKEEPING | case.ignore)

    @fuzz_settings(VIEW_EXAMPLES)
    @given(submissions(shape), st.booleans())
    def run(submission, htmx):
        EXAMPLES[key] += 1
        data, files = submission
        data = {**fixed, **data}
        if case.before:
            case.before()
        start = writes()
        with transaction.atomic():
            extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = client.post(url, {**data, **files}, follow=True, **extra)
            transaction.set_rollback(True)
        changes = writes() - start
        assert response.status_code < 500, f"{response.status_code} for {data!r}"
        body = response.content.decode(errors="replace")
        assert not markers_in(body), f"unescaped markup in the page: {markers_in(body)}"
        if changes:
            # Something was saved: the submission must have been valid. The request was rolled back, so
            # the forms see what the page saw.
            for upload in files.values():
                upload.seek(0)
            if case.before:
                case.before()
            files_dict = MultiValueDict({k: [v] for k, v in files.items()})
            valid = all_valid(page(s, as_querydict(data), files_dict))
            assert valid, f"an invalid submission wrote {changes} rows (so far: {table_writes()})"

    run()
    assert EXAMPLES[key] >= VIEW_EXAMPLES


def test_the_write_detectors_see_writes(scene, db):
    """Both detectors notice a write, also one rolled back (otherwise "nothing saved" would prove nothing)."""
    from equipes.models import Comune

    counter = WriteCounter(BOOKKEEPING)
    start = counter()
    with WriteStatements() as sniff, transaction.atomic():
        Comune.objects.filter(pk=scene.comune.pk).update(name="Comune Beta")
        transaction.set_rollback(True)
    assert sniff.tables == ["equipes_comune"]
    assert counter() == start + 1


def test_fixed_parts_of_the_referral_page_are_valid(scene, db):
    """The referral page's other forms are filled in correctly, so the fuzzed one decides."""
    case = BY_ID["ReferralForm"]
    full = {**case.fixed(scene), "referral-date": "2024-05-02", "referral-source": "scuola", "referral-reason": "x"}
    parts = case.page(scene, as_querydict(full), MultiValueDict())
    assert [part.is_valid() for part in parts] == [True, True, True], [getattr(p, "errors", None) for p in parts]


def test_a_second_reference_child_is_a_form_error_not_a_500(scene, db):
    """Found by the fuzzing: the family already has its reference child, and the database's constraint
    (one_reference_child_per_family) used to turn a second one into an IntegrityError."""
    from families.models import Member

    data = {
        "kind": "minore",
        "first_name": "Anna",
        "last_name": "Verdi",
        "birth_date": "2019-02-03",
        "sex": "F",
        "is_reference_child": "on",
    }
    client = Client(raise_request_exception=False)
    client.force_login(scene.users.case_manager)
    before = Member.objects.filter(family=scene.family).count()
    response = client.post(reverse("families:member-create", args=[scene.family.pk]), data)
    assert response.status_code == 200
    assert "is_reference_child" in response.context["form"].errors
    assert Member.objects.filter(family=scene.family).count() == before


def test_a_nul_byte_in_the_submission_token_is_not_a_500(scene, db):
    client = Client(raise_request_exception=False)
    client.force_login(scene.users.ufficio_piano)
    response = client.post(reverse("reporting:survey-create"), {"submission_token": "a\x00b", "title": "x"})
    assert response.status_code < 500


def test_every_case_ran_enough_examples(request, scene, db):
    """Each case whose fuzz tests ran in this session got its examples (each fuzz test asserts it too), and
    each form class at least FORM_EXAMPLES at form level. (It uses the scene only to run after the fuzz
    tests, which pytest groups by that module-scoped fixture.)"""
    ran = {
        (item.callspec.params["case_id"], "form" if item.originalname == "test_form_fuzz" else "view")
        for item in request.session.items
        if item.originalname in ("test_form_fuzz", "test_view_fuzz")
    }
    needed = {"form": lambda case: case.form_examples, "view": lambda case: VIEW_EXAMPLES}
    short = {key: EXAMPLES[key] for key in ran if EXAMPLES[key] < needed[key[1]](BY_ID[key[0]])}
    assert not short, f"cases with too few examples: {short}"
    per_class = Counter()
    for case in CASES:
        per_class[case.form_class] += EXAMPLES[(case.id, "form")]
    complete = {case.form_class for case in CASES} - {
        BY_ID[case_id].form_class for case_id in CASE_IDS if (case_id, "form") not in ran
    }
    assert all(per_class[cls] >= FORM_EXAMPLES for cls in complete), {c.__name__: per_class[c] for c in complete}
