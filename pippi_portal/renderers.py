"""The form renderer: Django's own widget templates in their Jinja2 version, everything else as always.

A page's widgets are small templates rendered many times (a select renders its attributes and each of its
options as templates of their own): with the Django template language they were about a sixth of the family
list (issue 16, docs/decisions.md). Django ships the same widget templates for Jinja2
(`django/forms/jinja2/django/forms/widgets/`), which render the same HTML several times faster. Only those are
taken from Jinja2: a template that Django does not ship in that folder (the admin's, a library's, the forms'
and fields' own templates) is still rendered by the Django template language, as by Django's default renderer.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property

#: The templates that Django ships for both engines.
WIDGETS = "django/forms/widgets/"


class FastWidgetRenderer(DjangoTemplates):
    """Django's built-in widget templates from Jinja2, every other template as `DjangoTemplates` does."""

    @cached_property
    def jinja2(self) -> Jinja2:
        return Jinja2()

    def get_template(self, template_name):
        if template_name.startswith(WIDGETS):
            try:
                return self.jinja2.get_template(template_name)
            except TemplateDoesNotExist:
                pass
        return super().get_template(template_name)
