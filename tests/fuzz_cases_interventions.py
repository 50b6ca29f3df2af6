"""How the forms of the interventions app are fuzzed (interventions, groups, solidarity, schools, events,
timesheets): one `Case` each, see tests/fuzz_cases.py."""

from __future__ import annotations

import contextlib

from django.urls import reverse
from hypothesis import strategies as st

from interventions import services as hour_services
from interventions.forms import (
    BudgetLineForm,
    CostItemForm,
    GroupForm,
    GroupObjectivesForm,
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
from interventions.models import BudgetLine
from tests.fuzz_cases import Case, cm, fresh, narrow, op, plain_save, save_with, udp


def participants_save(s, form, user):
    group = fresh(s.group)
    group.participants.set(form.cleaned_data["members"])


def objectives_save(s, form, user):
    """What the group's page does with a valid choice: the service, which may still refuse it."""
    with contextlib.suppress(hour_services.GroupRefused):
        hour_services.group_set_objectives(group=fresh(s.group), objectives=form.cleaned_data["objectives"], by=user)


def reopen_save(s, form, user):
    with contextlib.suppress(hour_services.HoursRefused):
        hour_services.timesheet_reopen(timesheet=fresh(s.timesheet), by=user, reason=form.cleaned_data["reason"])


def budget_save(s, form, user):
    """What the budget pages do with a valid form: save through the service, which may still refuse."""
    row = form.save(commit=False)
    with contextlib.suppress(hour_services.BudgetRefused):
        if isinstance(row, BudgetLine):
            hour_services.budget_line_save(line=row, by=user)
        else:
            hour_services.cost_item_save(item=row, by=user)


def cases() -> list[Case]:
    return [
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
            # The project's module length (6–8 by default): valid often enough to reach the save.
            shape=narrow(planned_sessions=st.integers(5, 9).map(str)),
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
            "GroupObjectivesForm",
            GroupObjectivesForm,
            lambda s, d, fl: GroupObjectivesForm(d, group=fresh(s.group), user=s.users.operatore),
            user=op,
            url=lambda s: reverse("interventions:group-objectives", args=[s.group.pk]),
            save=objectives_save,
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
        Case(
            "BudgetLineForm",
            BudgetLineForm,
            lambda s, d, fl: BudgetLineForm(d, project=fresh(s.project)),
            user=udp,
            url=lambda s: reverse("interventions:budget-line-create", args=[s.project.pk]),
            save=budget_save,
        ),
        Case(
            "CostItemForm",
            CostItemForm,
            lambda s, d, fl: CostItemForm(d, fl, project=fresh(s.project)),
            user=udp,
            url=lambda s: reverse("interventions:cost-item-create", args=[s.project.pk]),
            save=budget_save,
        ),
    ]
