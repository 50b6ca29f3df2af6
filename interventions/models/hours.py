"""Hours: the activities time is spent on, the monthly timesheets (locked by the database once validated),
their log, and the time entries with the day's ceiling of 24 hours kept by the database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Project, Role
from families.models import Family
from pippi_portal.formatting import format_minutes

from .groups import Group
from .intervention import Intervention


class Activity(models.TextChoices):
    DIRETTA_FAMIGLIA = "diretta_famiglia", _("Attività diretta con la famiglia")
    RIUNIONE_EM = "riunione_em", _("Riunione dell'EM")
    GRUPPO = "gruppo", _("Gruppo")
    COORDINAMENTO = "coordinamento", _("Coordinamento")
    DOCUMENTAZIONE = "documentazione", _("Documentazione")
    FORMAZIONE = "formazione", _("Formazione")
    SUPERVISIONE = "supervisione", _("Supervisione")


FAMILY_ACTIVITIES = (Activity.DIRETTA_FAMIGLIA, Activity.RIUNIONE_EM)
GENERAL_ACTIVITIES = (Activity.COORDINAMENTO, Activity.DOCUMENTAZIONE, Activity.FORMAZIONE, Activity.SUPERVISIONE)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class TimesheetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own timesheets; the organisation's for its referent; the ambito's for the Ufficio di Piano."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        if user.role == Role.UFFICIO_PIANO:
            return self.filter(user__ambito_id=user.ambito_id)
        if user.role == Role.REFERENTE_ENTE and user.organisation_id:
            return self.filter(
                Q(user__ambito_id=user.ambito_id, user__organisation_id=user.organisation_id) | Q(user=user)
            )
        return self.filter(user=user)

    def to_validate_by(self, user):
        """Months confirmed by their owner that `user` validates (`services.can_validate`): the ambito's for the
        Ufficio di Piano, its staff's for a partner's referent; never the user's own."""
        if user.role not in (Role.UFFICIO_PIANO, Role.REFERENTE_ENTE) or user.ambito_id is None:
            return self.none()
        return self.visible_to(user).exclude(user=user).filter(state=Timesheet.State.CONFERMATO)

    def to_confirm_by(self, user, today: datetime.date | None = None):
        """The user's own past months with hours, still in draft."""
        this_month = month_start(today or timezone.localdate())
        with_hours = TimeEntry.objects.filter(timesheet=models.OuterRef("pk"))
        return self.filter(models.Exists(with_hours), user=user, state=Timesheet.State.BOZZA, month__lt=this_month)


# After each statement that updates timesheets: the summaries of the sheets whose state or project changed are
# written again from their entries (only for a validated sheet of a project), the others are left alone. A
# validated month's entries cannot change (`time_entry_month_not_validated`), so the summary stays exact until
# the month is reopened, which removes it. The transition tables have no statistics: the sheets' rows are reached
# through their ids (an array, a lateral subquery per sheet) so that the plan reads the index of the entries of
# those sheets, never the whole table (at the scale seed's bulk validation it scanned 7.6 million entries a
# statement).
_VALIDATED_MINUTES_SQL = """
    DELETE FROM interventions_validatedminutes
    WHERE timesheet_id = ANY (ARRAY(
        SELECT n.id FROM old_sheets o JOIN new_sheets n ON n.id = o.id
        WHERE o.state = 'validato' AND (o.state, o.project_id) IS DISTINCT FROM (n.state, n.project_id)
    ));
    INSERT INTO interventions_validatedminutes (timesheet_id, project_id, month, user_id, intervention_id, minutes)
    SELECT n.id, n.project_id, sums.month, sums.user_id, sums.intervention_id, sums.minutes
    FROM old_sheets o
    JOIN new_sheets n ON n.id = o.id
    CROSS JOIN LATERAL (
        SELECT date_trunc('month', e.date)::date AS month, e.user_id, e.intervention_id, sum(e.minutes) AS minutes
        FROM interventions_timeentry e
        WHERE e.timesheet_id = n.id AND e.eligible
        GROUP BY 1, 2, 3
    ) sums
    WHERE n.state = 'validato' AND n.project_id IS NOT NULL
      AND (o.state, o.project_id) IS DISTINCT FROM (n.state, n.project_id);
    RETURN NULL;
"""


class Timesheet(models.Model):
    """One user's month of hours: bozza → confermato (by the user) → validato (by the organisation's referent
    or the Ufficio di Piano). A validated month is locked; reopening needs a reason and is logged."""

    class State(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        CONFERMATO = "confermato", _("Confermato dall'operatore")
        VALIDATO = "validato", _("Validato")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="timesheets", verbose_name=_("utente")
    )
    month = models.DateField(_("mese"), help_text=_("Il primo giorno del mese."))
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="timesheets", verbose_name=_("progetto")
    )
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.BOZZA)
    confirmed_at = models.DateTimeField(_("confermato il"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validato da"),
    )
    validated_at = models.DateTimeField(_("validato il"), null=True, blank=True)

    objects = TimesheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("foglio ore mensile")
        verbose_name_plural = _("fogli ore mensili")
        ordering = ["-month", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="timesheet_one_per_user_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="timesheet_month_is_first_day"),
            models.CheckConstraint(
                condition=~Q(state="validato") | Q(validated_by__isnull=False, validated_at__isnull=False),
                name="timesheet_validated_has_validator",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "month"], name="timesheet_state_month_idx"),
            # A project's validated months (the budget's and the report's hours): the project leads, so that the
            # lookup reads that project's months and not every ambito's.
            models.Index(fields=["project", "state", "month"], name="timesheet_project_state_idx"),
        ]
        triggers = [
            # The summary of a validated month (`ValidatedMinutes`) follows the timesheet's state, whatever the
            # code path: written when the month is validated, removed when it is reopened. One statement per
            # statement on the timesheets, so the bulk validation of the scale data stays one pass.
            pgtrigger.Trigger(
                name="timesheet_validated_minutes",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                referencing=pgtrigger.Referencing(old="old_sheets", new="new_sheets"),
                func=_VALIDATED_MINUTES_SQL,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.month:%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("interventions:timesheet-detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.VALIDATO


class TimesheetLog(models.Model):
    """Confirmations, validations and reopenings of a timesheet, with who, when and why."""

    class Kind(models.TextChoices):
        CONFERMA = "conferma", _("Conferma")
        ANNULLA_CONFERMA = "annulla_conferma", _("Conferma annullata")
        VALIDAZIONE = "validazione", _("Validazione")
        RIAPERTURA = "riapertura", _("Riapertura")

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="log", verbose_name=_("foglio ore"))
    kind = models.CharField(_("evento"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("eseguito da")
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    reason = models.TextField(_("motivo"), blank=True)

    class Meta:
        verbose_name = _("evento del foglio ore")
        verbose_name_plural = _("eventi dei fogli ore")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.timesheet}"


#: At most this many minutes of one person's hours on one day, whatever the activities.
DAY_CEILING_MINUTES = 24 * 60
#: Name of the database's refusal of a day above the ceiling (the triggers below raise it as a constraint).
DAY_CEILING_CONSTRAINT = "time_entry_day_at_most_24_hours"
#: Name of the database's refusal of hours dated after the conclusion of their project.
PROJECT_CONCLUDED_CONSTRAINT = "time_entry_project_not_concluded"
#: Prefix of the advisory lock that serialises the writes of one person's hours (see `day_lock_key`).
DAY_LOCK = "interventions.time_entry_day"


def day_ceiling_message(day: datetime.date, total_minutes: int) -> str:
    return _("In un giorno non si possono registrare più di 24 ore: il totale del %(day)s sarebbe %(total)s h.") % {
        "day": f"{day:%d/%m}",
        "total": format_minutes(total_minutes),
    }


def day_lock_key(user_id: int) -> str:
    """The text whose hash names the transaction-level advisory lock on one person's hours: the service takes
    it before reading a day's total, the ceiling trigger takes it again (it is re-entrant), so two
    concurrent saves for the same person are checked one after the other."""
    return f"{DAY_LOCK}:{user_id}"


# After each statement that writes time entries: lock the hours of every person written (in order, so two
# writers cannot deadlock), then look for a day of theirs above the ceiling. The lock is taken before the
# sum, so under READ COMMITTED the sum sees what a concurrent writer of the same person committed. One query
# per statement, whatever the number of rows: the bulk loads (COPY) of the scale data stay fast.
_DAY_CEILING_SQL = f"""
    PERFORM pg_advisory_xact_lock(hashtextextended('{DAY_LOCK}:' || people.user_id, 0))
    FROM (SELECT DISTINCT user_id FROM new_entries ORDER BY user_id) AS people;
    SELECT t.user_id, t.date, sum(t.minutes) AS minutes INTO over
    FROM interventions_timeentry t
    WHERE (t.user_id, t.date) IN (SELECT user_id, date FROM new_entries)
    GROUP BY t.user_id, t.date
    HAVING sum(t.minutes) > {DAY_CEILING_MINUTES}
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'time entries: more than 24 hours on one day'
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = '{DAY_CEILING_CONSTRAINT}',
                  DETAIL = format('user %s, %s: %s minutes', over.user_id, over.date, over.minutes);
    END IF;
    RETURN NULL;
"""


def _day_ceiling_trigger(name: str, operation) -> pgtrigger.Trigger:
    # PostgreSQL allows a transition table only on a trigger of one event: one trigger for inserts (COPY
    # included), one for updates, the same check.
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=pgtrigger.Referencing(new="new_entries"),
        declare=[("over", "RECORD")],
        func=_DAY_CEILING_SQL,
    )


class TimeEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(timesheet__in=Timesheet.objects.visible_to(user))

    def delivered(self):
        """Hours that count for the PNRR project: eligible entries of validated timesheets, never those on a
        child-protection service (seed 002), whatever their flag says."""
        return self.filter(
            Q(intervention__isnull=True) | Q(intervention__type__child_protection=False),
            eligible=True,
            timesheet__state=Timesheet.State.VALIDATO,
        )

    def minutes_on(self, user_id: int, day: datetime.date, *, excluding_pk: int | None = None) -> int:
        """The minutes one person recorded on one day, leaving out one entry (the one being changed)."""
        entries = self.filter(user_id=user_id, date=day)
        if excluding_pk is not None:
            entries = entries.exclude(pk=excluding_pk)
        return entries.aggregate(total=Sum("minutes"))["total"] or 0


class TimeEntry(models.Model):
    """Minutes a professional spent on one activity on one day, for a family, a group or neither."""

    timesheet = models.ForeignKey(
        Timesheet, on_delete=models.PROTECT, related_name="entries", verbose_name=_("foglio ore")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("utente")
    )
    date = models.DateField(_("data"))
    minutes = models.PositiveSmallIntegerField(
        _("minuti"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    activity = models.CharField(_("attività"), max_length=20, choices=Activity.choices)
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="time_entries", verbose_name=_("famiglia")
    )
    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name=_("intervento"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="time_entries", verbose_name=_("gruppo")
    )
    eligible = models.BooleanField(_("rendicontabile sul PNRR"), default=True)
    note = models.CharField(_("nota"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ore registrate")
        verbose_name_plural = _("ore registrate")
        ordering = ["date", "pk"]
        constraints = [
            # One row per grid cell: saving the same cell twice updates it.
            models.UniqueConstraint(
                fields=["user", "date", "activity", "family", "group"],
                nulls_distinct=False,
                name="time_entry_one_per_cell",
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0, minutes__lte=1440), name="time_entry_minutes_in_day"),
            models.CheckConstraint(
                condition=(
                    Q(activity__in=FAMILY_ACTIVITIES, family__isnull=False, group__isnull=True)
                    | Q(activity="gruppo", group__isnull=False, family__isnull=True)
                    | Q(activity__in=GENERAL_ACTIVITIES, family__isnull=True, group__isnull=True)
                ),
                name="time_entry_target_matches_activity",
            ),
            models.CheckConstraint(
                condition=Q(intervention__isnull=True) | Q(family__isnull=False),
                name="time_entry_intervention_has_family",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "date"], name="time_entry_user_date_idx"),
            models.Index(fields=["family", "date"], name="time_entry_family_date_idx"),
            # The sums of a project's hours (budget, report) read every entry of its validated timesheets: with
            # the columns they add up and filter on beside the timesheet, PostgreSQL reads them from the index
            # alone (an index-only scan) instead of fetching each row from the table.
            models.Index(
                fields=["timesheet"],
                include=["eligible", "minutes", "intervention", "user", "date"],
                name="time_entry_timesheet_sums_idx",
            ),
        ]
        triggers = [
            # Defence in depth: the services refuse edits to a validated month with a message; the database
            # refuses them too, whatever the code path (admin, shell, a bug).
            pgtrigger.Trigger(
                name="time_entry_month_not_validated",
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                when=pgtrigger.Before,
                func="""
                    IF EXISTS (
                        SELECT 1 FROM interventions_timesheet t
                        WHERE t.state = 'validato'
                          AND t.id IN (COALESCE(NEW.timesheet_id, OLD.timesheet_id), OLD.timesheet_id)
                    ) THEN
                        RAISE EXCEPTION 'timesheet validated: time entries are locked'
                            USING ERRCODE = 'check_violation';
                    END IF;
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;
                """,
            ),
            # A concluded project takes no hours after its conclusion (issue 13 §5): neither on its timesheets
            # nor for the families of its implementations. The service says so in Italian first.
            pgtrigger.Trigger(
                name="time_entry_project_not_concluded",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func=f"""
                    IF EXISTS (
                        SELECT 1 FROM interventions_timesheet t JOIN equipes_project p ON p.id = t.project_id
                        WHERE t.id = NEW.timesheet_id AND p.concluded_on < NEW.date
                    ) OR (NEW.family_id IS NOT NULL AND EXISTS (
                        SELECT 1 FROM families_family f
                        JOIN equipes_implementation i ON i.id = f.implementation_id
                        JOIN equipes_project p ON p.id = i.project_id
                        WHERE f.id = NEW.family_id AND p.concluded_on < NEW.date
                    )) THEN
                        RAISE EXCEPTION 'time entries: the project is concluded'
                            USING ERRCODE = 'check_violation', CONSTRAINT = '{PROJECT_CONCLUDED_CONSTRAINT}';
                    END IF;
                    RETURN NEW;
                """,
            ),
            # One person's hours on one day are at most 24, whatever the code path (the service checks first
            # and says so in Italian; this is the guarantee, also against two concurrent saves).
            _day_ceiling_trigger("time_entry_day_ceiling_insert", pgtrigger.Insert),
            _day_ceiling_trigger("time_entry_day_ceiling_update", pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date:%d/%m/%Y} {self.minutes} min"

    def clean(self) -> None:
        """The daily ceiling as a form error where the model is edited directly (the admin); the portal's
        pages go through `services.time_entry_set`, which says the same."""
        super().clean()
        if self.user_id and self.date and self.minutes:
            total = TimeEntry.objects.minutes_on(self.user_id, self.date, excluding_pk=self.pk) + self.minutes
            if total > DAY_CEILING_MINUTES:
                raise ValidationError({"minutes": day_ceiling_message(self.date, total)})

    @property
    def hours(self) -> Decimal:
        return Decimal(self.minutes) / 60

    @property
    def is_pnrr_eligible(self) -> bool:
        """The entry's own side of `TimeEntryQuerySet.delivered`: eligible, and not on a child-protection
        service (load `intervention__type` with it)."""
        return self.eligible and not (self.intervention_id and self.intervention.type.child_protection)


class ValidatedMinutes(models.Model):
    """The eligible minutes of a validated timesheet per month of the entries, person and intervention: what
    the budget and the report add up, kept by the database (`timesheet_validated_minutes`) so that a project's
    hours are read from a few thousand sums instead of every entry. Derived data: never written by the code."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="+", verbose_name=_("foglio ore"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("progetto"))
    month = models.DateField(_("mese"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("utente")
    )
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("intervento")
    )
    minutes = models.PositiveIntegerField(_("minuti"))

    class Meta:
        verbose_name = _("minuti validati")
        verbose_name_plural = _("minuti validati")
        indexes = [
            # A project's sums by month, read from the index alone.
            models.Index(
                fields=["project", "month"],
                include=["user", "intervention", "minutes"],
                name="validated_minutes_project_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.timesheet} {self.month:%m/%Y}: {self.minutes} min"
