"""The parser of the imports on anything: arbitrary bytes, CSV text, XLSX files with odd cells. Whatever the file,
the reader gives rows or one Italian refusal (`FileRefused`), and a dry run on what it reads refuses rows cleanly:
never another exception (which a page would show as a 500)."""

import datetime
import io
import string
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from imports import services
from imports.importers import IMPORTERS, FamiliesImporter, HoursImporter, StaffImporter
from imports.readers import FileRefused, read_rows

pytestmark = pytest.mark.fuzzing

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["=1+1", "-3", "sì", "no", "30/02/2026", "25", "24", "1,5", "RSSMRA80A01H501U", "Minore", "\x00"]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=Decimal(-1e6), max_value=Decimal(1e6)),
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
    st.booleans(),
)
COLUMNS = sorted({*StaffImporter.columns, *FamiliesImporter.columns, *HoursImporter.columns})


def read(content: bytes, name: str, kind: str):
    cls = IMPORTERS[kind]
    try:
        return read_rows(content, name, cls.columns, cls.required)
    except FileRefused as refused:
        assert str(refused)
        return None


@SETTINGS
@given(content=st.binary(max_size=2000), name=st.sampled_from(["f.csv", "f.xlsx", "f", "f.txt", "f.pdf"]))
def test_any_bytes_are_rows_or_one_refusal(content, name):
    read(content, name, "hours")


@SETTINGS
@given(text=st.text(alphabet=string.printable + "àèìòù;\"'\ufeff", max_size=500), kind=st.sampled_from(list(IMPORTERS)))
def test_any_csv_text_is_rows_or_one_refusal(text, kind):
    header = ";".join(IMPORTERS[kind].columns) + "\n"
    read((header + text).encode("utf-8"), "f.csv", kind)


def workbook(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        try:
            sheet.append(row)
        except Exception:  # openpyxl refuses some characters in cells: such a file cannot be made at all
            continue
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
@SETTINGS
@given(
    kind=st.sampled_from(list(IMPORTERS)),
    header=st.lists(st.sampled_from(COLUMNS), max_size=20),
    rows=st.lists(st.lists(CELLS, max_size=20), max_size=5),
    proper=st.booleans(),
)
def test_odd_xlsx_cells_give_a_clean_dry_run(kind, header, rows, proper, module_world):
    world = module_world
    header = IMPORTERS[kind].columns if proper else header
    content = workbook(header, rows)
    try:
        run = services.import_dry_run(
            ambito=world.ambito, by=world.users.ufficio_piano, kind=kind, file_name="f.xlsx", content=content
        )
    except FileRefused as refused:
        assert str(refused)
    else:
        assert run.created_count + run.refused_count == run.rows or run.kind == "families"
