"""The family list's filters (django-filter), with choices limited to what the user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Comune, Implementation, Role, User

from .models import Family, State


class FamilyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cerca"), method="filter_search")
    state = django_filters.ChoiceFilter(label=_("Stato"), choices=State.choices, empty_label=_("tutti"))
    comune = django_filters.ModelChoiceFilter(label=_("Comune"), queryset=Comune.objects.none(), empty_label=_("tutti"))
    implementation = django_filters.ModelChoiceFilter(
        label=_("Implementazione"), queryset=Implementation.objects.none(), empty_label=_("tutte")
    )
    case_manager = django_filters.ModelChoiceFilter(
        label=_("Case manager"), queryset=User.objects.none(), empty_label=_("tutti")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Solo con T1/T2 scaduti"), method="filter_overdue", widget=forms.CheckboxInput
    )
    to_verify = django_filters.BooleanFilter(
        label=_("Solo con obiettivi da verificare"), method="filter_to_verify", widget=forms.CheckboxInput
    )

    class Meta:
        model = Family
        fields = ["q", "state", "comune", "implementation", "case_manager", "overdue", "to_verify"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = {} if user.is_admin_role else {"ambito_id": user.ambito_id}
        # The choices read only what their labels show (`__str__`): a name, a number.
        self.filters["comune"].queryset = Comune.objects.filter(**scope).only("name")
        self.filters["implementation"].queryset = Implementation.objects.visible_to(user).only("number")
        self.filters["case_manager"].queryset = User.objects.filter(role=Role.CASE_MANAGER, **scope).only(
            "username", "first_name", "last_name"
        )
        self.filters["q"].label = (
            _("Cerca per codice, nome o codice fiscale") if user.sees_identities else _("Cerca per codice")
        )
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def filter_search(self, queryset, name, value):
        return queryset.search(value, with_names=self.user.sees_identities)

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(next_due__lt=timezone.localdate())
        return queryset

    def filter_to_verify(self, queryset, name, value):
        if value:
            return queryset.plans_to_verify()
        return queryset
