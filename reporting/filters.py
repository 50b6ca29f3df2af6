"""Filters of the quality lists (django-filter), with choices limited to what the user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from equipes.models import Organisation, Project, User
from pippi_portal.forms import DateInput

from .models import Audience, Complaint, QualityControl, SatisfactionSurvey, SurveyResultsReport
from .selectors import organisations_for, projects_for


class ScopedFilterSet(django_filters.FilterSet):
    """Project and organisation choices from the user's scope; Bootstrap classes on every widget."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if "project" in self.filters:
            self.filters["project"].queryset = projects_for(user)
        if "organisation" in self.filters:
            self.filters["organisation"].queryset = organisations_for(user)
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"


def project_filter():
    return django_filters.ModelChoiceFilter(
        label=_("Progetto"), queryset=Project.objects.none(), empty_label=_("tutti")
    )


def organisation_filter(label):
    return django_filters.ModelChoiceFilter(label=label, queryset=Organisation.objects.none(), empty_label=_("tutti"))


def date_filter(field: str, lookup: str, label):
    return django_filters.DateFilter(field_name=field, lookup_expr=lookup, label=label, widget=DateInput())


class SurveyFilter(ScopedFilterSet):
    audience = django_filters.ChoiceFilter(label=_("Destinatari"), choices=Audience.choices, empty_label=_("tutti"))
    project = project_filter()
    relazione = django_filters.ChoiceFilter(
        field_name="results_report__state",
        label=_("Relazione sugli esiti"),
        choices=SurveyResultsReport.State.choices,
        empty_label=_("tutte"),
    )

    class Meta:
        model = SatisfactionSurvey
        fields = ["audience", "project", "relazione"]


class ComplaintFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Cerca nell'oggetto o nel protocollo"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Stato"),
        choices=[("aperti", _("aperti")), ("chiusi", _("chiusi"))],
        empty_label=_("tutti"),
        method="filter_status",
    )
    channel = django_filters.ChoiceFilter(label=_("Canale"), choices=Complaint.Channel.choices, empty_label=_("tutti"))
    outcome = django_filters.ChoiceFilter(label=_("Esito"), choices=Complaint.Outcome.choices, empty_label=_("tutti"))
    organisation = organisation_filter(_("Ente interessato"))
    received_from = date_filter("received_on", "gte", _("Ricevuti dal"))
    received_to = date_filter("received_on", "lte", _("Ricevuti fino al"))

    class Meta:
        model = Complaint
        fields = ["q", "status", "channel", "outcome", "organisation", "received_from", "received_to"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(subject__icontains=value) | Q(protocol_number__icontains=value))

    def filter_status(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=value == "aperti")


class QualityControlFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Stato"), choices=QualityControl.Status.choices, empty_label=_("tutti")
    )
    kind = django_filters.ChoiceFilter(label=_("Tipo"), choices=QualityControl.Kind.choices, empty_label=_("tutti"))
    organisation = organisation_filter(_("Ente controllato"))
    checked_from = date_filter("checked_on", "gte", _("Dal"))
    checked_to = date_filter("checked_on", "lte", _("Al"))

    class Meta:
        model = QualityControl
        fields = ["status", "kind", "organisation", "checked_from", "checked_to"]
