"""Workflows of interventions and hours: recording time on the weekly grid, the monthly timesheet's
confirmation, validation and reopening, attendance, and the setting up of a project's budget."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equipes.models import Project, Role, User
from families.models import Family
from pippi_portal import compiled

from .models import (
    BUDGET_CEILING_CONSTRAINT,
    DAY_CEILING_CONSTRAINT,
    DAY_CEILING_MINUTES,
    FAMILY_ACTIVITIES,
    Activity,
    Attendance,
    BudgetLine,
    CostItem,
    Group,
    GroupSession,
    Intervention,
    TimeEntry,
    Timesheet,
    TimesheetLog,
    budget_committed,
    budget_excess_message,
    day_ceiling_message,
    day_lock_key,
    month_start,
)
from .models.groups import GROUP_OBJECTIVES_RULE
from .selectors import families_for_hours, groups_for_hours, hours_first_day, project_for


class HoursRefused(Exception):
    """A change of hours that is not allowed; the message says why, in Italian."""


def month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def timesheet_for(user: User, day: datetime.date) -> Timesheet:
    timesheet, _created = Timesheet.objects.get_or_create(
        user=user, month=month_start(day), defaults={"project": project_for(user, day)}
    )
    return timesheet


def _check_day(user: User, day: datetime.date) -> None:
    if day > timezone.localdate():
        raise HoursRefused(_("Non si registrano ore per giorni futuri."))
    first = hours_first_day(user)
    if day < first:
        raise HoursRefused(_("Le ore si registrano dal %(first)s in poi.") % {"first": f"{first:%d/%m/%Y}"})


def project_concluded_message(project: Project, day: datetime.date) -> str:
    return _(
        "Il progetto %(project)s si è concluso il %(end)s: non prende ore del %(day)s. "
        "Le ore successive vanno sul progetto che lo segue."
    ) % {"project": project.title, "end": f"{project.concluded_on:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"}


def _check_project_takes_hours(family: Family, day: datetime.date) -> Project | None:
    """A family of a concluded project takes no hours after the conclusion (until it is carried over). Returns
    the family's project (None for a family in no implementation); read it with the family."""
    project = family.implementation.project if family.implementation_id else None
    if project is not None and not project.takes_hours_on(day):
        raise HoursRefused(project_concluded_message(project, day))
    return project


def hours_charged_to_project(
    *, timesheet: Timesheet, day: datetime.date, family: Family | None = None, family_project: Project | None = None
) -> bool:
    """Whether hours dated `day` are charged to the timesheet's project: there is one, the day is inside its
    dates (to its conclusion, or to its end date while it is not formally concluded), and hours for a family
    are for a family of that project (or of no project). Hours outside are kept, and not charged.
    `family_project` is the family's project when the caller has already read it (no query then)."""
    project = timesheet.project
    if project is None or not project.start_date <= day <= project.last_day:
        return False
    if family is None or family.implementation_id is None:
        return True
    project_id = family_project.pk if family_project is not None else family.implementation.project_id
    return project_id == project.pk


def _lock_hours_of(user: User) -> None:
    """Serialise the writes of one person's hours until the transaction ends: the day's total read next is
    then the one the write will meet (the database's ceiling trigger takes the same lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [day_lock_key(user.pk)])


def _is_day_ceiling(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == DAY_CEILING_CONSTRAINT


def intervention_for_hours(*, user: User, family: Family, day: datetime.date) -> Intervention | None:
    """The intervention a person's hours for a family on a day belong to: their active one for the family,
    those of the PNRR project before the child-protection services (002), SEDT first. Hours that land on a
    child-protection service are never PNRR-eligible."""

    def interventions(on: datetime.date, family_id: int):
        return (
            Intervention.objects.active_on(on)
            .filter(family_id=family_id, assigned_users=user)
            .select_related("type")
            .order_by("type__child_protection", "-start_date", "pk")
        )

    # SQL compiled once per person and process (`pippi_portal.compiled`, issue 16).
    found = compiled.rows(
        ("hours-intervention-sedt", user.pk),
        lambda on, pk: interventions(on, pk).filter(type__code="sedt")[:1],
        day,
        family.pk,
    ) or compiled.rows(("hours-intervention", user.pk), lambda on, pk: interventions(on, pk)[:1], day, family.pk)
    return found[0] if found else None


def time_entry_set(
    *,
    user: User,
    day: datetime.date,
    activity: str,
    minutes: int,
    family: Family | None = None,
    group: Group | None = None,
    note: str = "",
) -> TimeEntry | None:
    """Set the minutes of one cell of the weekly grid (0 removes it). Saving the same cell twice updates
    it: there is one row per user, day, activity and family or group.

    Refused, with nothing written (not even the month's timesheet): a day in the future or before the first
    day of hours (`hours_first_day`), a confirmed or validated month, and a day whose total would pass 24
    hours. The total is read under a lock on the person's hours, so two concurrent saves cannot both pass;
    the database's trigger refuses it too, whatever the code path."""
    if activity not in Activity.values:
        raise HoursRefused(_("Attività sconosciuta."))
    if not 0 <= minutes <= DAY_CEILING_MINUTES:
        raise HoursRefused(_("Le ore di un giorno vanno da 0 a 24."))
    _check_day(user, day)
    if activity in FAMILY_ACTIVITIES:
        # The family, if the user may record hours for it, read with its project (one query).
        found = (
            compiled.rows(
                ("hours-family", user.scope_key),
                lambda on, pk: (
                    families_for_hours(user, on)
                    .filter(pk=pk)
                    .select_related("implementation__project")
                    .order_by("pk")[:1]
                ),
                day,
                family.pk,
            )
            if family is not None
            else []
        )
        allowed = found[0] if found else None
        if allowed is None:
            raise HoursRefused(_("Puoi registrare ore solo per le famiglie a cui sei assegnato."))
        family_project = _check_project_takes_hours(allowed, day)
        group = None
    elif activity == Activity.GRUPPO:
        if group is None or not groups_for_hours(user).filter(pk=group.pk).exists():
            raise HoursRefused(_("Puoi registrare ore solo per i gruppi che conduci."))
        family = None
    else:
        family = group = None
    if family is None:
        family_project = None
    key = {"user": user, "date": day, "activity": activity, "family": family, "group": group}
    try:
        with transaction.atomic():
            _lock_hours_of(user)
            found = compiled.rows(
                ("timesheet-for-update", user.pk),
                lambda month: (
                    Timesheet.objects.select_for_update(of=("self",))
                    .select_related("project")
                    .filter(user=user, month=month)
                    .order_by("pk")[:1]
                ),
                month_start(day),
            )
            timesheet = found[0] if found else None
            if timesheet is not None and timesheet.state == Timesheet.State.VALIDATO:
                raise HoursRefused(
                    _("Il mese di %(month)s è validato: le ore non si possono modificare. Chiedi la riapertura.")
                    % {"month": month_label(timesheet.month)}
                )
            if timesheet is not None and timesheet.state == Timesheet.State.CONFERMATO:
                raise HoursRefused(
                    _("Hai confermato il mese di %(month)s: annulla la conferma per modificare le ore.")
                    % {"month": month_label(timesheet.month)}
                )
            # The cell's entry: the family or group that is None is part of the key, the other an argument.
            target = {"family_id": family.pk} if family else {"group_id": group.pk} if group else {}
            nulls = {name: None for name in ("family_id", "group_id") if name not in target}
            found = compiled.rows(
                ("hours-cell", user.pk, activity, *target),
                lambda on, *ids: TimeEntry.objects.filter(
                    user=user, date=on, activity=activity, **dict(zip(target, ids, strict=True)), **nulls
                ).order_by("pk")[:1],
                day,
                *target.values(),
            )
            current = found[0] if found else None
            if minutes == 0:
                if current is not None:
                    current.delete()
                return None
            total = TimeEntry.objects.minutes_on(user.pk, day, excluding_pk=current.pk if current else None) + minutes
            if total > DAY_CEILING_MINUTES:
                raise HoursRefused(day_ceiling_message(day, total))
            if timesheet is None:
                timesheet = timesheet_for(user, day)
            if timesheet.project is not None and not timesheet.project.takes_hours_on(day):
                raise HoursRefused(project_concluded_message(timesheet.project, day))
            intervention = intervention_for_hours(user=user, family=family, day=day) if family else None
            charged = hours_charged_to_project(
                timesheet=timesheet, day=day, family=family, family_project=family_project
            )
            values = {
                "timesheet": timesheet,
                "minutes": minutes,
                "intervention": intervention,
                "note": note,
                "eligible": charged and (intervention is None or not intervention.type.child_protection),
            }
            # The cell's row was read under the lock above: updated in place, or created.
            if current is None:
                entry = TimeEntry.objects.create(**key, **values)
            else:
                for name, value in values.items():
                    setattr(current, name, value)
                current.save(update_fields=[*values, "updated_at"])
                entry = current
    except IntegrityError as error:
        if not _is_day_ceiling(error):
            raise
        # Only a writer that did not take the lock gets here: the same words, with the day's total as it is
        # now (the cell's write was rolled back).
        current = TimeEntry.objects.filter(**key).first()
        total = TimeEntry.objects.minutes_on(user.pk, day, excluding_pk=current.pk if current else None) + minutes
        raise HoursRefused(day_ceiling_message(day, total)) from error
    return entry


def _log(timesheet: Timesheet, kind: str, by: User, reason: str = "") -> None:
    TimesheetLog.objects.create(timesheet=timesheet, kind=kind, by=by, reason=reason)


def _locked(timesheet: Timesheet) -> Timesheet:
    return Timesheet.objects.select_for_update().get(pk=timesheet.pk)


def timesheet_confirm(*, timesheet: Timesheet, by: User) -> Timesheet:
    """The professional confirms their month."""
    with transaction.atomic():
        sheet = _locked(timesheet)
        if sheet.user_id != by.pk:
            raise HoursRefused(_("Solo l'operatore può confermare il proprio foglio ore."))
        if sheet.state != Timesheet.State.BOZZA:
            raise HoursRefused(_("Il foglio ore è già %(state)s.") % {"state": sheet.get_state_display().lower()})
        if sheet.month > month_start(timezone.localdate()):
            raise HoursRefused(_("Un mese futuro non si può confermare."))
        sheet.state, sheet.confirmed_at = Timesheet.State.CONFERMATO, timezone.now()
        sheet.save(update_fields=["state", "confirmed_at"])
        _log(sheet, TimesheetLog.Kind.CONFERMA, by)
    return sheet


def timesheet_withdraw(*, timesheet: Timesheet, by: User) -> Timesheet:
    """The professional takes back a confirmation not yet validated, to correct the month."""
    with transaction.atomic():
        sheet = _locked(timesheet)
        if sheet.user_id != by.pk or sheet.state != Timesheet.State.CONFERMATO:
            raise HoursRefused(_("Si può annullare solo la propria conferma non ancora validata."))
        sheet.state, sheet.confirmed_at = Timesheet.State.BOZZA, None
        sheet.save(update_fields=["state", "confirmed_at"])
        _log(sheet, TimesheetLog.Kind.ANNULLA_CONFERMA, by)
    return sheet


def can_validate(user: User, timesheet: Timesheet) -> bool:
    """The organisation's referent validates its staff; the Ufficio di Piano validates the ambito's."""
    if timesheet.user_id == user.pk:
        return False
    if user.is_admin_role:
        return True
    staff = timesheet.user
    if staff.ambito_id != user.ambito_id:
        return False
    if user.role == Role.UFFICIO_PIANO:
        return True
    return user.role == Role.REFERENTE_ENTE and staff.organisation_id == user.organisation_id


def timesheet_validate(*, timesheet: Timesheet, by: User) -> Timesheet:
    with transaction.atomic():
        sheet = _locked(timesheet)
        if not can_validate(by, sheet):
            raise HoursRefused(_("Non puoi validare il foglio ore di questa persona."))
        if sheet.state != Timesheet.State.CONFERMATO:
            raise HoursRefused(_("Si valida solo un foglio ore confermato dall'operatore."))
        sheet.state, sheet.validated_by, sheet.validated_at = Timesheet.State.VALIDATO, by, timezone.now()
        sheet.save(update_fields=["state", "validated_by", "validated_at"])
        _log(sheet, TimesheetLog.Kind.VALIDAZIONE, by)
    return sheet


def timesheet_reopen(*, timesheet: Timesheet, by: User, reason: str) -> Timesheet:
    """Unlock a validated month so that its owner can correct it; the reason is logged."""
    with transaction.atomic():
        sheet = _locked(timesheet)
        if not can_validate(by, sheet):
            raise HoursRefused(_("Non puoi riaprire il foglio ore di questa persona."))
        if sheet.state != Timesheet.State.VALIDATO:
            raise HoursRefused(_("Si riapre solo un foglio ore validato."))
        if not reason.strip():
            raise HoursRefused(_("Scrivi il motivo della riapertura."))
        sheet.state = Timesheet.State.BOZZA
        sheet.confirmed_at = sheet.validated_at = sheet.validated_by = None
        sheet.save(update_fields=["state", "confirmed_at", "validated_at", "validated_by"])
        _log(sheet, TimesheetLog.Kind.RIAPERTURA, by, reason)
    return sheet


def attendance_toggle(*, session: GroupSession, member_id: int) -> Attendance:
    """One click per member: present ↔ absent."""
    with transaction.atomic():
        attendance, created = Attendance.objects.select_for_update().get_or_create(
            session=session, member_id=member_id, defaults={"present": True}
        )
        if not created:
            attendance.present = not attendance.present
            attendance.save(update_fields=["present"])
    return attendance


class GroupRefused(Exception):
    """A change to a group that its rules do not allow; the message, in Italian, says which rule."""


def group_set_participants(*, group: Group, members, by: User) -> None:
    """The group's participants become `members` (chosen among the families `by` can see); participants of
    families `by` cannot see were not on the form and stay as they are. The objectives of a family that no
    longer takes part are no longer served by the group."""
    with transaction.atomic():
        hidden = group.participants.exclude(family__in=Family.objects.visible_to(by))
        group.participants.set([*members, *hidden])
        group.objectives.remove(*group.objectives.exclude(plan__family__in=group.families_taking_part().values("pk")))


def group_set_objectives(*, group: Group, objectives, by: User) -> None:
    """The Progetto Quadro objectives the group serves become `objectives` (chosen among those of the plans in
    force of the families `by` can see); the links to objectives of families `by` cannot see, and to those of
    superseded versions of a plan (its history), stay as they are. Every objective must be one the group may
    serve (`Group.objective_choices`), or nothing changes."""
    chosen = {objective.pk for objective in objectives}
    if chosen - set(group.objective_choices().filter(pk__in=chosen).values_list("pk", flat=True)):
        raise GroupRefused(str(GROUP_OBJECTIVES_RULE))
    with transaction.atomic():
        kept = group.objectives.exclude(
            plan__family__in=Family.objects.visible_to(by), plan__superseded_at__isnull=True
        ).values_list("pk", flat=True)
        group.objectives.set([*chosen, *kept])


# --- The budget ----------------------------------------------------------------------------------------------


class BudgetRefused(Exception):
    """A budget line or cost item that would take the project above its financed amount; the message, in
    Italian, names the excess."""


def _is_budget_ceiling(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == BUDGET_CEILING_CONSTRAINT


def _save_within_amount(row: BudgetLine | CostItem, amount, *, excluding_line=None, excluding_item=None) -> None:
    """Save a line or an item if the project's budget stays within the financed amount. The project's row is
    locked first (as the database's triggers do), so the total read next is the one the save meets and two
    concurrent saves cannot both pass; the triggers refuse it too, whatever the code path."""
    try:
        with transaction.atomic():
            project = Project.objects.select_for_update(no_key=True).get(pk=row.project_id)
            total = budget_committed(project, excluding_line=excluding_line, excluding_item=excluding_item) + amount
            if message := budget_excess_message(project, total):
                raise BudgetRefused(message)
            row.save()
    except IntegrityError as error:
        if not _is_budget_ceiling(error):
            raise
        project = Project.objects.get(pk=row.project_id)
        total = budget_committed(project, excluding_line=excluding_line, excluding_item=excluding_item) + amount
        raise BudgetRefused(budget_excess_message(project, total) or str(error)) from error


def budget_line_save(*, line: BudgetLine, by: User) -> BudgetLine:
    """Add or change a budget line (profile, minimum hours, hourly cost) of a project. Refused, with nothing
    written, if the lines' minimums at their cost plus the other cost items would pass the financed amount."""
    _save_within_amount(line, line.amount, excluding_line=line.pk)
    return line


def cost_item_save(*, item: CostItem, by: User) -> CostItem:
    """Add or change a non-staff cost item of a project, with its supporting document. Refused, with nothing
    written, if the project's budget would pass the financed amount."""
    _save_within_amount(item, item.amount, excluding_item=item.pk)
    return item


def budget_line_delete(*, line: BudgetLine, by: User) -> None:
    """Remove a budget line (the hours already delivered by that profile stay, under no line)."""
    line.delete()


def cost_item_delete(*, item: CostItem, by: User) -> None:
    """Remove a cost item and its stored document."""
    document = item.document
    item.delete()
    if document:
        transaction.on_commit(lambda: document.storage.delete(document.name))
