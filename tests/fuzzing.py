"""Helpers of the fuzzing of forms (tests/test_form_fuzzing.py) and of query strings and raw POST parameters
(tests/test_endpoint_fuzzing.py): hostile payloads, Hypothesis strategies derived from a form's fields, and a
probe of what the database was asked to write. The world they work in is built by tests/fuzz_scene.py."""

from __future__ import annotations

import datetime
import importlib
import math
import os
import pkgutil
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches (Unicode tables, constants of the source) in ./.hypothesis even without an example
# database: keep them out of the repository.
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "pippi-portal-hypothesis")

#: The project's own packages: what the fuzzing modules look for forms and request parameters in.
PACKAGES = ("equipes", "families", "imports", "interventions", "reporting", "sinba", "pippi_portal")

# Tables a page may write whatever the input: the session, the family access log, the one-time token of a
# submission (inserted, then deleted when the form is invalid).
BOOKKEEPING = frozenset({"django_session", "families_accesslog", "pippi_portal_submittedform"})

HEALTH = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]


def fuzz_settings(examples: int) -> settings:
    """Deterministic runs (the same examples every time), no example database, no deadline."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=HEALTH,
        print_blob=False,
    )


def project_modules():
    """Every module of the project's packages but tests, migrations, management commands and settings."""
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if any(part in info.name.split(".") for part in ("tests", "migrations", "management", "settings", "wsgi")):
                continue
            yield importlib.import_module(info.name)


# --- Payloads ---------------------------------------------------------------------------------------------

#: Markup that must never come back verbatim: each string is its own marker.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "' onmouseover='alert(1)",
]
#: What must not appear in a rendered form or page (the escaped forms are fine).
RAW_MARKERS = ["<script>alert(1)</script>", "<img src=x onerror", "<svg/onload", "' onmouseover='alert(1)"]

HOSTILE_TEXT = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    *MARKUP,
    "'; DROP TABLE families_family; --",
    "1' OR '1'='1",
    "%' OR 1=1 --",
    "\\",
    "{{ 7|add:7 }}{% debug %}",
    "${7*7}",
    "😀" * 8,
    "ÀÉÎÕÜ ñ ß ł ő",
    "\u202eevil\u202c",
    "\ufeff",
    "١٢٣",
    "²",
    "../../../etc/passwd",
    "None",
    "null",
    "[]",
    "x" * 5000,
    "é" * 70,
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-Infinity",
    "31/02/2024",
    "2024-02-30",
    "0000-00-00",
    "10000-01-01",
]
HOSTILE_NUMBERS = [
    "-1",
    "-0",
    "0",
    "1.5",
    "1,5",
    "1.234,56",
    "-999999999999",
    "2147483648",
    "32768",
    "9223372036854775808",
    "1" + "0" * 40,
    "1e5",
    "1e309",
    "NaN",
    "inf",
    "-Infinity",
    "0x1F",
    "1_000",
    " 7 ",
    "٣",
    "½",
]
HOSTILE_DATES = [
    "31/02/2024",
    "29/02/2023",
    "2024-02-30",
    "2024-13-01",
    "00/00/0000",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "31/12/9999",
    "10000-01-01",
    "1/1/1",
    "2024/1/1",
    "01-01-24",
    "2024-01-01T00:00:00",
    "domani",
    "-2024-01-01",
    "１９９９-０１-０１",
]
BAD_PKS = ["0", "-1", "999999999", "2147483648", "9223372036854775808", "1.0", "1e3", "abc", "1 OR 1=1", " 1"]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def today() -> datetime.date:
    return timezone.localdate()


# --- Strategies -------------------------------------------------------------------------------------------


@dataclass
class FieldSpec:
    """What to send for one field: values a person could type, and values nobody should."""

    valid: st.SearchStrategy
    hostile: st.SearchStrategy
    required: bool = False
    is_file: bool = False


def _text(max_size: int, min_size: int = 0) -> st.SearchStrategy:
    alphabet = st.characters(exclude_categories=("Cs", "Cc"))
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)


def _around(length: int) -> st.SearchStrategy:
    """Strings of about a length (boundary of max_length), in one-byte, two-byte and four-byte letters."""
    return st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "😀", "<"]), st.integers(length - 1, length + 1))


def _as_list(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(strategy, min_size=2, max_size=3)


def _dates(low: datetime.date, high: datetime.date) -> st.SearchStrategy:
    formats = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]
    return st.builds(lambda day, fmt: day.strftime(fmt), st.dates(low, high), st.sampled_from(formats))


def valid_dates() -> st.SearchStrategy:
    now = today()
    return st.one_of(
        _dates(datetime.date(2024, 1, 1), now),
        st.just(now.isoformat()),
        _dates(datetime.date(2000, 1, 1), datetime.date(2035, 12, 31)),
    )


def _pks(queryset) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)[:50]]


def _foreign_pks(queryset) -> list[str]:
    """Existing rows of the same model that the form must not offer (other ambiti, other families)."""
    model = queryset.model
    inside = list(queryset.values_list("pk", flat=True)[:200])
    return [str(pk) for pk in model._default_manager.exclude(pk__in=inside).values_list("pk", flat=True)[:20]]


def field_spec(field: forms.Field, model_validators=()) -> FieldSpec:
    """A strategy per field type, mixing what people type with what attackers send. `model_validators`: those
    of a model form's model field, which Django runs after the form field's."""
    checks = [*field.validators, *model_validators]
    required = bool(field.required) and not field.disabled
    hostile_text = st.sampled_from(HOSTILE_TEXT)
    blank = [st.just("")] if not required else []

    if isinstance(field, forms.FileField):
        upload = st.builds(
            lambda name, content: SimpleUploadedFile(name, content),
            st.sampled_from(["consenso.pdf", "attestato.png", "<script>alert(1)</script>.pdf", "../../x.pdf", "a.exe"]),
            st.sampled_from([PDF, PNG, b"MZ\x90\x00", b"", b"<html><script>alert(1)</script>", PDF * 50]),
        )
        return FieldSpec(valid=upload, hostile=upload, required=required, is_file=True)

    if isinstance(field, forms.ModelMultipleChoiceField):
        inside, outside = _pks(field.queryset), _foreign_pks(field.queryset)
        good = st.lists(st.sampled_from(inside), max_size=4, unique=True) if inside else st.just([])
        bad = st.lists(st.sampled_from(inside + outside + BAD_PKS + MARKUP), min_size=1, max_size=4)
        return FieldSpec(valid=good, hostile=st.one_of(bad, hostile_text), required=required)

    if isinstance(field, forms.ModelChoiceField):
        inside, outside = _pks(field.queryset), _foreign_pks(field.queryset)
        good = st.sampled_from(inside) if inside else st.just("")
        bad = st.sampled_from(outside + BAD_PKS) if outside else st.sampled_from(BAD_PKS)
        return FieldSpec(
            valid=st.one_of(good, *blank), hostile=st.one_of(bad, hostile_text, _as_list(good)), required=required
        )

    if isinstance(field, forms.MultipleChoiceField):
        values = [str(value) for value, _label in _flat_choices(field.choices) if value != ""]
        good = st.lists(st.sampled_from(values), max_size=3, unique=True) if values else st.just([])
        return FieldSpec(valid=good, hostile=st.one_of(hostile_text, _as_list(hostile_text)), required=required)

    if isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _label in _flat_choices(field.choices) if value != ""]
        good = st.sampled_from(values) if values else st.just("")
        return FieldSpec(
            valid=st.one_of(good, *blank),
            hostile=st.one_of(hostile_text, st.sampled_from(BAD_PKS), _as_list(good)),
            required=required,
        )

    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return FieldSpec(
            valid=st.sampled_from(["on", "true", "1", "false", "0", ""]),
            hostile=st.one_of(hostile_text, _as_list(st.sampled_from(["on", "off"]))),
            required=required,
        )

    if isinstance(field, forms.DateField | forms.DateTimeField):
        return FieldSpec(
            valid=st.one_of(valid_dates(), *blank),
            hostile=st.one_of(
                st.sampled_from(HOSTILE_DATES),
                st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
                hostile_text,
                _as_list(valid_dates()),
            ),
            required=required,
        )

    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        lows = [v.limit_value for v in checks if isinstance(v, validators.MinValueValidator)]
        highs = [v.limit_value for v in checks if isinstance(v, validators.MaxValueValidator)]
        low = max(lows) if lows else -5
        high = min(highs) if highs else max(low, 0) + 2000
        good = st.integers(math.ceil(low), math.floor(high)).map(str)
        if isinstance(field, forms.DecimalField):
            places = field.decimal_places if field.decimal_places is not None else 2
            top = min(Decimal(10 ** min((field.max_digits or 12) - places, 9) - 1), Decimal(high))
            decimals = st.decimals(min_value=Decimal(low), max_value=top, places=places, allow_nan=False)
            good = st.one_of(good, decimals.map(str), decimals.map(lambda d: str(d).replace(".", ",")))
        return FieldSpec(
            valid=st.one_of(good, *blank),
            hostile=st.one_of(
                st.sampled_from(HOSTILE_NUMBERS),
                st.integers(-(10**30), 10**30).map(str),
                st.integers(math.floor(high) + 1, math.floor(high) + 10**6).map(str),
                hostile_text,
                _as_list(good),
            ),
            required=required,
        )

    if isinstance(field, forms.EmailField):
        emails = st.sampled_from(["anna.rossi@example.it", "x@y.it", "a+b@comune.example.it", ""])
        return FieldSpec(
            valid=emails if not required else emails.filter(bool),
            hostile=st.one_of(hostile_text, st.just("<script>alert(1)</script>@example.it"), _around(254)),
            required=required,
        )

    # Any other field is read as text (in the shape its validators ask for, if they do).
    max_length = getattr(field, "max_length", None) or 4000
    good = st.one_of(_text(min(max_length, 16), min_size=1 if required else 0), st.sampled_from(MARKUP))
    patterns = [v.regex for v in checks if isinstance(v, validators.RegexValidator) and not v.inverse_match]
    if patterns:
        good = st.one_of(*(st.from_regex(pattern, fullmatch=True) for pattern in patterns), good)
    return FieldSpec(
        valid=st.one_of(good, *blank),
        hostile=st.one_of(hostile_text, _around(max_length), _text(40), _as_list(good)),
        required=required,
    )


def _flat_choices(choices) -> list[tuple[Any, Any]]:
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((value, label))
    return flat


#: Keys no form declares but attackers like to send: nothing may read them.
SMUGGLED = ["id", "pk", "ambito", "family", "state", "created_by", "author", "is_superuser", "role", "version"]


@dataclass
class FormShape:
    """The names a bound form reads (prefix applied) and the strategy of each."""

    fields: dict[str, FieldSpec] = field(default_factory=dict)

    @classmethod
    def of(cls, form: forms.BaseForm) -> FormShape:
        model = getattr(getattr(form, "_meta", None), "model", None)
        model_fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "validators")} if model else {}

        def model_validators(name):
            return model_fields[name].validators if name in model_fields else ()

        return cls({form.add_prefix(name): field_spec(f, model_validators(name)) for name, f in form.fields.items()})

    def merge(self, other: FormShape) -> FormShape:
        return FormShape({**self.fields, **other.fields})


def submissions(shape: FormShape) -> st.SearchStrategy:
    """(data, files): every field valid-looking, or a mix, or hostile; some fields left out; keys no form
    declares. The strategies are composed once, not at each draw."""
    none = st.none()
    modes = {
        "valid": [
            (name, spec.valid if spec.required else st.one_of(spec.valid, none)) for name, spec in shape.fields.items()
        ],
        "mixed": [(name, st.one_of(spec.valid, spec.hostile, none)) for name, spec in shape.fields.items()],
        "hostile": [(name, st.one_of(spec.hostile, none)) for name, spec in shape.fields.items()],
    }
    files = {name for name, spec in shape.fields.items() if spec.is_file}
    smuggled = st.lists(st.tuples(st.sampled_from(SMUGGLED), st.sampled_from(["1", "2", *MARKUP, "admin"])), max_size=3)

    @st.composite
    def draw_submission(draw):
        mode = draw(st.sampled_from(list(modes)))
        data, uploads = {}, {}
        for name, strategy in modes[mode]:
            value = draw(strategy)
            if value is not None:
                (uploads if name in files else data)[name] = value
        if mode != "valid":
            data.update(draw(smuggled))
        return data, uploads

    return draw_submission()


def markers_in(html: str) -> list[str]:
    return [marker for marker in RAW_MARKERS if marker in html]


# --- What the database was asked to write -------------------------------------------------------------------

_WRITES_SQL = """
    SELECT relname, n_tup_ins + n_tup_upd + n_tup_del
    FROM pg_stat_xact_user_tables
    WHERE n_tup_ins + n_tup_upd + n_tup_del > 0
"""
_TOTAL_SQL = """
    SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(oid) + pg_stat_get_xact_tuples_updated(oid)
                        + pg_stat_get_xact_tuples_deleted(oid)), 0)
    FROM unnest(%s::oid[]) AS oid
"""


def table_writes() -> dict[str, int]:
    """Rows inserted, updated or deleted per table so far in the current transaction, including those of
    savepoints rolled back since (PostgreSQL counts attempted changes): two readings around a piece of code
    tell whether it wrote anything, updates of existing rows included."""
    with connection.cursor() as cursor:
        cursor.execute(_WRITES_SQL)
        return dict(cursor.fetchall())


_WRITE_STATEMENT = re.compile(r'(?:^|;)\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class WriteStatements:
    """Records the tables that the statements sent through Django's connection write to (INSERT, UPDATE,
    DELETE), without a query of its own: cheap enough to watch every validation of every example.

        with WriteStatements(ignore) as writes:
            form.is_valid()
        assert not writes.tables
    """

    def __init__(self, ignore=frozenset()):
        self.ignore = tuple(ignore)
        self.tables: list[str] = []
        self._wrapper = None

    def __call__(self, execute, sql, params, many, context):
        text = sql.decode() if isinstance(sql, bytes) else sql
        self.tables.extend(table for table in _WRITE_STATEMENT.findall(text) if not table.startswith(self.ignore))
        return execute(sql, params, many, context)

    def __enter__(self):
        self.tables = []
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


class WriteCounter:
    """The total of `table_writes` over the tables not ignored (names or prefixes), in one cheap query: a
    reading before and after a request tells whether it wrote anything, even in a savepoint rolled back."""

    def __init__(self, ignore=frozenset()):
        self.ignore = tuple(ignore)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
            )
            self.oids = [oid for oid, name in cursor.fetchall() if not name.startswith(self.ignore)]

    def __call__(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_TOTAL_SQL, [self.oids])
            return int(cursor.fetchone()[0])
