"""What is done for the families, and the hours it takes (DESIGN.md §3.4): the catalogue of interventions
(dispositivi), their activation for a family, groups with sessions and attendance, solidarity families,
school partnerships, parenting events, time entries, monthly timesheets and the project's budget lines.

Scope follows the family (`Family.objects.visible_to`) or the ambito; hours follow their owner, the
organisation's referent and the Ufficio di Piano. Workflows live in `interventions.services`.

One module per topic; every name is re-exported here, so `from interventions.models import TimeEntry` stays as
it was. The modules are imported in the order the models were first written in, which is the order Django
registers them in.
"""

import pghistory

# isort: off
from .intervention import (
    Intervention,
    InterventionQuerySet,
    InterventionType,
    InterventionTypeQuerySet,
)
from .groups import Attendance, Group, GroupQuerySet, GroupSession
from .community import ParentingEvent, Pairing, PairingQuerySet, SchoolMeeting, SchoolPartnership, SupportFamily
from .hours import (
    DAY_CEILING_CONSTRAINT,
    DAY_CEILING_MINUTES,
    DAY_LOCK,
    FAMILY_ACTIVITIES,
    GENERAL_ACTIVITIES,
    Activity,
    TimeEntry,
    TimeEntryQuerySet,
    Timesheet,
    TimesheetLog,
    TimesheetQuerySet,
    ValidatedMinutes,
    day_ceiling_message,
    day_lock_key,
    month_start,
)
from .budget import BUDGET_CEILING_CONSTRAINT, BudgetLine, CostItem, budget_committed, budget_excess_message
# isort: on

__all__ = [
    "DAY_CEILING_CONSTRAINT",
    "DAY_CEILING_MINUTES",
    "DAY_LOCK",
    "FAMILY_ACTIVITIES",
    "GENERAL_ACTIVITIES",
    "Activity",
    "Attendance",
    "BUDGET_CEILING_CONSTRAINT",
    "BudgetLine",
    "CostItem",
    "Group",
    "GroupQuerySet",
    "GroupSession",
    "Intervention",
    "InterventionQuerySet",
    "InterventionType",
    "InterventionTypeQuerySet",
    "Pairing",
    "PairingQuerySet",
    "ParentingEvent",
    "SchoolMeeting",
    "SchoolPartnership",
    "SupportFamily",
    "TimeEntry",
    "TimeEntryQuerySet",
    "Timesheet",
    "TimesheetLog",
    "TimesheetQuerySet",
    "ValidatedMinutes",
    "budget_committed",
    "budget_excess_message",
    "day_ceiling_message",
    "day_lock_key",
    "month_start",
]

# Every change to the interventions, the pairings, the attendance and the hours is recorded with who, when,
# old and new values (DESIGN.md §4), as for the families' own data (families.models.logs).
# The budget too: who changed a line or a cost item, and from what, is the first question of an audit.
for tracked in (Intervention, Pairing, SupportFamily, Attendance, Timesheet, TimeEntry, BudgetLine, CostItem):
    pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())(tracked)
