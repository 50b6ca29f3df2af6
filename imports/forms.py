from django import forms
from django.utils.translation import gettext_lazy as _

from equipes.models import Ambito

from .models import MAX_FILE_BYTES, ImportRun


class ImportUploadForm(forms.Form):
    """The file to try: its kind and the file itself (XLSX or CSV, at most 5 MB). Reading it is the service's."""

    kind = forms.ChoiceField(label=_("Che cosa importi"), choices=ImportRun.Kind.choices)
    file = forms.FileField(
        label=_("File XLSX o CSV"),
        help_text=_("CSV con «;» tra le colonne, in UTF-8. La prima riga ha i nomi delle colonne del modello."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        """An administrator, who belongs to no ambito, chooses the ambito; the Ufficio di Piano imports into its own."""
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_admin_role:
            self.fields["ambito"] = forms.ModelChoiceField(label=_("Ambito"), queryset=Ambito.objects.all())
            self.order_fields(["ambito", "kind", "file"])

    def clean(self):
        cleaned = super().clean()
        if not self.user.is_admin_role:
            cleaned["ambito"] = self.user.ambito
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Il file è troppo grande: al massimo 5 MB."))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Si caricano solo file XLSX o CSV."))
        return upload
