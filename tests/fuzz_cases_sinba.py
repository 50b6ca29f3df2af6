"""How the forms of the SINBA return are fuzzed: the SIUSS code of a catalogue intervention (see
tests/fuzz_cases.py). The shared catalogue's codes are the administrator's, so the administrator posts it."""

from __future__ import annotations

from django.urls import reverse

from interventions.models import InterventionType
from sinba.forms import ServiceCodeForm
from sinba.models import ServiceCode
from tests.fuzz_cases import Case, plain_save


def sedt() -> InterventionType:
    return InterventionType.objects.get(code="sedt", ambito__isnull=True)


def service_code() -> ServiceCode:
    return ServiceCode.objects.filter(intervention_type=sedt()).first() or ServiceCode(intervention_type=sedt())


def cases() -> list[Case]:
    return [
        Case(
            "ServiceCodeForm",
            ServiceCodeForm,
            lambda s, d, fl: ServiceCodeForm(d, instance=service_code()),
            user=lambda s: s.users.admin,
            url=lambda s: reverse("sinba:code-edit", args=[s.ambito.pk, sedt().pk]),
            save=plain_save,
        ),
    ]
