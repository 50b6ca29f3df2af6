"""The SIUSS code of a catalogue intervention, as the Ufficio di Piano enters it: a code the XSD accepts, with the
source it was verified in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pippi_portal.forms import PortalForm

from . import xml
from .models import ServiceCode


class ServiceCodeForm(PortalForm):
    class Meta:
        model = ServiceCode
        fields = ["code", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = True
        self.fields["source"].required = True
        self.fields["code"].help_text = _("Il codice del nomenclatore SIUSS, es. A2.02.")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not xml.service_code_allowed(code):
            raise forms.ValidationError(_("Il tracciato SINBA.xsd accetta un codice prestazione di 5-10 caratteri."))
        return code

    def clean_source(self) -> str:
        source = self.cleaned_data["source"].strip()
        if not source:
            raise forms.ValidationError(_("Indicate dove avete verificato il codice."))
        return source
