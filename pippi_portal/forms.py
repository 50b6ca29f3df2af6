"""Form helpers every app's forms share."""

from __future__ import annotations

import uuid
from collections.abc import Hashable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from . import compiled


class SubmissionTokenField(forms.CharField):
    """The one-time token of a rendered form; never counts as a change (blank formset rows stay blank)."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data) -> bool:
        return False


NAMES_HIDDEN_NOTE = _(
    "Nomi e codici fiscali dei familiari noti al portale sono nascosti al coordinatore e all'Ufficio di Piano."
)


class RedactedTextMixin:
    """Free text in forms, for the roles that see families pseudonymised.

    `redactor` (a callable from `families.pseudonymisation`, passed by the view or the form) is applied to the
    text fields' initial values, so an edit page never hands such a role a name it could not read on the
    detail page (saving then keeps the placeholders). Every multi-line text field says under it that names
    are hidden from some roles, so whoever writes knows what the others will read."""

    names_hidden_note = True

    def redact_initial(self, redactor) -> None:
        for name, field in self.fields.items():
            if self.names_hidden_note and isinstance(field.widget, forms.Textarea):
                field.help_text = f"{field.help_text} {NAMES_HIDDEN_NOTE}".strip()
            if redactor is not None and not self.is_bound and isinstance(self.initial.get(name), str):
                self.initial[name] = redactor(self.initial[name])


class PortalForm(RedactedTextMixin, forms.ModelForm):
    """A model form rendered by crispy-bootstrap5 with one Italian submit button."""

    submit_label = _("Salva")
    #: Model fields the view sets on the instance rather than the user typing them (the project of an
    #: implementation, say). Django leaves non-form fields out of constraint checks; these must stay in,
    #: so that a duplicate gets a form error instead of a database error.
    fixed_fields: tuple[str, ...] = ()
    # One-time token that lets @once_per_submission recognise a second submission of the same page.
    submission_token = SubmissionTokenField(required=False)

    def __init__(self, *args, embedded: bool = False, redactor=None, **kwargs):
        """`embedded`: the form is one of several inside a page's own <form> (no tag, no button);
        `redactor`: see `RedactedTextMixin`."""
        super().__init__(*args, **kwargs)
        self.redact_initial(redactor)
        self.fields["submission_token"].initial = uuid.uuid4().hex
        self.helper = FormHelper()
        if embedded:
            self.helper.form_tag = False
        else:
            self.helper.add_input(Submit("submit", self.submit_label))
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                # Italian users type "1.234,5": accept and show numbers the Italian way.
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                field.widget.is_localized = True
            elif isinstance(field, forms.DateField) and not isinstance(field.widget, forms.HiddenInput):
                field.widget = DateInput(attrs=field.widget.attrs)

    def validate_unique(self) -> None:
        """Django's checks of uniqueness and constraints, then, when the form has `fixed_fields`, the same checks
        again with those fields in: Django leaves out every model field the form does not show, so without
        this a duplicate (the same implementation number in one project) would reach the database. Fields
        that failed their own validation stay out, as in Django's pass; errors the first pass gave are not
        repeated, and an error about a field the form does not show goes above the form."""
        super().validate_unique()
        if not self.fixed_fields:
            return
        checked = {*self.fixed_fields, *(name for name in self.fields if name not in self.errors)}
        exclude = {field.name for field in self.instance._meta.concrete_fields if field.name not in checked}
        for check in (self.instance.validate_unique, self.instance.validate_constraints):
            try:
                check(exclude=exclude)
            except ValidationError as error:
                for name, errors in error.error_dict.items():
                    field = name if name in self.fields else None
                    known = set(self.errors.get(field or NON_FIELD_ERRORS, []))
                    new = [e for e in errors if not known.intersection(e.messages)]
                    if new:
                        self.add_error(field, new)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def choice_loaders(form: forms.Form, *names: str, key: Hashable | None = None) -> list:
    """For `query_batch.gather`: one callable per named model choice field of `form`, which reads the field's
    options and fixes them on the field, so that rendering the form reads them from memory. The options of
    several fields then cost one round trip together instead of a query each while the template renders.
    Validation still looks a submitted value up in the field's queryset, as always. With `key`, which must
    name everything the fields' querysets depend on (a user's `scope_key`), their SQL is compiled once per
    process (`compiled`)."""

    def loader(field: forms.ModelChoiceField, name: str):
        def load() -> None:
            objects = field.queryset if key is None else compiled.rows((key, name), lambda: field.queryset)
            options = [(obj.pk, field.label_from_instance(obj)) for obj in objects]
            # The widget's options, which it renders (the field's own `choices` stay the queryset's iterator).
            field.widget.choices = [("", field.empty_label), *options] if field.empty_label is not None else options

        return load

    return [loader(form.fields[name], name) for name in names]
