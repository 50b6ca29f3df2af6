"""The form renderer (pippi_portal/renderers.py): Django's built-in widgets from their Jinja2 templates, with the
same HTML as the Django template language gives them; every other template as Django's default renderer."""

import datetime
import html
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from pippi_portal.renderers import FastWidgetRenderer

HOSTILE = 'Rossi & <Bianchi> "detta" l\'altra'


class Everything(forms.Form):
    choice = forms.ChoiceField(choices=[("", "—"), ("a", HOSTILE), ("b", "Seconda")])
    several = forms.MultipleChoiceField(choices=[("x", "Uno"), ("y", "Due")], widget=forms.CheckboxSelectMultiple)
    grouped = forms.ChoiceField(choices=[("Gruppo", [("g1", "Primo")]), ("g2", "Secondo")])
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": HOSTILE, "class": "form-control"}))
    flag = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField()
    radio = forms.ChoiceField(choices=[("r1", "Sì"), ("r2", "No")], widget=forms.RadioSelect)
    hidden = forms.CharField(widget=forms.HiddenInput)
    upload = forms.FileField(required=False)


def normalised(markup: str) -> str:
    """The HTML as a browser reads it: runs of blank space as one (none between tags), and the two engines'
    spellings of escaped quotes made one (markupsafe writes &#34; and &#39;, Django &quot; and &#x27;)."""
    markup = markup.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    return re.sub(r">\s<", "><", re.sub(r"\s+", " ", markup.strip()))


def rendered(renderer, data) -> dict[str, str]:
    form = Everything(data=data, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


def test_the_project_renders_forms_with_the_fast_widget_renderer():
    assert isinstance(get_default_renderer(), FastWidgetRenderer)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "choice": "a",
            "several": ["x", "y"],
            "grouped": "g1",
            "text": HOSTILE,
            "flag": "on",
            "note": f"</textarea><script>alert(1)</script>{HOSTILE}",
            "day": "2026-12-04",
            "hours": "10000000000",
            "radio": "r2",
            "hidden": HOSTILE,
        },
    ],
)
def test_every_built_in_widget_gives_the_html_of_the_django_templates(data):
    fast, django = rendered(FastWidgetRenderer(), data), rendered(DjangoTemplates(), data)
    for name in Everything.base_fields:
        assert normalised(fast[name]) == normalised(django[name]), name
    # A text area keeps its text to the character (blank space included).
    assert html.unescape(fast["note"]) == html.unescape(django["note"])
    # Escaped, not only equal: nobody's text becomes markup.
    assert "<script>" not in fast["note"]
    assert "<Bianchi>" not in fast["text"] + fast["choice"]
    if data:
        assert html.unescape(HOSTILE) in html.unescape(fast["choice"])


def test_built_in_widget_templates_come_from_jinja2_and_the_others_from_django():
    renderer = FastWidgetRenderer()
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), Jinja2Template)
    assert isinstance(renderer.get_template("django/forms/widgets/attrs.html"), Jinja2Template)
    # The forms' own templates, the admin's and the libraries' widgets: the Django template language.
    for name in ("django/forms/div.html", "django/forms/field.html", "admin/widgets/related_widget_wrapper.html"):
        assert isinstance(renderer.get_template(name), DjangoTemplate), name


def test_a_date_is_written_as_the_django_templates_write_it():
    form = Everything(initial={"day": datetime.date(2026, 12, 4)}, renderer=FastWidgetRenderer())
    other = Everything(initial={"day": datetime.date(2026, 12, 4)}, renderer=DjangoTemplates())
    assert normalised(str(form["day"])) == normalised(str(other["day"]))
