"""Reads of interventions and hours: scoped look-ups, the weekly grid, the SEDT weekly check, the budget
of a project and the family's timeline entries. Aggregates are computed by the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.db.models import Count, DateField, Exists, Max, OuterRef, Prefetch, Q, Sum, TextField
from django.db.models.functions import Cast, TruncMonth, TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from equipes.models import Profile, Project, Role, StaffTraining, User
from equipes.project_rules import DEFAULT_RULES, ProjectRules
from families.models import PATH_STATES, Family
from families.pseudonymisation import member_labels_across_families, objective_labels_across_families
from families.selectors import TimelineEntry, family_rules
from families.timeline import Source, as_date, rows
from pippi_portal import compiled
from pippi_portal.formatting import format_minutes, format_number
from pippi_portal.query_batch import gather

from .models import (
    Activity,
    Attendance,
    BudgetLine,
    CostItem,
    Group,
    GroupSession,
    Intervention,
    Pairing,
    ParentingEvent,
    TimeEntry,
    Timesheet,
    ValidatedMinutes,
)

HOURS = Decimal("0.1")
CENTS = Decimal("0.01")


def hours_of(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(HOURS, ROUND_HALF_UP)


def get_intervention_for(user: User, pk: int) -> Intervention:
    return get_object_or_404(Intervention.objects.visible_to(user).select_related("family", "type"), pk=pk)


def get_group_for(user: User, pk: int) -> Group:
    return get_object_or_404(Group.objects.visible_to(user).select_related("type", "project"), pk=pk)


def get_parenting_event_for(user: User, pk: int) -> ParentingEvent:
    return get_object_or_404(ParentingEvent.objects.visible_to(user).select_related("project"), pk=pk)


def get_timesheet_for(user: User, pk: int) -> Timesheet:
    return get_object_or_404(
        Timesheet.objects.visible_to(user).select_related("user__organisation", "project", "validated_by"), pk=pk
    )


# --- What a person may record hours on -------------------------------------------------------------------------


def project_for(user: User, day: datetime.date) -> Project | None:
    """The project the user's ambito takes part in (as lead or associated) that covers the day (the latest
    started, if several), leaving out a project concluded before the day."""
    return Project.objects.of_ambito(user.ambito_id).active_on(day).taking_hours_on(day).order_by("-start_date").first()


def families_for_hours(user: User, day: datetime.date):
    """Families a professional may log hours for on a day: assigned to one of their interventions active
    that day, or a member of the family's équipe while the family is on its path."""
    assigned = Intervention.objects.active_on(day).filter(assigned_users=user).values("family_id")
    return Family.objects.filter(ambito_id=user.ambito_id).filter(
        Q(pk__in=assigned) | Q(team__user=user, state__in=PATH_STATES)
    )


def groups_for_hours(user: User):
    return Group.objects.filter(ambito_id=user.ambito_id, facilitators=user)


def hours_first_day(user: User) -> datetime.date:
    """The first day a person may record hours on: the configured earliest date (HOURS_EARLIEST_DATE), or the
    start of the first project of their ambito when that is later."""
    starts = compiled.rows(  # the earliest start: SQL compiled once per ambito and process (issue 16)
        ("first-project", user.ambito_id),
        lambda: Project.objects.of_ambito(user.ambito_id).order_by("start_date").values_list("start_date")[:1],
    )
    return max(settings.HOURS_EARLIEST_DATE, starts[0][0] if starts else settings.HOURS_EARLIEST_DATE)


def day_warning_minutes() -> int:
    """Above this a day is flagged (HOURS_DAY_WARNING): not refused, shown to the person and the validator."""
    return round(settings.HOURS_DAY_WARNING * 60)


# --- The weekly grid ---------------------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class GridRow:
    key: str  # activity:family-or-group id, as posted by the grid cells
    label: str
    activity: str
    family_id: int | None = None
    group_id: int | None = None
    cells: list[dict] = field(default_factory=list)
    total_minutes: int = 0
    title: str = ""  # the row's header in two parts, so that a narrow screen can stack them (the label is whole)
    detail: str = ""


@dataclass
class WeekGrid:
    rows: list[GridRow]
    days: list[datetime.date]
    totals: dict[datetime.date, int]  # minutes per day
    first_day: datetime.date  # before it no hours are recorded (`hours_first_day`)


def week_grid(user: User, start: datetime.date, first_day: datetime.date | None = None) -> WeekGrid:
    """Rows (families × activity, groups, general activities) by days of the week, with the user's minutes.
    Cells of a confirmed or validated month, of a day to come or before the first day of hours (`first_day`,
    read with `hours_first_day` unless the caller has it) are locked. Four queries whatever the number of
    families, five without `first_day`."""
    days = [start + datetime.timedelta(days=i) for i in range(7)]
    end = days[-1]
    # The grid's reads run SQL compiled once per user and process (`pippi_portal.compiled`, issue 16).
    key = ("week-grid", user.scope_key)
    families = compiled.rows((key, "families"), lambda first, last: _families_in_week(user, first, last), start, end)
    groups = compiled.rows(
        (key, "groups"), lambda: groups_for_hours(user).order_by("name").values_list("pk", "name", "module_number")
    )
    rows: list[GridRow] = []
    for pk, code in families:
        for activity, what in (
            (Activity.DIRETTA_FAMIGLIA, _("attività diretta")),
            (Activity.RIUNIONE_EM, _("riunione EM")),
        ):
            rows.append(
                GridRow(f"{activity}:{pk}", f"{code} · {what}", activity, family_id=pk, title=code, detail=what)
            )
    for pk, name, module in groups:
        module_text = f"{_('modulo')} {module}"
        rows.append(
            GridRow(
                f"{Activity.GRUPPO}:{pk}",
                f"{name} ({module_text})",
                Activity.GRUPPO,
                group_id=pk,
                title=name,
                detail=module_text,
            )
        )
    for activity in (Activity.COORDINAMENTO, Activity.DOCUMENTAZIONE, Activity.FORMAZIONE, Activity.SUPERVISIONE):
        label = Activity(activity).label
        rows.append(GridRow(f"{activity}:", label, activity, title=label))
    entries = compiled.rows(
        (key, "entries"),
        lambda first, last: TimeEntry.objects.filter(user=user, date__range=(first, last)).values(
            "date", "activity", "family_id", "group_id", "minutes"
        ),
        start,
        end,
    )
    minutes = {(e["activity"], e["family_id"] or e["group_id"] or None, e["date"]): e["minutes"] for e in entries}
    # The week's one or two months (a timesheet's month is its first day).
    states = dict(
        compiled.rows(
            (key, "months"),
            lambda first, last: Timesheet.objects.filter(user=user, month__range=(first, last)).values_list(
                "month", "state"
            ),
            start.replace(day=1),
            end.replace(day=1),
        )
    )
    today = timezone.localdate()
    first_day = first_day or hours_first_day(user)
    for row in rows:
        target = row.family_id or row.group_id or None
        for day in days:
            value = minutes.get((row.activity, target, day), 0)
            state = states.get(day.replace(day=1), Timesheet.State.BOZZA)
            locked = state != Timesheet.State.BOZZA or not first_day <= day <= today
            row.cells.append({"date": day, "minutes": value, "locked": locked})
            row.total_minutes += value
    totals = {day: sum(r.cells[i]["minutes"] for r in rows) for i, day in enumerate(days)}
    return WeekGrid(rows, days, totals, first_day)


def week_cell_totals(
    user: User, day: datetime.date, activity: str, family_id: int | None, group_id: int | None
) -> dict[str, int]:
    """The totals the grid shows around a cell just saved, in minutes: its row over the week (`row`), its day
    (`day`) and the whole week (`week`). One query."""
    start = week_start(day)
    totals = TimeEntry.objects.filter(user=user, date__range=(start, start + datetime.timedelta(days=6))).aggregate(
        row=Sum("minutes", filter=Q(activity=activity, family_id=family_id, group_id=group_id)),
        day=Sum("minutes", filter=Q(date=day)),
        week=Sum("minutes"),
    )
    return {name: minutes or 0 for name, minutes in totals.items()}


def long_days(minutes_by_day: dict[datetime.date, int]) -> list[tuple[datetime.date, int]]:
    """The days whose total passes the warning threshold (HOURS_DAY_WARNING), in order, with their minutes:
    not refused, shown to the person on the grid and to the validator on the timesheet."""
    warning = day_warning_minutes()
    return sorted((day, minutes) for day, minutes in minutes_by_day.items() if minutes > warning)


def _families_in_week(user: User, start: datetime.date, end: datetime.date):
    """(pk, code) of families the user may log hours for on any day of the week."""
    assigned = Intervention.objects.active_between(start, end).filter(assigned_users=user).values("family_id")
    return (
        Family.objects.filter(ambito_id=user.ambito_id)
        .filter(Q(pk__in=assigned) | Q(team__user=user, state__in=PATH_STATES))
        .distinct()
        .order_by("code")
        .values_list("pk", "code")
    )


def parse_hours(text: str) -> int:
    """'1,5' or '1.5' or '1:30' -> 90 minutes. Raises ValueError with an Italian message."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return 0
    try:
        if ":" in text:
            hours, _sep, mins = text.partition(":")
            if not all(part.isascii() and part.isdigit() for part in (hours or "0", mins or "0")):
                raise ValueError  # no sign: "-0:30" is not half an hour
            value = int(hours or 0) * 60 + int(mins or 0)
            if not 0 <= int(mins or 0) < 60:
                raise ValueError
        else:
            value = int((Decimal(text.replace(",", ".")) * 60).quantize(Decimal(1), ROUND_HALF_UP))
    except (ArithmeticError, ValueError) as error:
        raise ValueError(_("Scrivi le ore come 1,5 oppure 1:30.")) from error
    if not 0 <= value <= 24 * 60:
        raise ValueError(_("Le ore di un giorno vanno da 0 a 24."))
    return value


# --- SEDT: the project's weekly minimum (8 hours in 001) -------------------------------------------------


def sedt_threshold(planned_hours_per_week: Decimal, exception_reason: str, rules: ProjectRules) -> Decimal:
    """The weekly hours a delivered week is checked against: the project's minimum, or the planned hours of a
    reasoned exception where the project allows exceptions."""
    minimum = rules.sedt_minimum_weekly_hours
    if rules.sedt_exception_allowed and exception_reason.strip() and planned_hours_per_week < minimum:
        return planned_hours_per_week
    return minimum


def _sedt_rules(minimum: Decimal | None, exception_allowed: bool | None) -> ProjectRules:
    """The SEDT rules from a row that read them through the family's implementation (None: no project)."""
    if minimum is None:
        return DEFAULT_RULES
    return ProjectRules(sedt_minimum_weekly_hours=minimum, sedt_exception_allowed=bool(exception_allowed))


_SEDT_RULE_COLUMNS = (
    "family__implementation__project__sedt_minimum_weekly_hours",
    "family__implementation__project__sedt_exception_allowed",
)


def sedt_educators_without_mooc(family: Family) -> list[User]:
    """The educators assigned to the family's educational interventions who had not done the programme's MOOC by
    the intervention's start (001: "preventivamente formati seguendo la formazione online MOOC"). One query."""
    trained = StaffTraining.objects.filter(
        user=OuterRef("user_id"), is_programme_mooc=True, completed_on__lte=OuterRef("intervention__start_date")
    )
    untrained = (
        Intervention.assigned_users.through.objects.filter(
            intervention__family=family, intervention__type__code="sedt", user__profile=Profile.EDUCATORE
        )
        .filter(~Exists(trained))
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=untrained).order_by("last_name", "first_name"))


@dataclass
class SedtWeek:
    week: datetime.date
    hours: Decimal
    threshold: Decimal
    minutes: int = 0  # the same hours, as shown (h:mm)

    @property
    def below_minimum(self) -> bool:
        return self.hours < self.threshold


def sedt_weeks(family: Family, today: datetime.date | None = None) -> list[SedtWeek]:
    """Each completed week of the family's educational intervention with the hours delivered (EM meetings
    included), checked against the project's minimum (or the planned hours of an allowed exception). Two
    queries (the family's project comes with the family, see `get_family_for`)."""
    today = today or timezone.localdate()
    current_week = week_start(today)
    spans = list(
        Intervention.objects.filter(family=family, type__code="sedt").values_list(
            "start_date", "end_date", "planned_hours_per_week", "sedt_exception_reason"
        )
    )
    if not spans:
        return []
    delivered = dict(
        TimeEntry.objects.filter(family=family, intervention__type__code="sedt")
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(minutes=Sum("minutes"))
        .values_list("week", "minutes")
    )
    weeks = []
    rules = family_rules(family)
    for start, end, planned, reason in spans:
        threshold = sedt_threshold(planned, reason, rules)
        # Whole weeks only: from the first Monday on or after the start.
        week = week_start(start) + (datetime.timedelta(days=7) if start.weekday() else datetime.timedelta())
        last = min(end or today, today)
        while week + datetime.timedelta(days=6) <= last and week < current_week:
            minutes = delivered.get(week, 0)
            weeks.append(SedtWeek(week, hours_of(minutes), threshold, minutes))
            week += datetime.timedelta(days=7)
    return sorted(weeks, key=lambda w: w.week)


def sedt_flagged_families(families, today: datetime.date | None = None, weeks: int = 4) -> list[dict]:
    """Families with an educational intervention active over the last `weeks` completed weeks, with the weeks
    among them delivered below the threshold: [{pk, code, weeks}]. Two queries."""
    today = today or timezone.localdate()
    last_week = week_start(today) - datetime.timedelta(days=7)
    first_week = last_week - datetime.timedelta(days=7 * (weeks - 1))
    active = {
        family_id: (code, sedt_threshold(planned, reason, _sedt_rules(minimum, allowed)))
        for family_id, code, planned, reason, minimum, allowed in (
            # Active throughout: on the first day of the first week and on the last day of the last.
            Intervention.objects.active_on(first_week)
            .active_on(last_week + datetime.timedelta(days=6))
            .filter(family__in=families, type__code="sedt")
            .values_list(
                "family_id", "family__code", "planned_hours_per_week", "sedt_exception_reason", *_SEDT_RULE_COLUMNS
            )
        )
    }
    if not active:
        return []
    rows = (
        TimeEntry.objects.filter(
            family_id__in=active,
            intervention__type__code="sedt",
            date__gte=first_week,
            date__lt=last_week + datetime.timedelta(days=7),
        )
        .annotate(week=TruncWeek("date"))
        .values("family_id", "week")
        .annotate(minutes=Sum("minutes"))
    )
    delivered = {(r["family_id"], r["week"]): r["minutes"] for r in rows}
    result = []
    for family_id, (code, threshold) in sorted(active.items(), key=lambda item: item[1][0]):
        mondays = [first_week + datetime.timedelta(days=7 * i) for i in range(weeks)]
        below = [m for m in mondays if hours_of(delivered.get((family_id, m), 0)) < threshold]
        if below:
            result.append({"pk": family_id, "code": code, "weeks": below})
    return result


# --- Budget -------------------------------------------------------------------------------------------------


def budget_projects_for(user: User):
    """The projects whose budget the user may set up: those led by the user's ambito (the lead's Ufficio di
    Piano sets up the whole project's budget; an associated ambito does not), every project for the admin."""
    projects = Project.objects.visible_to(user)
    return projects if user.is_admin_role else projects.filter(ambito_id=user.ambito_id)


def get_budget_project_for(user: User, pk: int) -> Project:
    return get_object_or_404(budget_projects_for(user), pk=pk)


def get_budget_line_for(user: User, pk: int) -> BudgetLine:
    return get_object_or_404(
        BudgetLine.objects.filter(project__in=budget_projects_for(user)).select_related("project"), pk=pk
    )


def get_cost_item_for(user: User, pk: int, *, to_change: bool = False) -> CostItem:
    """A cost item of a project the user sees (its document is read by everyone who reads the budget), or,
    `to_change`, of a project whose budget the user may set up."""
    projects = budget_projects_for(user) if to_change else Project.objects.visible_to(user)
    return get_object_or_404(CostItem.objects.filter(project__in=projects).select_related("project"), pk=pk)


def can_set_up_budget(user: User, project: Project) -> bool:
    """Whether the user may change the project's budget (the buttons of the budget page)."""
    return user.has_perm("interventions.change_budget") and (user.is_admin_role or project.ambito_id == user.ambito_id)


@dataclass
class ProfileBudget:
    profile: str
    label: str
    minimum_hours: Decimal
    hourly_cost: Decimal
    delivered_hours: Decimal
    percent: Decimal
    spent: Decimal
    forecast_hours: Decimal
    will_miss_minimum: bool
    pk: int | None = None
    planned_amount: Decimal = Decimal(0)  # minimum hours × hourly cost


@dataclass
class ProjectBudget:
    project: Project
    lines: list[ProfileBudget]
    observed_until: datetime.date | None
    pace_days: int
    elapsed_days: int
    remaining_days: int
    total_spent: Decimal
    spent_percent: Decimal
    total_minimum_amount: Decimal
    warnings: list[str]
    delivered_hours: Decimal = Decimal(0)  # the lines' validated hours together
    cost_items: list[CostItem] = field(default_factory=list)
    other_costs: Decimal = Decimal(0)  # the other cost items, all spent
    planned_total: Decimal = Decimal(0)  # the lines' minimums at their cost + the other cost items
    planned_percent: Decimal = Decimal(0)
    available: Decimal = Decimal(0)  # the financed amount not yet committed by lines or items
    spent_total: Decimal = Decimal(0)  # validated hours at their cost + the other cost items
    spent_total_percent: Decimal = Decimal(0)
    spent_remaining: Decimal = Decimal(0)  # the financed amount not yet spent
    # Minutes delivered per (ambito id of the professional, profile): the same query as the lines' hours, grouped
    # finer, for the per-ambito table of a project of several ambiti (`ambito_budgets_for`).
    minutes_by_ambito: dict[tuple[int | None, str], int] = field(default_factory=dict)
    # The calendar as it is today: the days from today to the project's end (0 once it is over), and the day it
    # ended when that is before today (its conclusion, or its end date while it is not formally concluded).
    days_to_end: int = 0
    ended_on: datetime.date | None = None
    # The caller's windows of `project_budget(windows=…)`, read in the same pass over the project's entries.
    minutes_in: dict[str, dict[tuple[int | None, str], int]] = field(default_factory=dict)

    @property
    def is_concluded(self) -> bool:
        """Formally concluded by the Ufficio di Piano (beside having passed its end date)."""
        return self.project.is_concluded


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(HOURS, ROUND_HALF_UP) if whole else Decimal(0)


def delivered_minutes_by_ambito(
    project: Project, since: datetime.date | None = None, until: datetime.date | None = None
) -> dict[tuple[int | None, str], int]:
    """Minutes delivered on a project per (ambito id, profile) of the professional who delivered them: eligible
    entries of validated timesheets, optionally between two dates (both included). One query."""
    entries = TimeEntry.objects.delivered().filter(timesheet__project=project)
    if since:
        entries = entries.filter(date__gte=since)
    if until:
        entries = entries.filter(date__lte=until)
    rows = entries.values("user__ambito", "user__profile").annotate(minutes=Sum("minutes")).order_by()
    return {(row["user__ambito"], row["user__profile"]): row["minutes"] for row in rows}


def by_profile(minutes_by_ambito: dict[tuple[int | None, str], int]) -> dict[str, int]:
    """Minutes per (ambito id, profile) added up per profile."""
    totals: dict[str, int] = {}
    for (_ambito, profile), minutes in minutes_by_ambito.items():
        totals[profile] = totals.get(profile, 0) + minutes
    return totals


def delivered_minutes_by_profile(
    project: Project, since: datetime.date | None = None, until: datetime.date | None = None
) -> dict[str, int]:
    """Minutes delivered on a project by professional profile, every ambito of the project together."""
    return by_profile(delivered_minutes_by_ambito(project, since, until))


@dataclass(frozen=True)
class Window:
    """A window of a project's delivered entries for `delivered_minutes_in`: the entries' dates from `since` to
    `until` (both included; either open) and, optionally, the code of the intervention type they must be on
    (`type_code`, e.g. "sedt")."""

    since: datetime.date | None = None
    until: datetime.date | None = None
    type_code: str | None = None

    def whole_months(self) -> tuple[datetime.date | None, datetime.date | None] | None:
        """(first, last) month wholly inside the window (None at an open end), or None when no month is."""
        first = self.since
        if first is not None and first.day != 1:
            first = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        last = self.until
        if last is not None:
            last = last.replace(day=1) if (last + datetime.timedelta(days=1)).day == 1 else _month_before(last)
        if first is not None and last is not None and first > last:
            return None
        return first, last

    def cut_days(self) -> list[tuple[datetime.date, datetime.date]]:
        """The window's days outside its whole months (in a month it cuts at either end, or every day when
        it holds no month whole): those are read from the entries themselves."""
        months = self.whole_months()
        if months is None:
            return [(self.since, self.until)]
        first, last = months
        days = []
        if self.since is not None and self.since != first:
            days.append((self.since, first - datetime.timedelta(days=1)))
        if self.until is not None and self.until != _month_end(last):
            days.append((_month_end(last) + datetime.timedelta(days=1), self.until))
        return days


def _month_before(day: datetime.date) -> datetime.date:
    """The first day of the month before `day`'s."""
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _month_end(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def delivered_minutes_in(project: Project, windows: dict[str, Window]) -> dict[str, dict[tuple[int | None, str], int]]:
    """Minutes delivered on a project per (ambito id, profile) of the professional who delivered them, for each
    named window of its delivered entries (`windows`: name -> a `Window`). One query whatever the number of
    windows: the budget page and the report read every figure of hours from it. A (ambito, profile) without
    entries in a window is not in that window's dict.

    The whole months are read from the summaries of the validated months (`ValidatedMinutes`, a few thousand
    rows for a project of tens of thousands of entries, kept by the database); the days of a month that a
    window cuts (a project starting mid-month) from the entries of the project's validated timesheets. The sums
    per (professional, intervention) are then looked up by their professional's ambito and profile and their
    intervention's type (child-protection services never count: `TimeEntryQuerySet.delivered`). Joining every
    user and intervention of the database instead made the query grow with the other ambiti's data
    (docs/benchmarks.md). `delivered_minutes_by_ambito` reads the same figures from the entries alone."""
    names = list(windows)
    # One column per distinct range of dates (a window and its SEDT-only twin share theirs).
    ranges: list[Window] = []
    for name in names:
        dates = Window(windows[name].since, windows[name].until)
        if dates not in ranges:
            ranges.append(dates)
    summary_columns, summary_params, entry_columns, entry_params, cut = [], [], [], [], []
    for index, dates in enumerate(ranges):
        months = dates.whole_months()
        if months is None:
            summary_columns.append(f"NULL::bigint AS w{index}")
        else:
            conditions = []
            for bound, operator in zip(months, (">=", "<="), strict=True):
                if bound is not None:
                    conditions.append(f"v.month {operator} %s")
                    summary_params.append(bound)
            when = " AND ".join(conditions) or "TRUE"
            summary_columns.append(f"CASE WHEN {when} THEN v.minutes END AS w{index}")
        days = dates.cut_days()
        if days:
            when = " OR ".join(["e.date BETWEEN %s AND %s"] * len(days))
            entry_columns.append(f"CASE WHEN {when} THEN e.minutes END AS w{index}")
            entry_params.extend(day for pair in days for day in pair)
            cut.extend(days)
        else:
            entry_columns.append(f"NULL::bigint AS w{index}")
    summary, entries, sheets = ValidatedMinutes._meta.db_table, TimeEntry._meta.db_table, Timesheet._meta.db_table
    parts = [
        f"SELECT v.user_id, v.intervention_id, {', '.join(summary_columns)} FROM {summary} v WHERE v.project_id = %s"
    ]
    params = [*summary_params, project.pk]
    if cut:
        parts.append(
            f"SELECT e.user_id, e.intervention_id, {', '.join(entry_columns)} FROM {entries} e "
            f"JOIN {sheets} t ON t.id = e.timesheet_id WHERE t.project_id = %s AND t.state = %s AND e.eligible "
            f"AND ({' OR '.join(['e.date BETWEEN %s AND %s'] * len(cut))})"
        )
        params += [*entry_params, project.pk, Timesheet.State.VALIDATO, *(day for pair in cut for day in pair)]
    per_pair = ", ".join(f"SUM(x.w{index}) AS w{index}" for index in range(len(ranges)))
    sums, sum_params = [], []
    for name in names:
        column = f"pair.w{ranges.index(Window(windows[name].since, windows[name].until))}"
        if windows[name].type_code is None:
            sums.append(f"SUM({column})")
        else:
            sums.append(f"SUM({column}) FILTER (WHERE pair.type_code = %s)")
            sum_params.append(windows[name].type_code)
    users, interventions = User._meta.db_table, Intervention._meta.db_table
    types = Intervention._meta.get_field("type").related_model._meta.db_table
    # OFFSET 0 keeps the looked-up columns computed once per pair (not again inside each FILTER).
    sql = f"""
        SELECT pair.ambito_id, pair.profile, {", ".join(sums)}
        FROM (
            SELECT sums.*,
                (SELECT u.ambito_id FROM {users} u WHERE u.id = sums.user_id) AS ambito_id,
                (SELECT u.profile FROM {users} u WHERE u.id = sums.user_id) AS profile,
                (SELECT t.code FROM {interventions} i JOIN {types} t ON t.id = i.type_id
                    WHERE i.id = sums.intervention_id) AS type_code,
                (SELECT t.child_protection FROM {interventions} i JOIN {types} t ON t.id = i.type_id
                    WHERE i.id = sums.intervention_id) AS child_protection
            FROM (
                SELECT x.user_id, x.intervention_id, {per_pair}
                FROM ({" UNION ALL ".join(parts)}) x
                GROUP BY x.user_id, x.intervention_id
            ) sums
            OFFSET 0
        ) pair
        WHERE pair.intervention_id IS NULL OR NOT pair.child_protection
        GROUP BY 1, 2
    """  # table names and placeholders only; every value is a parameter
    found: dict[str, dict[tuple[int | None, str], int]] = {name: {} for name in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sum_params, *params])
        for ambito_id, profile, *values in cursor.fetchall():
            for name, value in zip(names, values, strict=True):
                if value is not None:
                    found[name][(ambito_id, profile)] = value
    return found


PACE_MONTHS = 6


def project_calendar(project: Project, today: datetime.date) -> tuple[int, datetime.date | None]:
    """(days from `today` to the project's last day, the day it ended if before `today`): the budget page's
    countdown is the calendar's, not the last validated month's."""
    last_day = project.last_day
    if last_day < today:
        return 0, last_day
    return (last_day - today).days, None


def budget_lines_of(project: Project) -> list[BudgetLine]:
    """The project's budget lines, in their order."""
    return compiled.rows("budget.lines", lambda project_id: BudgetLine.objects.filter(project=project_id), project.pk)


def project_budget(
    project: Project, today: datetime.date | None = None, *, windows: dict[str, Window] | None = None
) -> ProjectBudget:
    """Delivered hours vs minimum per profile, spending vs the amount, and the forecast at the current pace.

    Hours count when validated (eligible entries of validated timesheets), so everything is observed up to
    the last day of the latest validated month of the project. The current pace is the daily average of the
    hours delivered in the last six months of that observation (or since the project start, if shorter);
    the forecast adds pace × the days left to the project's end date. The other cost items count as spent
    and, with the lines' minimums at their cost, as committed against the financed amount. The days to the end
    that the page shows are counted from `today` (see `project_calendar`).

    Two rounds of queries: the lines, the last validated month and the cost items, then one pass over the
    project's entries (`delivered_minutes_in`) for the hours, the recent ones and the caller's `windows` (the
    report's, named other than `all` and `recent`, which land in `minutes_in`)."""
    days_to_end, ended_on = project_calendar(project, today or timezone.localdate())
    # Independent reads: one round trip inside a `gather` (the indicators), one query each elsewhere; compiled
    # once per process (`pippi_portal.compiled`).
    lines, last_month, cost_items = gather(
        lambda: budget_lines_of(project),
        lambda: compiled.aggregate(
            "budget.last_month",
            lambda project_id: (
                Timesheet.objects.filter(project=project_id, state=Timesheet.State.VALIDATO),
                {"last": Max("month")},
            ),
            project.pk,
        )["last"],
        lambda: compiled.rows(
            "budget.cost_items",
            lambda project_id: CostItem.objects.filter(project=project_id).order_by("date", "pk"),
            project.pk,
        ),
    )
    wanted = {"all": Window(), **(windows or {})}
    if last_month:
        next_month = (last_month + datetime.timedelta(days=32)).replace(day=1)
        observed_until = min(next_month - datetime.timedelta(days=1), project.end_date)
        day_after = observed_until + datetime.timedelta(days=1)
        pace_from = max(project.start_date, day_after - relativedelta(months=PACE_MONTHS))
        elapsed = (observed_until - project.start_date).days + 1
        pace_days = (observed_until - pace_from).days + 1
        remaining = max((project.end_date - observed_until).days, 0)
        wanted["recent"] = Window(since=pace_from)
    else:
        observed_until, elapsed, pace_days = None, 0, 0
        remaining = (project.end_date - project.start_date).days + 1
    minutes = delivered_minutes_in(project, wanted)
    minutes_by_ambito = minutes.pop("all")
    recent = by_profile(minutes.pop("recent", {}))
    delivered = by_profile(minutes_by_ambito)
    result_lines, warnings = [], []
    for line in lines:
        hours = Decimal(delivered.get(line.profile, 0)) / 60
        pace = Decimal(recent.get(line.profile, 0)) / 60 / pace_days if pace_days else Decimal(0)
        forecast = (hours + pace * remaining).quantize(HOURS, ROUND_HALF_UP)
        minimum = Decimal(line.minimum_hours)
        budget = ProfileBudget(
            profile=line.profile,
            label=Profile(line.profile).label,
            minimum_hours=minimum,
            hourly_cost=line.hourly_cost,
            delivered_hours=hours.quantize(HOURS, ROUND_HALF_UP),
            percent=_percent(hours, minimum),
            spent=(hours * line.hourly_cost).quantize(Decimal("0.01"), ROUND_HALF_UP),
            forecast_hours=forecast,
            will_miss_minimum=forecast < minimum,
            pk=line.pk,
            planned_amount=line.amount,
        )
        if budget.will_miss_minimum and observed_until:
            warnings.append(
                _("%(profile)s: al ritmo attuale si arriva a %(forecast)s ore su un minimo di %(minimum)s.")
                % {
                    "profile": budget.label,
                    "forecast": format_number(forecast, None),
                    "minimum": format_number(line.minimum_hours, 0),
                }
            )
        result_lines.append(budget)
    total_spent = sum((b.spent for b in result_lines), Decimal(0))
    total_minimum_amount = sum((line.amount for line in lines), Decimal(0))
    other_costs = sum((item.amount for item in cost_items), Decimal(0))
    planned_total = total_minimum_amount + other_costs
    if planned_total > project.amount:
        # Only a lowered financed amount gets here (the lines and items cannot pass it): say by how much.
        warnings.append(
            _("Il budget previsto supera di € %(excess)s l'importo finanziato: riduci le voci o aggiorna l'importo.")
            % {"excess": format_number(planned_total - project.amount, 2)}
        )
    spent_total = total_spent + other_costs
    return ProjectBudget(
        project=project,
        lines=result_lines,
        observed_until=observed_until,
        pace_days=pace_days,
        elapsed_days=elapsed,
        remaining_days=remaining,
        total_spent=total_spent,
        spent_percent=_percent(total_spent, project.amount),
        total_minimum_amount=total_minimum_amount,
        warnings=warnings,
        delivered_hours=hours_of(sum(delivered.get(line.profile, 0) for line in lines)),
        cost_items=cost_items,
        other_costs=other_costs,
        planned_total=planned_total,
        planned_percent=_percent(planned_total, project.amount),
        available=project.amount - planned_total,
        spent_total=spent_total,
        spent_total_percent=_percent(spent_total, project.amount),
        spent_remaining=project.amount - spent_total,
        minutes_by_ambito=minutes_by_ambito,
        days_to_end=days_to_end,
        ended_on=ended_on,
        minutes_in=minutes,
    )


@dataclass
class AmbitoLineFigures:
    """A staff line's validated hours and spending inside one ambito of the project."""

    label: str
    delivered_hours: Decimal
    spent: Decimal


@dataclass
class AmbitoBudget:
    """One ambito of a project of several ambiti: the validated hours of its professionals on each staff line of
    the project and what they cost at the line's hourly cost."""

    name: str
    code: str
    lead: bool
    lines: list[AmbitoLineFigures]
    delivered_hours: Decimal
    spent: Decimal


def ambito_budgets_for(user: User, budget: ProjectBudget) -> list[AmbitoBudget]:
    """The budget of a project of several ambiti, ambito by ambito (the lead first, then the associated ones by
    name), as far as the user may see it: every ambito for the administrator and the lead ambito's users (the
    lead's Ufficio di Piano runs the whole project), their own ambito for an associated ambito's users. Empty for
    a project of one ambito. One query (the ambiti); the hours are the budget's, grouped by ambito."""
    project = budget.project
    ambiti = sorted(project.ambiti(), key=lambda a: (a.pk != project.ambito_id, a.name))
    if len(ambiti) < 2:
        return []
    if not (user.is_admin_role or project.is_led_by(user)):
        ambiti = [a for a in ambiti if a.pk == user.ambito_id]
    rows = []
    for ambito in ambiti:
        minutes = {line.profile: budget.minutes_by_ambito.get((ambito.pk, line.profile), 0) for line in budget.lines}
        lines = [
            AmbitoLineFigures(
                label=line.label,
                delivered_hours=hours_of(minutes[line.profile]),
                spent=(Decimal(minutes[line.profile]) / 60 * line.hourly_cost).quantize(CENTS, ROUND_HALF_UP),
            )
            for line in budget.lines
        ]
        rows.append(
            AmbitoBudget(
                name=ambito.name,
                code=ambito.code,
                lead=ambito.pk == project.ambito_id,
                lines=lines,
                delivered_hours=hours_of(sum(minutes.values())),
                spent=sum((line.spent for line in lines), Decimal(0)),
            )
        )
    return rows


# --- A group's attendance ---------------------------------------------------------------------------------------


@dataclass
class GroupAttendance:
    sessions: list[GroupSession]
    grid: list[dict]  # per participant: member_id, label, cells [{session, present}]
    family_ids: set[int]  # the families whose people the grid shows


def group_participants_for(user: User, group: Group):
    """The participants of a group (as found by `get_group_for`) whose presence the user sees: those of the
    families the user may see; for the partner's referent, who sees no family but runs the group of its
    organisation, every participant (shown to it by code and pseudonym only, never by name)."""
    if user.role == Role.REFERENTE_ENTE:
        return group.participants.all()
    return group.participants.filter(family__in=Family.objects.visible_to(user))


def group_attendance(user: User, group: Group) -> GroupAttendance:
    """The group's sessions and, for each participant the user sees (`group_participants_for`, named through
    `families.pseudonymisation`), whether they were present at each."""
    sessions = list(group.sessions.prefetch_related(Prefetch("attendances", queryset=Attendance.objects.all())))
    participants = group_participants_for(user, group)
    labels = member_labels_across_families(user, participants.order_by("family__code", "kind", "birth_date", "pk"))
    present = {(a.session_id, a.member_id) for session in sessions for a in session.attendances.all() if a.present}
    grid = [
        {
            "member_id": member_id,
            "label": label,
            "cells": [{"session": s, "present": (s.pk, member_id) in present} for s in sessions],
        }
        for member_id, label in labels.items()
    ]
    return GroupAttendance(sessions, grid, set(participants.values_list("family_id", flat=True)))


@dataclass
class GroupObjectives:
    labels: list[str]
    family_ids: set[int]  # the families whose objectives the labels show


def group_objective_labels(user: User, group: Group) -> GroupObjectives:
    """The Progetto Quadro objectives the group serves, of the families the user may see, labelled through
    `families.pseudonymisation` (no names for the roles that see families pseudonymised)."""
    objectives = group.objectives.filter(plan__family__in=Family.objects.visible_to(user)).order_by(
        "plan__family__code", "subdimension__side__number", "subdimension__order", "pk"
    )
    labels = objective_labels_across_families(user, objectives)
    return GroupObjectives(list(labels.values()), set(objectives.values_list("plan__family_id", flat=True)))


# --- What a family received ------------------------------------------------------------------------------------


def family_hours_by_activity(family: Family) -> list[dict]:
    return list(
        TimeEntry.objects.filter(family=family)
        .values("activity")
        .annotate(minutes=Sum("minutes"), people=Count("user", distinct=True))
        .order_by("activity")
    )


def family_group_attendance(family: Family) -> list[dict]:
    """For each group a member of the family takes part in: sessions held and sessions attended."""
    return list(
        GroupSession.objects.filter(group__participants__family=family)
        .values("group_id", "group__name", "group__module_number")
        .annotate(
            held=Count("pk", distinct=True),
            attended=Count(
                "attendances",
                filter=Q(attendances__present=True, attendances__member__family=family),
                distinct=True,
            ),
        )
        .order_by("group__name")
    )


def _timeline_annotations(user: User) -> dict:
    """Interventions, group sessions attended and hours by month, read with the family (see `families.timeline`)."""
    family = OuterRef("pk")
    present = Q(attendances__member__family=family, attendances__present=True)
    return {
        "interventions_list": rows(
            Intervention.objects.filter(family=family).order_by("-start_date", "pk"),
            start_date="start_date",
            end_date="end_date",
            type="type__name",
            hours=Cast("planned_hours_per_week", TextField()),  # as text: exactly the stored decimal
        ),
        "interventions_sessions": rows(
            GroupSession.objects.filter(present)
            .values("date", "group__name")
            .annotate(present=Count("attendances", filter=present))
            .order_by("date", "group__name"),
            date="date",
            group="group__name",
            present="present",
        ),
        "interventions_months": rows(
            TimeEntry.objects.filter(family=family)
            .annotate(month=TruncMonth("date", output_field=DateField()))  # not through the timesheet: no join
            .values("month")
            .annotate(minutes=Sum("minutes"))
            .order_by("month"),
            month=Cast("month", DateField()),
            minutes="minutes",
        ),
    }


def _timeline_entries(user: User, family: Family) -> list[TimelineEntry]:
    entries = []
    for row in family.interventions_list:
        hours = format_number(row["hours"], None)
        entries.append(
            TimelineEntry(
                as_date(row["start_date"]),
                _("Avvio: %(t)s") % {"t": row["type"]},
                _("%(h)s ore/settimana previste") % {"h": hours},
                kind="intervention",
            )
        )
        if row["end_date"]:
            entries.append(
                TimelineEntry(as_date(row["end_date"]), _("Fine: %(t)s") % {"t": row["type"]}, kind="intervention")
            )
    for row in family.interventions_sessions:
        entries.append(
            TimelineEntry(
                as_date(row["date"]),
                _("Incontro di gruppo: %(g)s") % {"g": row["group"]},
                ngettext("%(n)d presente della famiglia", "%(n)d presenti della famiglia", row["present"])
                % {"n": row["present"]},
                kind="group",
            )
        )
    for row in family.interventions_months:
        entries.append(
            TimelineEntry(
                as_date(row["month"]),
                _("Ore dedicate nel mese"),
                _("%(h)s h") % {"h": format_minutes(row["minutes"])},
                kind="hours",
            )
        )
    return entries


# Registered on the family's timeline by this app's AppConfig.
family_timeline_entries = Source(annotations=_timeline_annotations, entries=_timeline_entries, monthly_kinds=("hours",))


def family_pairings(family: Family):
    return Pairing.objects.filter(family=family).select_related("support_family")
