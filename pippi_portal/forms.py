"""Form helpers every app's forms share."""

from __future__ import annotations

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class SubmissionTokenField(forms.CharField):
    """The one-time token of a rendered form; never counts as a change (blank formset rows stay blank)."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data) -> bool:
        return False


class PortalForm(forms.ModelForm):
    """A model form rendered by crispy-bootstrap5 with one Italian submit button."""

    submit_label = _("Salva")
    #: Model fields the view sets on the instance rather than the user typing them (the project of an
    #: implementation, say). Django leaves non-form fields out of constraint checks; these must stay in,
    #: so that a duplicate gets a form error instead of a database error.
    fixed_fields: tuple[str, ...] = ()
    # One-time token that lets @once_per_submission recognise a second submission of the same page.
    submission_token = SubmissionTokenField(required=False)

    def __init__(self, *args, embedded: bool = False, **kwargs):
        """`embedded`: the form is one of several inside a page's own <form> (no tag, no button)."""
        super().__init__(*args, **kwargs)
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

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - set(self.fixed_fields)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
