"""The case: families and their path through the P.I.P.P.I. method (DESIGN.md §3.2, §3.3).

Who sees a family is decided by `Family.objects.visible_to(user)`; whether the user sees identities (names,
codice fiscale, addresses, diary text) by `user.sees_identities`. Everything hanging off a family is scoped
through it. State changes happen only in `families.services`.

One module per topic; every name is re-exported here, so `from families.models import Family` and the dotted
paths the migrations name (`families.models.consent_upload_to`) stay as they were. The modules are imported
in the order the models were first written in, which is the order Django registers them in.
"""

# isort: off
from .reference import ClosureOutcome, Framework, RatingLevel, Side, SubDimension
from .family import (
    ACTIVE_STATES,
    ENDED_STATES,
    IMPLEMENTATION_OUTSIDE_AMBITO,
    PATH_STATES,
    AddMonths,
    Family,
    FamilyQuerySet,
    FamilyScopedQuerySet,
    Member,
    MemberQuerySet,
    State,
    TimePoint,
    age_on,
    implementation_open_to,
)
from .referral import ConcernLevel, Preassessment, PreassessmentConcern, Referral
from .assessments import Assessment, AssessmentRating, SDQScore
from .plan import Action, Objective, PlanComment, ProgettoQuadro, Verification
from .team import Closure, Consent, DiaryNote, DiaryNoteQuerySet, TeamMeeting, TeamMember, consent_upload_to
from .placement import AFFIDO_FIELDS, RESIDENTIAL_FIELDS, Placement, PlacementQuerySet
from .logs import (
    TRACKED_MODELS,
    AccessLog,
    AnonymisationLog,
    DuplicateConfirmation,
    ProjectTakeover,
    TransitionLog,
)
# isort: on

__all__ = [
    "ACTIVE_STATES",
    "AFFIDO_FIELDS",
    "ENDED_STATES",
    "IMPLEMENTATION_OUTSIDE_AMBITO",
    "PATH_STATES",
    "ProjectTakeover",
    "RESIDENTIAL_FIELDS",
    "TRACKED_MODELS",
    "AccessLog",
    "Action",
    "AddMonths",
    "AnonymisationLog",
    "Assessment",
    "AssessmentRating",
    "Closure",
    "ClosureOutcome",
    "ConcernLevel",
    "Consent",
    "DiaryNote",
    "DiaryNoteQuerySet",
    "DuplicateConfirmation",
    "Family",
    "FamilyQuerySet",
    "FamilyScopedQuerySet",
    "Framework",
    "Member",
    "MemberQuerySet",
    "Objective",
    "Placement",
    "PlacementQuerySet",
    "PlanComment",
    "Preassessment",
    "PreassessmentConcern",
    "ProgettoQuadro",
    "RatingLevel",
    "Referral",
    "SDQScore",
    "Side",
    "State",
    "SubDimension",
    "TeamMeeting",
    "TeamMember",
    "TimePoint",
    "TransitionLog",
    "Verification",
    "age_on",
    "consent_upload_to",
    "implementation_open_to",
]
