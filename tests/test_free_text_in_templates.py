"""Every template that prints free text passes it through the redactor.

Free text (notes, aims, minutes, complaints, comments) may name the people of a family; a template that prints
such a field must write `{{ x.field|redact:redactor }}`, so that the roles that see families pseudonymised
read it with the names hidden. A new template, or a new free-text field printed as it is, fails here unless
it is listed below with the reason it may.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.template.loader import get_template

PROJECT_APPS = {"equipes", "families", "interventions", "reporting", "sinba"}
# Short text fields that people fill with words about people, besides every TextField.
FREE_CHAR_FIELDS = {"topic", "frequency", "responsible_other", "external_name", "subject", "participants", "note"}
# Text that is not about people: technical errors, the admin's reference data.
NOT_FREE_TEXT = {"render_error", "path"}
# (template, expression) printed as they are, and why that is safe.
ALLOWED = {
    # Numbers that share a name with a text field: minutes of work, a count of participants.
    ("interventions/family_interventions.html", "i.minutes"),
    ("interventions/family_interventions.html", "w.minutes"),
    ("reporting/_report_sections.html", "s.physical.parenting_events.participants"),
    # A project target's note: the wording of the project's document ("almeno n. 10 famiglie target"), not people.
    ("equipes/project_detail.html", "target.note"),
    ("reporting/_target_progress.html", "t.note"),
    # A line of the dashboard's pending work: the portal's own wording ("fogli ore da validare"), with a count.
    ("reporting/dashboard.html", "item.text"),
    # A SINBA flow's gap, in the portal's own wording or the XSD validator's, and the outcome INPS posts about a
    # flow that holds no name: about fields and codes, never people.
    ("sinba/flows.html", "error.reason"),
    ("sinba/flows.html", "flow.outcome_detail"),
    ("sinba/flows.html", "old.outcome_detail"),
    # Where a SIUSS code was verified: a document and its section, typed by the Ufficio di Piano.
    ("sinba/codes.html", "item.siuss.source"),
    # The label of a semester in a select ("1° semestre 2025").
    ("reporting/indicators.html", "text"),
}
EXPRESSION = re.compile(r"\{\{\s*(?P<variable>[\w.]+)(?P<filters>(?:\s*\|[^}]*)?)\s*\}\}")


def free_text_fields() -> set[str]:
    names = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField) or (
                isinstance(field, models.CharField) and field.name in FREE_CHAR_FIELDS
            ):
                names.add(field.name)
    return names - NOT_FREE_TEXT


def template_files() -> list[tuple[str, Path]]:
    """(name as templates load it, file) of every project template."""
    roots = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    return sorted((path.relative_to(root).as_posix(), path) for root in roots for path in root.rglob("*.html"))


def unredacted(fields: set[str]) -> list[str]:
    found = []
    for relative, path in template_files():
        for match in EXPRESSION.finditer(path.read_text()):
            variable, filters = match["variable"], match["filters"]
            if variable.startswith("form."):
                continue  # a form field: what the user is typing (edit forms redact their initial values)
            printed_as_typed = variable.rsplit(".", 1)[-1] in fields and "redact:" not in filters
            if printed_as_typed and (relative, variable) not in ALLOWED:
                found.append(f"{relative}: {match.group()}")
    return found


def test_every_free_text_printed_by_a_template_goes_through_the_redactor():
    fields = free_text_fields()
    assert {"general_aims", "expected_result", "minutes", "comment", "handling_notes", "topic"} <= fields
    assert not unredacted(fields), "\n".join(unredacted(fields))


def test_the_scan_finds_an_unredacted_field(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>{{ plan.general_aims|linebreaksbr }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    assert unredacted({"general_aims"}) == ["page.html: {{ plan.general_aims|linebreaksbr }}"]


def test_every_template_compiles():
    """A filter used without its `{% load %}` is a 500 on the page; compiling every template finds it first."""
    for name, _path in template_files():
        get_template(name)
