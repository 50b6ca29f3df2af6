"""How the forms of the équipes app are fuzzed (projects, implementations, staff training, profile,
governance meetings, login): one `Case` each, see tests/fuzz_cases.py."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from hypothesis import strategies as st

from equipes.forms import (
    GovernanceMeetingForm,
    ImplementationForm,
    LoginForm,
    ProfileForm,
    ProjectForm,
    StaffCvForm,
    StaffTrainingForm,
)
from tests.fuzz_cases import Case, fresh, iso_dates, login_request, narrow, op, plain_save, udp
from tests.fuzz_scene import PASSWORD
from tests.fuzzing import FieldSpec, FormShape


def with_login(s, data, files):
    return LoginForm(data, request=login_request(s))


def login_shape(s, form):
    generated = FormShape.of(form).fields
    generated["login"] = FieldSpec(
        valid=st.sampled_from(["assistente", "educatore", "ASSISTENTE", "nessuno", "assistente "]),
        hostile=generated["login"].hostile,
        required=True,
    )
    generated["password"] = FieldSpec(
        valid=st.sampled_from([PASSWORD, PASSWORD.upper(), "password-sbagliata"]),
        hostile=generated["password"].hostile,
        required=True,
    )
    return FormShape(generated)


def cases() -> list[Case]:
    return [
        Case(
            "ProjectForm",
            ProjectForm,
            lambda s, d, fl: ProjectForm(d, instance=fresh(s.project)),
            user=udp,
            url=lambda s: reverse("equipes:project-edit", args=[s.project.pk]),
            save=plain_save,
        ),
        Case(
            "ImplementationForm",
            ImplementationForm,
            lambda s, d, fl: ImplementationForm(d, project=fresh(s.project)),
            # Inside the project's period, T2 after T1: valid often enough to reach the save.
            shape=narrow(
                start_date=iso_dates("2023-06-01", "2024-12-31"),
                end_date=iso_dates("2025-01-01", "2026-05-31"),
                t1_offset_months=st.integers(1, 6).map(str),
                t2_offset_months=st.integers(7, 30).map(str),
            ),
            user=udp,
            url=lambda s: reverse("equipes:implementation-create", args=[s.project.pk]),
            save=plain_save,
        ),
        Case(
            "StaffTrainingForm",
            StaffTrainingForm,
            lambda s, d, fl: StaffTrainingForm(d, fl, staff_member=fresh(s.users.operatore)),
            user=lambda s: s.users.referente_ente,
            url=lambda s: reverse("equipes:training-create", args=[s.users.operatore.pk]),
            save=plain_save,
        ),
        Case(
            "StaffCvForm",
            StaffCvForm,
            lambda s, d, fl: StaffCvForm(d, fl, instance=fresh(s.users.operatore)),
            user=lambda s: s.users.referente_ente,
            url=lambda s: reverse("equipes:staff-cv-upload", args=[s.users.operatore.pk]),
            save=plain_save,
        ),
        Case(
            "ProfileForm",
            ProfileForm,
            lambda s, d, fl: ProfileForm(d, instance=fresh(s.users.operatore)),
            user=op,
            url=lambda s: reverse("equipes:profile"),
            save=plain_save,
        ),
        Case(
            "GovernanceMeetingForm",
            GovernanceMeetingForm,
            lambda s, d, fl: GovernanceMeetingForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("equipes:meeting-create"),
            save=plain_save,
        ),
        Case(
            "LoginForm",
            LoginForm,
            with_login,
            user=lambda s: None,
            url=lambda s: reverse("account_login"),
            shape=login_shape,
            ignore=frozenset({"axes_"}),
            before=cache.clear,
        ),
    ]
