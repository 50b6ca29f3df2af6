"""Every CSV and XLSX goes through `pippi_portal.spreadsheets`, which neutralises formulas. This test reads the
source of the project and fails when another module writes a spreadsheet by itself: a csv writer, a
spreadsheet library, or a CSV / spreadsheet content type of its own. Tests may read spreadsheets back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HELPER = ROOT / "pippi_portal" / "spreadsheets.py"
SKIPPED_FOLDERS = {".venv", "var", ".git", "node_modules", "__pycache__"}
WRITER_LIBRARIES = {"openpyxl", "xlsxwriter", "xlwt", "odf", "pyexcel", "tablib", "pandas"}
CSV_WRITERS = {"writer", "DictWriter"}
CONTENT_TYPES = ("text/csv", "spreadsheetml", "ms-excel", "opendocument.spreadsheet")


def spreadsheet_writing(source: str) -> list[str]:
    """What in `source` writes a spreadsheet without the helper, one line per finding."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.Import):
            found += [f"{line}: import {a.name}" for a in node.names if a.name.split(".")[0] in WRITER_LIBRARIES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in WRITER_LIBRARIES:
                found.append(f"{line}: from {node.module} import …")
            elif node.module == "csv" and any(a.name in CSV_WRITERS for a in node.names):
                found.append(f"{line}: from csv import a writer")
        elif isinstance(node, ast.Attribute) and node.attr in CSV_WRITERS:
            if isinstance(node.value, ast.Name) and node.value.id == "csv":
                found.append(f"{line}: csv.{node.attr}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(t in node.value for t in CONTENT_TYPES)
        ):
            found.append(f"{line}: content type {node.value!r}")
    return found


def product_modules() -> list[Path]:
    modules = []
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIPPED_FOLDERS or path == HELPER:
            continue
        if "tests" in parts or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        modules.append(path)
    return modules


def test_only_the_spreadsheet_helper_writes_csv_or_xlsx():
    offenders = {
        str(path.relative_to(ROOT)): findings
        for path in product_modules()
        if (findings := spreadsheet_writing(path.read_text(encoding="utf-8")))
    }
    assert not offenders, f"write CSV and XLSX with pippi_portal.spreadsheets: {offenders}"


def test_the_scan_covers_the_apps_and_the_exports():
    scanned = {str(path.relative_to(ROOT)) for path in product_modules()}
    assert {"reporting/exports.py", "reporting/report_views.py", "families/views.py", "scripts/bench.py"} <= scanned


@pytest.mark.parametrize(
    "source",
    [
        "import csv\nw = csv.writer(f)",
        "import csv\nw = csv.DictWriter(f, fieldnames=[])",
        "from csv import writer",
        "from openpyxl import Workbook",
        "import openpyxl",
        "from openpyxl.styles import Font",
        "import xlsxwriter",
        "import pandas as pd",
        "HttpResponse(data, content_type='text/csv')",
        "ct = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'",
    ],
)
def test_the_scan_finds_a_spreadsheet_written_by_hand(source):
    assert spreadsheet_writing(source)


def test_the_scan_lets_reading_and_the_helper_through():
    source = (
        "import csv\nfrom pippi_portal import spreadsheets\n"
        "rows = csv.reader(f)\nbody = spreadsheets.csv_bytes(h, r)\nct = spreadsheets.CSV_CONTENT_TYPE\n"
    )
    assert spreadsheet_writing(source) == []
