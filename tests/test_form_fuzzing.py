"""Fuzzing of every form of the project (issue 6): Hypothesis generates what people type and what attackers
send, field by field. For each form, at least 200 examples bound to the form and a smaller number posted
through the real page as a persona allowed to use it:

- nothing raises (no 500): validation, rendering, and the save the view does for a valid form;
- validation writes nothing, and an invalid submission through the page saves nothing (every table's
  inserted, updated and deleted rows are compared, not only counts);
- neither the rendered form nor the page ever contains the markup payload verbatim (its escaped form is fine).

The registry `CASES` says how each form is built, saved and posted; `test_every_form_has_a_fuzzing_case`
fails when a form class of the project has none. The data every example needs is built once per module
(`scene`, rolled back at the end); what an example saves or posts runs in a savepoint that is rolled back,
so examples do not see each other. "Wrote nothing" is checked on the statements Django sends while a form
is bound, validated and rendered (WriteStatements), and on PostgreSQL's per-transaction counters of
inserted, updated and deleted rows around a request (WriteCounter): updates count, not only new rows.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import inspect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import transaction
from django.forms.formsets import BaseFormSet
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeData
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz_scene import PASSWORD, scene_for_module
from tests.fuzzing import (
    BOOKKEEPING,
    HOSTILE_TEXT,
    PACKAGES,
    FieldSpec,
    FormShape,
    WriteCounter,
    WriteStatements,
    fuzz_settings,
    markers_in,
    project_modules,
    submissions,
    table_writes,
)

pytestmark = pytest.mark.fuzzing

FORM_EXAMPLES = 200
VIEW_EXAMPLES = 20  # per page; 25 takes the module to about 115 s on this machine, near its 120 s budget

#: Examples run per case and level ("form" or "view"), checked by test_every_case_ran_enough_examples.
EXAMPLES: Counter = Counter()

# --- The registry ------------------------------------------------------------------------------------------


@dataclass
class Case:
    """How to fuzz one form, `s` being the scene: `build(s, data, files)` binds it (unbound with data None);
    `save(s, form, user)` does what the view does with a valid form; `url(s)` is the page that posts it, as
    `user(s)`; `page(s, data, files)` builds everything that page validates (default: the form alone);
    `fixed(s)` is the data of the page's other forms; `shape(s, form)` replaces the strategies derived from
    the fields; `ignore` names tables (prefixes) the form may write even when invalid (the login lockout's
    counters); `before()` runs before each example."""

    id: str
    form_class: type
    build: Callable
    user: Callable | None = None
    url: Callable | None = None
    save: Callable | None = None
    page: Callable | None = None
    fixed: Callable | None = None
    shape: Callable | None = None
    ignore: frozenset = frozenset()
    before: Callable | None = None
    #: A second case of a form already fuzzed (another persona or page) needs fewer form-level examples.
    form_examples: int = FORM_EXAMPLES


def fresh(obj):
    """A copy of a scene object (Django copies its state and cached relations too, without a query): forms
    change their instance while validating, and the scene is shared by every example."""
    return copy.copy(obj)


def login_request(s):
    """The request allauth's login form authenticates with (axes and the rate limits read it)."""
    request = RequestFactory().post("/accounts/login/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def _cases() -> list[Case]:
    from equipes.forms import (
        GovernanceMeetingForm,
        ImplementationForm,
        LoginForm,
        ProfileForm,
        ProjectForm,
        StaffTrainingForm,
    )
    from families import services as family_services
    from families.forms import (
        ActionForm,
        AssessmentForm,
        ClosureForm,
        ConsentForm,
        DiaryNoteForm,
        FamilyForm,
        MemberForm,
        MemberFormSet,
        ObjectiveForm,
        PlanCommentForm,
        PlanForm,
        PlanReviseForm,
        PlanShareForm,
        PreassessmentForm,
        ReferralForm,
        SDQForm,
        TeamMeetingForm,
        TeamMemberForm,
        TransitionForm,
        VerificationForm,
    )
    from families.models import Member
    from interventions import services as hour_services
    from interventions.forms import (
        GroupForm,
        GroupParticipantsForm,
        GroupSessionForm,
        InterventionForm,
        PairingForm,
        ParentingEventForm,
        ReopenForm,
        SchoolMeetingForm,
        SchoolPartnershipForm,
        SupportFamilyForm,
    )
    from reporting import reports
    from reporting import services as quality
    from reporting.forms import (
        ComplaintForm,
        ImpactIndicatorForm,
        IndicatorValueForm,
        LinkAnswerForm,
        LinkBatchForm,
        PaperResponseForm,
        QualityControlForm,
        SurveyForm,
    )
    from reporting.report_forms import NarrativeForm, ReportStartForm

    def udp(s):
        return s.users.ufficio_piano

    def cm(s):
        return s.users.case_manager

    def op(s):
        return s.users.operatore

    def family_url(name, *args):
        return lambda s: reverse(f"families:{name}", args=[s.family.pk, *args])

    def plain_save(s, form, user):
        form.save()

    def save_with(**attributes):
        def save(s, form, user):
            obj = form.save(commit=False)
            for name, value in attributes.items():
                setattr(obj, name, value(s, user) if callable(value) else value)
            obj.save()
            form.save_m2m()

        return save

    # The referral page validates three forms; each is fuzzed with the other two filled in correctly.
    def referral_page(s, data, files):
        user = cm(s)
        return [
            FamilyForm(data, user=user, prefix="family", embedded=True),
            ReferralForm(data, prefix="referral", embedded=True),
            MemberFormSet(data, prefix="members"),
        ]

    def referral_fixed(s, but: str):
        parts = {
            "family": {
                "family-comune": str(s.comune.pk),
                "family-equipe": str(s.equipe.pk),
                "family-implementation": str(s.implementation.pk),
                "family-case_manager": str(s.users.case_manager.pk),
            },
            "referral": {"referral-date": "2024-05-02", "referral-source": "scuola", "referral-reason": "Motivo"},
            "members": {
                "members-TOTAL_FORMS": "1",
                "members-INITIAL_FORMS": "0",
                "members-MIN_NUM_FORMS": "0",
                "members-MAX_NUM_FORMS": "12",
                "members-0-kind": "minore",
                "members-0-first_name": "Luca",
                "members-0-last_name": "Bianchi",
                "members-0-birth_date": "2018-04-05",
                "members-0-sex": "M",
            },
        }
        return {key: value for part, values in parts.items() if part != but for key, value in values.items()}

    def narrow(**valid):
        """The generated shape with what a person would type in some fields (their hostile values stay)."""

        def shape(s, form):
            fields = FormShape.of(form).fields
            for name, strategy in valid.items():
                fields[name] = FieldSpec(valid=strategy, hostile=fields[name].hostile, required=fields[name].required)
            return FormShape(fields)

        return shape

    def iso_dates(low, high):
        return st.dates(datetime.date.fromisoformat(low), datetime.date.fromisoformat(high)).map(str)

    def member_formset_shape(s, formset):
        shape = FormShape()
        for i in range(3):
            shape = shape.merge(FormShape.of(formset._construct_form(i)))
        management = {
            "members-TOTAL_FORMS": FieldSpec(
                valid=st.sampled_from(["1", "2", "3"]),
                # Not above 13: any bigger count makes Django build max_num + 1000 forms (seconds per example).
                hostile=st.sampled_from(["", "-1", "0", "13", "x", "1.5", "\x00"]),
                required=True,
            ),
            "members-INITIAL_FORMS": FieldSpec(
                valid=st.just("0"), hostile=st.sampled_from(["", "-1", "1", "13", "x"]), required=True
            ),
            "members-MIN_NUM_FORMS": FieldSpec(valid=st.just("0"), hostile=st.sampled_from(["", "-5", "x"])),
            "members-MAX_NUM_FORMS": FieldSpec(valid=st.just("12"), hostile=st.sampled_from(["", "0", "x"])),
        }
        return FormShape(management).merge(shape)

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

    def preassessment_save(s, form, user):
        family_services.preassessment_save(
            family=form.family, preassessment=form.save(commit=False), concerns=form.concerns(), by=user
        )

    def assessment_save(s, form, user):
        family_services.assessment_save(
            family=form.family,
            time_point=form.time_point,
            date=form.cleaned_data["date"],
            ratings=form.ratings(),
            by=user,
        )

    def share_save(s, form, user):
        plan = form.plan
        plan.shared_with_family, plan.shared_on = True, form.cleaned_data["shared_on"]
        plan.save(update_fields=["shared_with_family", "shared_on"])

    def revise_save(s, form, user):
        family_services.plan_revise(plan=form.plan, date=form.cleaned_data["date"], reason=form.cleaned_data["reason"])

    def verification_save(s, form, user):
        family_services.verification_save(objective=fresh(s.objective), time_point="T1", **form.cleaned_data)

    def transition_save(s, form, user):
        with contextlib.suppress(family_services.TransitionRefused):
            family_services.family_apply_transition(
                family=fresh(s.family),
                by=user,
                name="sospendi",
                reason=form.cleaned_data.get("reason", ""),
                interruption_reason=form.cleaned_data.get("interruption_reason", ""),
                on=form.cleaned_data.get("on"),
            )

    def participants_save(s, form, user):
        group = fresh(s.group)
        group.participants.set(form.cleaned_data["members"])

    def reopen_save(s, form, user):
        with contextlib.suppress(hour_services.HoursRefused):
            hour_services.timesheet_reopen(timesheet=fresh(s.timesheet), by=user, reason=form.cleaned_data["reason"])

    def survey_save(s, form, user):
        quality.survey_create(survey=form.save(commit=False), statements=form.cleaned_data["statements"], by=user)

    def paper_save(s, form, user):
        quality.survey_response_record(
            survey=form.survey,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            submitted_on=form.cleaned_data["submitted_on"],
            by=user,
        )

    def link_answer_save(s, form, user):
        quality.survey_answer_by_link(link=fresh(s.link), scores=form.scores(), comment=form.cleaned_data["comment"])

    def link_batch_save(s, form, user):
        quality.survey_links_generate(batch=form.save(commit=False), count=form.cleaned_data["count"], by=user)

    def report_save(s, form, user):
        with contextlib.suppress(ValueError, reports.ReportRefused):
            reports.report_start(
                project=form.cleaned_data["project"], kind=form.cleaned_data["kind"], label=form.label, by=user
            )

    def narrative_save(s, form, user):
        reports.report_save_narrative(run=fresh(s.run), texts=form.cleaned_data)

    def comment_save(s, form, user):
        comment = form.save(commit=False)
        comment.plan, comment.author = fresh(s.plan), user
        comment.save()

    return [
        # --- equipes
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
        # --- families
        Case(
            "FamilyForm",
            FamilyForm,
            lambda s, d, fl: FamilyForm(d, instance=fresh(s.family), user=cm(s)),
            user=cm,
            url=family_url("family-edit"),
            save=plain_save,
        ),
        Case(
            "FamilyForm[referral page]",
            FamilyForm,
            lambda s, d, fl: FamilyForm(d, user=cm(s), prefix="family", embedded=True),
            user=cm,
            url=lambda s: reverse("families:family-create"),
            page=referral_page,
            fixed=lambda s: referral_fixed(s, "family"),
            form_examples=50,
        ),
        Case(
            "ReferralForm",
            ReferralForm,
            lambda s, d, fl: ReferralForm(d, prefix="referral", embedded=True),
            user=cm,
            url=lambda s: reverse("families:family-create"),
            page=referral_page,
            fixed=lambda s: referral_fixed(s, "referral"),
        ),
        Case(
            "MemberFormSet",
            MemberFormSet,
            lambda s, d, fl: MemberFormSet(d, prefix="members"),
            user=cm,
            url=lambda s: reverse("families:family-create"),
            page=referral_page,
            fixed=lambda s: referral_fixed(s, "members"),
            shape=member_formset_shape,
        ),
        Case(
            "MemberForm",
            MemberForm,
            lambda s, d, fl: MemberForm(d, instance=Member(family=fresh(s.family))),
            user=cm,
            url=family_url("member-create"),
            save=plain_save,
        ),
        Case(
            "PreassessmentForm",
            PreassessmentForm,
            lambda s, d, fl: PreassessmentForm(d, instance=fresh(s.preassessment), family=fresh(s.family)),
            user=cm,
            url=family_url("preassessment"),
            save=preassessment_save,
        ),
        Case(
            "ConsentForm",
            ConsentForm,
            lambda s, d, fl: ConsentForm(d, fl, family=fresh(s.family), user=s.users.case_manager),
            user=cm,
            url=family_url("consent-create"),
            save=plain_save,
        ),
        Case(
            "TeamMemberForm",
            TeamMemberForm,
            lambda s, d, fl: TeamMemberForm(d, family=fresh(s.family), user=s.users.case_manager),
            user=cm,
            url=family_url("team"),
            save=plain_save,
        ),
        Case(
            "TeamMeetingForm",
            TeamMeetingForm,
            lambda s, d, fl: TeamMeetingForm(d, family=fresh(s.family), user=s.users.case_manager),
            user=op,
            url=family_url("team-meeting-create"),
            save=plain_save,
        ),
        Case(
            "AssessmentForm",
            AssessmentForm,
            lambda s, d, fl: AssessmentForm(d, family=fresh(s.family), time_point="T1", assessment=None),
            user=op,
            url=family_url("assessment-edit", "T1"),
            save=assessment_save,
        ),
        Case(
            "SDQForm",
            SDQForm,
            lambda s, d, fl: SDQForm(d, family=fresh(s.family), user=s.users.operatore),
            user=op,
            url=family_url("sdq-create"),
            save=plain_save,
        ),
        Case(
            "PlanForm",
            PlanForm,
            lambda s, d, fl: PlanForm(d, instance=fresh(s.plan)),
            user=cm,
            url=family_url("plan-edit"),
            save=plain_save,
        ),
        Case(
            "PlanShareForm",
            PlanShareForm,
            lambda s, d, fl: PlanShareForm(d, plan=fresh(s.plan)),
            user=cm,
            url=family_url("plan-share"),
            save=share_save,
        ),
        Case(
            "PlanReviseForm",
            PlanReviseForm,
            lambda s, d, fl: PlanReviseForm(d, plan=fresh(s.plan)),
            user=cm,
            url=family_url("plan-revise"),
            save=revise_save,
        ),
        Case(
            "ObjectiveForm",
            ObjectiveForm,
            lambda s, d, fl: ObjectiveForm(d, plan=fresh(s.plan)),
            user=cm,
            url=family_url("objective-create"),
            save=plain_save,
        ),
        Case(
            "ActionForm",
            ActionForm,
            lambda s, d, fl: ActionForm(
                d, objective=fresh(s.objective), family=fresh(s.family), user=s.users.operatore
            ),
            user=cm,
            url=lambda s: reverse("families:action-create", args=[s.family.pk, s.objective.pk]),
            save=plain_save,
        ),
        Case(
            "VerificationForm",
            VerificationForm,
            lambda s, d, fl: VerificationForm(d, family=fresh(s.family), time_point="T1"),
            user=cm,
            url=lambda s: reverse("families:verification", args=[s.family.pk, s.objective.pk, "T1"]),
            save=verification_save,
        ),
        Case(
            "PlanCommentForm",
            PlanCommentForm,
            lambda s, d, fl: PlanCommentForm(d),
            user=lambda s: s.users.coordinatore,
            url=family_url("plan-comment"),
            save=comment_save,
        ),
        Case(
            "DiaryNoteForm",
            DiaryNoteForm,
            lambda s, d, fl: DiaryNoteForm(d),
            user=cm,
            url=family_url("note-create"),
            save=save_with(family=lambda s, u: fresh(s.family), author=lambda s, u: u),
        ),
        Case(
            "ClosureForm",
            ClosureForm,
            lambda s, d, fl: ClosureForm(d, instance=None, family=fresh(s.family)),
            user=cm,
            url=family_url("closure"),
            save=plain_save,
        ),
        Case(
            "TransitionForm",
            TransitionForm,
            lambda s, d, fl: TransitionForm(d),
            user=cm,
            url=family_url("family-transition", "sospendi"),
            save=transition_save,
        ),
        # --- interventions
        Case(
            "InterventionForm",
            InterventionForm,
            lambda s, d, fl: InterventionForm(d, family=fresh(s.family), user=cm(s)),
            user=cm,
            url=lambda s: reverse("interventions:intervention-create", args=[s.family.pk]),
            save=plain_save,
        ),
        Case(
            "GroupForm",
            GroupForm,
            lambda s, d, fl: GroupForm(d, user=cm(s)),
            user=cm,
            url=lambda s: reverse("interventions:group-create"),
            save=plain_save,
        ),
        Case(
            "GroupParticipantsForm",
            GroupParticipantsForm,
            lambda s, d, fl: GroupParticipantsForm(d, group=fresh(s.group), user=s.users.operatore),
            user=op,
            url=lambda s: reverse("interventions:group-detail", args=[s.group.pk]),
            save=participants_save,
        ),
        Case(
            "GroupSessionForm",
            GroupSessionForm,
            lambda s, d, fl: GroupSessionForm(d, group=fresh(s.group)),
            user=op,
            url=lambda s: reverse("interventions:session-create", args=[s.group.pk]),
            save=plain_save,
        ),
        Case(
            "SupportFamilyForm",
            SupportFamilyForm,
            lambda s, d, fl: SupportFamilyForm(d, user=cm(s)),
            user=cm,
            url=lambda s: reverse("interventions:support-create"),
            save=plain_save,
        ),
        Case(
            "PairingForm",
            PairingForm,
            lambda s, d, fl: PairingForm(d, user=cm(s)),
            user=cm,
            url=lambda s: reverse("interventions:pairing-create"),
            save=plain_save,
        ),
        Case(
            "SchoolPartnershipForm",
            SchoolPartnershipForm,
            lambda s, d, fl: SchoolPartnershipForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("interventions:school-create"),
            save=plain_save,
        ),
        Case(
            "SchoolMeetingForm",
            SchoolMeetingForm,
            lambda s, d, fl: SchoolMeetingForm(d),
            user=udp,
            url=lambda s: reverse("interventions:school-meeting-create", args=[s.school.pk]),
            save=save_with(partnership=lambda s, u: fresh(s.school)),
        ),
        Case(
            "ParentingEventForm",
            ParentingEventForm,
            lambda s, d, fl: ParentingEventForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("interventions:event-create"),
            save=plain_save,
        ),
        Case(
            "ReopenForm",
            ReopenForm,
            lambda s, d, fl: ReopenForm(d),
            user=lambda s: s.users.referente_ente,
            url=lambda s: reverse("interventions:timesheet-reopen", args=[s.timesheet.pk]),
            save=reopen_save,
        ),
        # --- reporting
        Case(
            "SurveyForm",
            SurveyForm,
            lambda s, d, fl: SurveyForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:survey-create"),
            save=survey_save,
        ),
        Case(
            "PaperResponseForm",
            PaperResponseForm,
            lambda s, d, fl: PaperResponseForm(d, survey=fresh(s.survey)),
            user=udp,
            url=lambda s: reverse("reporting:survey-response-create", args=[s.survey.pk]),
            save=paper_save,
        ),
        Case(
            "LinkAnswerForm",
            LinkAnswerForm,
            lambda s, d, fl: LinkAnswerForm(d, survey=fresh(s.survey)),
            user=lambda s: None,
            url=lambda s: s.link.get_absolute_url(),
            save=link_answer_save,
        ),
        Case(
            "LinkBatchForm",
            LinkBatchForm,
            lambda s, d, fl: LinkBatchForm(d, survey=fresh(s.survey)),
            user=udp,
            url=lambda s: reverse("reporting:survey-links-create", args=[s.survey.pk]),
            save=link_batch_save,
        ),
        Case(
            "ComplaintForm",
            ComplaintForm,
            lambda s, d, fl: ComplaintForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:complaint-create"),
            save=save_with(created_by=lambda s, u: u),
        ),
        Case(
            "ComplaintForm[referente_ente]",
            ComplaintForm,
            lambda s, d, fl: ComplaintForm(d, user=s.users.referente_ente),
            user=lambda s: s.users.referente_ente,
            url=lambda s: reverse("reporting:complaint-create"),
            save=save_with(created_by=lambda s, u: u),
            form_examples=50,
        ),
        Case(
            "QualityControlForm",
            QualityControlForm,
            lambda s, d, fl: QualityControlForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:control-create"),
            save=save_with(created_by=lambda s, u: u),
        ),
        Case(
            "ImpactIndicatorForm",
            ImpactIndicatorForm,
            lambda s, d, fl: ImpactIndicatorForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:indicator-create"),
            save=plain_save,
        ),
        Case(
            "IndicatorValueForm",
            IndicatorValueForm,
            lambda s, d, fl: IndicatorValueForm(d, indicator=fresh(s.indicator)),
            user=udp,
            url=lambda s: reverse("reporting:indicator-value-create", args=[s.indicator.pk]),
            save=plain_save,
        ),
        Case(
            "ReportStartForm",
            ReportStartForm,
            lambda s, d, fl: ReportStartForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:report-list"),
            save=report_save,
        ),
        Case(
            "NarrativeForm",
            NarrativeForm,
            lambda s, d, fl: NarrativeForm(d),
            user=udp,
            url=lambda s: reverse("reporting:report-narrative", args=[s.run.pk]),
            save=narrative_save,
        ),
    ]


CASES = _cases()
CASE_IDS = [case.id for case in CASES]
BY_ID = {case.id: case for case in CASES}

#: Form classes that are never bound on their own, with the reason.
EXCLUDED = {
    "pippi_portal.forms.PortalForm": "abstract base of the model forms (no Meta.model): fuzzed through each subclass",
}


def project_form_classes() -> dict[str, type]:
    """Every form and formset class defined in a module of the project's packages."""
    found = {}
    for module in project_modules():
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm | BaseFormSet)
                and obj.__module__.split(".")[0] in PACKAGES
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def test_every_form_has_a_fuzzing_case():
    covered = {case.form_class for case in CASES}
    missing = []
    for path, cls in project_form_classes().items():
        if path in EXCLUDED:
            continue
        if issubclass(cls, BaseFormSet):
            # A formset base is fuzzed through the factory-made formset class, and the form it repeats (the
            # factory subclasses it) through its own case.
            formsets = [c for c in covered if issubclass(c, cls)]
            if not formsets or not all(any(issubclass(fs.form, c) for c in covered) for fs in formsets):
                missing.append(path)
        elif cls not in covered:
            missing.append(path)
    assert not missing, f"form classes without a fuzzing case in CASES (or EXCLUDED with a reason): {missing}"


# --- The world, once per module -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once and rolled back at the end of the module."""
    with scene_for_module(django_db_blocker, tmp_path_factory.mktemp("fuzz-media")) as built:
        yield built


def as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def render(form) -> str:
    """The whole form as its page renders it (crispy when it has a helper)."""
    if isinstance(form, BaseFormSet):
        return str(form) + str(form.non_form_errors())
    if getattr(form, "helper", None) is not None:
        return render_crispy_form(form)
    return str(form)


def marked_safe(form) -> list[str]:
    """Texts of the bound form that a template would print unescaped (marked safe) and that carry the
    payload: its errors, labels and help texts. Templates escape everything else, so this is what
    can echo markup without rendering; a whole rendering on some examples (and the pages at view level)
    covers templates that print with |safe."""
    parts = [*form.forms] if isinstance(form, BaseFormSet) else [form]
    texts = [*form.non_form_errors()] if isinstance(form, BaseFormSet) else []
    for part in parts:
        texts.extend(message for errors in part.errors.values() for message in errors)
        for field in part.fields.values():
            texts.extend([field.label or "", field.help_text or ""])
    return [text for text in texts if isinstance(text, SafeData) and markers_in(text)]


def all_valid(built) -> bool:
    parts = built if isinstance(built, list) else [built]
    return all([part.is_valid() for part in parts])  # noqa: C419 - every part validates, as in the views


#: The one-time token of a submission without NUL bytes: with one, @once_per_submission answers 500
#: (test_a_nul_byte_in_the_submission_token_is_not_a_500); the form itself refuses it (form level).
TOKEN_WITHOUT_NUL = FieldSpec(
    valid=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
    hostile=st.sampled_from([value for value in HOSTILE_TEXT if "\x00" not in value]),
)


def shape_of(case: Case, s, *, view: bool = False) -> FormShape:
    form = case.build(s, None, None)
    shape = case.shape(s, form) if case.shape else FormShape.of(form)
    if view:
        tokens = [name for name in shape.fields if name.endswith("submission_token")]
        shape = shape.merge(FormShape(dict.fromkeys(tokens, TOKEN_WITHOUT_NUL)))
    return shape


@pytest.fixture(autouse=True)
def _no_n_plus_one():
    """Overrides the conftest's fixture of the same name for this module. zeal (a test dependency, absent in
    production) raises on an N+1 pattern, which a page then answers as a 500 that production never gives;
    fuzzed input reaches two (services.preassessment_save's loop of update_or_create; family_create's
    member formset when forms post an `id`). Query patterns are the query-count tests' business: here a 500
    must be a real one."""


# --- Form level ------------------------------------------------------------------------------------------------


#: One example in this many renders the whole form (crispy); every example checks what could be unescaped.
FULL_RENDER_EVERY = 20


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_form_fuzz(case_id, scene, db):
    case = BY_ID[case_id]
    s = scene
    user = case.user(s) if case.user else None
    shape = shape_of(case, s)
    key = (case.id, "form")
    sniff = WriteStatements(case.ignore)

    @fuzz_settings(case.form_examples)
    @given(submissions(shape))
    def run(submission):
        EXAMPLES[key] += 1
        data, files = submission
        if case.before:
            case.before()
        with sniff:
            form = case.build(s, as_querydict(data), MultiValueDict({k: [v] for k, v in files.items()}))
            valid = all_valid(form)
            assert not marked_safe(form), f"markup marked safe: {marked_safe(form)}"
            if EXAMPLES[key] % FULL_RENDER_EVERY == 1:
                html = render(form)
                assert not markers_in(html), f"unescaped markup in the rendered form: {markers_in(html)}"
        assert not sniff.tables, f"binding, validating or rendering the form wrote to {sniff.tables}"
        if valid and case.save:
            # What the view does with a valid form must not fail either (a database error is a 500).
            with transaction.atomic():
                case.save(s, form, user)
                transaction.set_rollback(True)

    run()
    assert EXAMPLES[key] >= case.form_examples


# --- View level ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", [case.id for case in CASES if case.url])
def test_view_fuzz(case_id, scene, db):
    case = BY_ID[case_id]
    s = scene
    user = case.user(s) if case.user else None
    url = case.url(s)
    page = case.page or case.build
    fixed = case.fixed(s) if case.fixed else {}
    shape = shape_of(case, s, view=True)
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    key = (case.id, "view")
    writes = WriteCounter(BOOKKEEPING | case.ignore)

    @fuzz_settings(VIEW_EXAMPLES)
    @given(submissions(shape), st.booleans())
    def run(submission, htmx):
        EXAMPLES[key] += 1
        data, files = submission
        data = {**fixed, **data}
        if case.before:
            case.before()
        start = writes()
        with transaction.atomic():
            extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = client.post(url, {**data, **files}, follow=True, **extra)
            transaction.set_rollback(True)
        changes = writes() - start
        assert response.status_code < 500, f"{response.status_code} for {data!r}"
        body = response.content.decode(errors="replace")
        assert not markers_in(body), f"unescaped markup in the page: {markers_in(body)}"
        if changes:
            # Something was saved: the submission must have been valid. The request was rolled back, so
            # the forms see what the page saw.
            for upload in files.values():
                upload.seek(0)
            if case.before:
                case.before()
            files_dict = MultiValueDict({k: [v] for k, v in files.items()})
            valid = all_valid(page(s, as_querydict(data), files_dict))
            assert valid, f"an invalid submission wrote {changes} rows (so far: {table_writes()})"

    run()
    assert EXAMPLES[key] >= VIEW_EXAMPLES


def test_the_write_detectors_see_writes(scene, db):
    """Both detectors notice a write, also one rolled back (otherwise "nothing saved" would prove nothing)."""
    from equipes.models import Comune

    counter = WriteCounter(BOOKKEEPING)
    start = counter()
    with WriteStatements() as sniff, transaction.atomic():
        Comune.objects.filter(pk=scene.comune.pk).update(name="Comune Beta")
        transaction.set_rollback(True)
    assert sniff.tables == ["equipes_comune"]
    assert counter() == start + 1


def test_fixed_parts_of_the_referral_page_are_valid(scene, db):
    """The referral page's other forms are filled in correctly, so the fuzzed one decides."""
    case = BY_ID["ReferralForm"]
    full = {**case.fixed(scene), "referral-date": "2024-05-02", "referral-source": "scuola", "referral-reason": "x"}
    parts = case.page(scene, as_querydict(full), MultiValueDict())
    assert [part.is_valid() for part in parts] == [True, True, True], [getattr(p, "errors", None) for p in parts]


def test_a_second_reference_child_is_a_form_error_not_a_500(scene, db):
    """Found by the fuzzing: the family already has its reference child, and the database's constraint
    (one_reference_child_per_family) used to turn a second one into an IntegrityError."""
    from families.models import Member

    data = {
        "kind": "minore",
        "first_name": "Anna",
        "last_name": "Verdi",
        "birth_date": "2019-02-03",
        "sex": "F",
        "is_reference_child": "on",
    }
    client = Client(raise_request_exception=False)
    client.force_login(scene.users.case_manager)
    before = Member.objects.filter(family=scene.family).count()
    response = client.post(reverse("families:member-create", args=[scene.family.pk]), data)
    assert response.status_code == 200
    assert "is_reference_child" in response.context["form"].errors
    assert Member.objects.filter(family=scene.family).count() == before


def test_a_nul_byte_in_the_submission_token_is_not_a_500(scene, db):
    client = Client(raise_request_exception=False)
    client.force_login(scene.users.ufficio_piano)
    response = client.post(reverse("reporting:survey-create"), {"submission_token": "a\x00b", "title": "x"})
    assert response.status_code < 500


def test_every_case_ran_enough_examples(request, scene, db):
    """Each case whose fuzz tests ran in this session got its examples (each fuzz test asserts it too), and
    each form class at least FORM_EXAMPLES at form level. (It uses the scene only to run after the fuzz
    tests, which pytest groups by that module-scoped fixture.)"""
    ran = {
        (item.callspec.params["case_id"], "form" if item.originalname == "test_form_fuzz" else "view")
        for item in request.session.items
        if item.originalname in ("test_form_fuzz", "test_view_fuzz")
    }
    needed = {"form": lambda case: case.form_examples, "view": lambda case: VIEW_EXAMPLES}
    short = {key: EXAMPLES[key] for key in ran if EXAMPLES[key] < needed[key[1]](BY_ID[key[0]])}
    assert not short, f"cases with too few examples: {short}"
    per_class = Counter()
    for case in CASES:
        per_class[case.form_class] += EXAMPLES[(case.id, "form")]
    complete = {case.form_class for case in CASES} - {
        BY_ID[case_id].form_class for case_id in CASE_IDS if (case_id, "form") not in ran
    }
    assert all(per_class[cls] >= FORM_EXAMPLES for cls in complete), {c.__name__: per_class[c] for c in complete}
