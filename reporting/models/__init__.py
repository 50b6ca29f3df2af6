"""What is told about quality (DESIGN.md §3.5, seed 001 "Rilevazione del grado di soddisfazione", "Valutazione
di impatto sociale", "Rendicontazioni, dati e relazioni"): satisfaction surveys of beneficiaries and operators,
the complaints register, the controls on the services delivered, and the social-impact indicators (VIS).

Everything belongs to a PNRR project, and through it to an ambito: `visible_to(user)` scopes each model to the
user's ambito (administrators see all; a partner's referent only what concerns its organisation). What a role
may change is in `reporting.rules`.

Nothing here identifies a family: survey answers are anonymous (not linked to any person, nor to the link
they came through), complaints name the organisation concerned, never the complainant.

One module per topic; every name is re-exported here, so `from reporting.models import Complaint` and the
dotted path the migrations name (`reporting.models.report_upload_to`) stay as they were. The modules are
imported in the order the models were first written in, which is the order Django registers them in.
"""

# isort: off
from .project_scoped import ProjectScoped, ProjectScopedQuerySet
from .surveys import (
    LIKERT_MAX,
    LIKERT_MIN,
    Audience,
    SatisfactionSurvey,
    SurveyAnswer,
    SurveyItem,
    SurveyItemQuerySet,
    SurveyLink,
    SurveyLinkBatch,
    SurveyLinkBatchQuerySet,
    SurveyQuerySet,
    SurveyResponse,
    SurveyResponseQuerySet,
    SurveyResultsReport,
    SurveyResultsReportQuerySet,
    hash_token,
    normalise_token,
)
from .complaints import (
    COMPLAINT_RESPONSE_DAYS,
    DAYS_TO_CLOSE,
    Complaint,
    ComplaintQuerySet,
    answer_due_received_on,
    open_on_q,
)
from .quality_controls import QualityControl
from .impact import (
    FORMULA_UNITS,
    Direction,
    Formula,
    ImpactIndicator,
    ImpactIndicatorQuerySet,
    IndicatorValue,
    indicator_progress,
)
from .report_runs import FINAL_REPORT_LABEL, ReportRun, ReportRunQuerySet, report_upload_to
# isort: on

__all__ = [
    "DAYS_TO_CLOSE",
    "LIKERT_MAX",
    "LIKERT_MIN",
    "Audience",
    "COMPLAINT_RESPONSE_DAYS",
    "Complaint",
    "ComplaintQuerySet",
    "Direction",
    "FORMULA_UNITS",
    "Formula",
    "ImpactIndicator",
    "ImpactIndicatorQuerySet",
    "IndicatorValue",
    "ProjectScoped",
    "ProjectScopedQuerySet",
    "QualityControl",
    "FINAL_REPORT_LABEL",
    "ReportRun",
    "ReportRunQuerySet",
    "SatisfactionSurvey",
    "SurveyAnswer",
    "SurveyItem",
    "SurveyItemQuerySet",
    "SurveyLink",
    "SurveyLinkBatch",
    "SurveyLinkBatchQuerySet",
    "SurveyQuerySet",
    "SurveyResponse",
    "SurveyResponseQuerySet",
    "SurveyResultsReport",
    "SurveyResultsReportQuerySet",
    "hash_token",
    "indicator_progress",
    "normalise_token",
    "answer_due_received_on",
    "open_on_q",
    "report_upload_to",
]
