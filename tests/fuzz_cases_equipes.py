"""How the forms of the équipes app are fuzzed (projects, implementations, targets, staff training, profile,
governance meetings, login): one `Case` each, see tests/fuzz_cases.py."""

from __future__ import annotations

import contextlib

from django.core.cache import cache
from django.urls import reverse
from hypothesis import strategies as st

from equipes import services as project_services
from equipes.forms import (
    ComuneForm,
    FollowOnProjectForm,
    GovernanceMeetingForm,
    ImplementationForm,
    LoginForm,
    ProfileForm,
    ProjectConcludeForm,
    ProjectForm,
    ProjectTargetForm,
    StaffCvForm,
    StaffTrainingForm,
)
from equipes.models import Comune
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


def conclude_save(s, form, user):
    project_services.project_conclude(project=fresh(s.project), on=form.cleaned_data["concluded_on"], by=user)


def follow_on_save(s, form, user):
    # What the view does: the service's refusals (a second follow-on) become a form error.
    with contextlib.suppress(project_services.ProjectRefused):
        project_services.project_start_follow_on(predecessor=fresh(s.project), by=user, **form.cleaned_data)


def cases() -> list[Case]:
    return [
        Case(
            "ComuneForm",
            ComuneForm,
            lambda s, d, fl: ComuneForm(d, instance=Comune(ambito=s.ambito)),
            # The admin's chooser sends a cadastral code of the national list; a few taken, foreign or unknown.
            shape=narrow(
                national_code=st.sampled_from(["I625", "E063", "F078", "Z100", "X999", "i625", "seregno", ""]),
            ),
            save=plain_save,
        ),
        Case(
            "ProjectForm",
            ProjectForm,
            lambda s, d, fl: ProjectForm(d, instance=fresh(s.project)),
            # The project's rules as an Ufficio di Piano would type them: valid often enough to reach the save.
            shape=narrow(
                report_age_bands=st.sampled_from(["0-3, 4-6, 7-11, 12-14, 15-17", "0-11, 12-17", "0-5,6-13,14-17"]),
                group_module_min_sessions=st.integers(1, 6).map(str),
                group_module_max_sessions=st.integers(8, 30).map(str),
            ),
            user=udp,
            url=lambda s: reverse("equipes:project-edit", args=[s.project.pk]),
            save=plain_save,
        ),
        Case(
            "ProjectConcludeForm",
            ProjectConcludeForm,
            lambda s, d, fl: ProjectConcludeForm(d, project=fresh(s.project)),
            user=udp,
            url=lambda s: reverse("equipes:project-conclude", args=[s.project.pk]),
            save=conclude_save,
        ),
        Case(
            "FollowOnProjectForm",
            FollowOnProjectForm,
            lambda s, d, fl: FollowOnProjectForm(d, predecessor=fresh(s.project)),
            user=udp,
            url=lambda s: reverse("equipes:project-follow-on", args=[s.project.pk]),
            save=follow_on_save,
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
            "ProjectTargetForm",
            ProjectTargetForm,
            lambda s, d, fl: ProjectTargetForm(d, project=fresh(s.project)),
            user=udp,
            url=lambda s: reverse("equipes:target-create", args=[s.project.pk]),
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
