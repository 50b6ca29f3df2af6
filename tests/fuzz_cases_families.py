"""How the forms of the families app are fuzzed (the referral page, the path, the plan, the EM, the diary):
one `Case` each, see tests/fuzz_cases.py."""

from __future__ import annotations

import contextlib

from django.urls import reverse
from hypothesis import strategies as st

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
    PlacementForm,
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
from families.models import Member, Placement
from tests.fuzz_cases import Case, cm, family_url, fresh, op, plain_save, save_with
from tests.fuzzing import FieldSpec, FormShape


# The referral page validates three forms; each is fuzzed with the other two filled in correctly.
def referral_page(s, data, files):
    user = cm(s)
    return [
        FamilyForm(data, user=user, prefix="family", embedded=True),
        ReferralForm(data, prefix="referral", embedded=True),
        MemberFormSet(data, prefix="members", form_kwargs={"user": user, "ambito_id": user.ambito_id}),
    ]


def referral_fixed(s, but: str):
    parts = {
        "family": {
            "family-comune": str(s.comune.pk),
            "family-equipe": str(s.equipe.pk),
            "family-implementation": str(s.running_implementation.pk),
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


def comment_save(s, form, user):
    comment = form.save(commit=False)
    comment.plan, comment.author = fresh(s.plan), user
    comment.save()


def cases() -> list[Case]:
    return [
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
            lambda s, d, fl: MemberFormSet(
                d, prefix="members", form_kwargs={"user": cm(s), "ambito_id": cm(s).ambito_id}
            ),
            user=cm,
            url=lambda s: reverse("families:family-create"),
            page=referral_page,
            fixed=lambda s: referral_fixed(s, "members"),
            shape=member_formset_shape,
        ),
        Case(
            "MemberForm",
            MemberForm,
            lambda s, d, fl: MemberForm(d, instance=Member(family=fresh(s.family)), user=cm(s)),
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
        Case(
            "PlacementForm[affido]",
            PlacementForm,
            lambda s, d, fl: PlacementForm(d, instance=Placement(kind="affido"), family=fresh(s.family), user=cm(s)),
            user=cm,
            url=family_url("placement-create", "affido"),
            save=plain_save,
        ),
        Case(
            "PlacementForm[residenziale]",
            PlacementForm,
            lambda s, d, fl: PlacementForm(
                d, instance=Placement(kind="residenziale"), family=fresh(s.family), user=cm(s)
            ),
            user=cm,
            url=family_url("placement-create", "residenziale"),
            save=plain_save,
            form_examples=50,
        ),
    ]
