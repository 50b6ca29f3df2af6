"""The project's budget: the minimum hours of each professional profile with their hourly cost (budget lines),
and the other, non-staff cost items with their supporting documents. Together they cannot pass the project's
financed amount: the services refuse it with a message naming the excess, and the database's triggers refuse
it whatever the code path (`BUDGET_CEILING_CONSTRAINT`)."""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, F, Q, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from equipes.models import Profile, Project
from pippi_portal.formatting import format_number
from pippi_portal.uploads import document_upload_path, validate_document

#: Name of the database's refusal of a budget above the financed amount (the triggers raise it as a constraint).
BUDGET_CEILING_CONSTRAINT = "budget_within_financed_amount"
#: Upper bounds of one line or item, far above any real one, so that a slip of the keyboard is an error.
MAX_LINE_HOURS = 100_000
MAX_HOURLY_COST = Decimal("1000.00")
MAX_COST_ITEM = Decimal("10000000.00")

# After each statement that writes budget lines or cost items: lock the projects written (in order, so two
# writers cannot deadlock; FOR NO KEY UPDATE, so a concurrent writer of the same project waits while inserts
# of other rows that merely reference the project do not), then compare each project's lines and items with
# its financed amount. The lock comes before the sums, so under READ COMMITTED the sums see what a concurrent
# writer of the same project committed. Deleting only lowers the total: no trigger.
_CEILING_SQL = f"""
    PERFORM 1 FROM equipes_project p
    WHERE p.id IN (SELECT DISTINCT project_id FROM new_rows)
    ORDER BY p.id
    FOR NO KEY UPDATE;
    SELECT p.id, p.amount, totals.planned INTO over
    FROM equipes_project p
    CROSS JOIN LATERAL (
        SELECT
            coalesce((SELECT sum(l.minimum_hours * l.hourly_cost) FROM interventions_budgetline l
                      WHERE l.project_id = p.id), 0)
            + coalesce((SELECT sum(c.amount) FROM interventions_costitem c WHERE c.project_id = p.id), 0)
            AS planned
    ) AS totals
    WHERE p.id IN (SELECT DISTINCT project_id FROM new_rows) AND totals.planned > p.amount
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'budget: lines and cost items above the financed amount'
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = '{BUDGET_CEILING_CONSTRAINT}',
                  DETAIL = format('project %s: %s over %s', over.id, over.planned, over.amount);
    END IF;
    RETURN NULL;
"""


def _ceiling_triggers(prefix: str) -> list[pgtrigger.Trigger]:
    # PostgreSQL allows a transition table only on a trigger of one event: one for inserts, one for updates.
    return [
        pgtrigger.Trigger(
            name=f"{prefix}_ceiling_{operation_name}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=pgtrigger.Referencing(new="new_rows"),
            declare=[("over", "RECORD")],
            func=_CEILING_SQL,
        )
        for operation_name, operation in [("insert", pgtrigger.Insert), ("update", pgtrigger.Update)]
    ]


def budget_committed(
    project: Project, *, excluding_line: int | None = None, excluding_item: int | None = None
) -> Decimal:
    """What a project's budget commits: the minimum hours × hourly cost of its lines plus its other cost items,
    leaving out one line or item (the one being changed). Two queries, whatever the number of rows."""
    lines = BudgetLine.objects.filter(project=project).exclude(pk=excluding_line)
    items = CostItem.objects.filter(project=project).exclude(pk=excluding_item)
    staff = lines.aggregate(
        total=Sum(F("minimum_hours") * F("hourly_cost"), output_field=DecimalField(max_digits=14, decimal_places=2))
    )["total"]
    other = items.aggregate(total=Sum("amount"))["total"]
    return (staff or Decimal(0)) + (other or Decimal(0))


def budget_excess_message(project: Project, total: Decimal) -> str | None:
    """The Italian refusal of a budget whose lines and items would reach `total`, or None within the amount."""
    if total <= project.amount:
        return None
    return gettext(
        "Il budget supererebbe l'importo finanziato di € %(excess)s: le voci di personale e le altre voci di "
        "costo arriverebbero a € %(total)s su € %(amount)s finanziati."
    ) % {
        "excess": format_number(total - project.amount, 2),
        "total": format_number(total, 2),
        "amount": format_number(project.amount, 2),
    }


def _check_within_amount(project: Project, amount: Decimal, **excluding) -> None:
    if message := budget_excess_message(project, budget_committed(project, **excluding) + amount):
        raise ValidationError(message, code="budget_exceeded")


class BudgetLine(models.Model):
    """The minimum hours a professional profile must deliver on a project, and its hourly cost."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("progetto")
    )
    profile = models.CharField(_("profilo professionale"), max_length=30, choices=Profile.choices)
    minimum_hours = models.PositiveIntegerField(
        _("monte ore minimo"),
        validators=[
            MinValueValidator(1, message=_("Il monte ore minimo deve essere di almeno un'ora.")),
            MaxValueValidator(MAX_LINE_HOURS, message=_("Il monte ore minimo non può superare 100.000 ore.")),
        ],
    )
    hourly_cost = models.DecimalField(
        _("costo orario (€)"),
        max_digits=7,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), message=_("Il costo orario deve essere maggiore di zero.")),
            MaxValueValidator(MAX_HOURLY_COST, message=_("Il costo orario non può superare € 1.000,00.")),
        ],
    )

    class Meta:
        verbose_name = _("voce di budget")
        verbose_name_plural = _("voci di budget")
        ordering = ["project", "profile"]
        constraints = [
            models.UniqueConstraint(fields=["project", "profile"], name="budget_line_unique_profile"),
            models.CheckConstraint(condition=Q(hourly_cost__gt=0), name="budget_line_cost_positive"),
            models.CheckConstraint(condition=Q(minimum_hours__gt=0), name="budget_line_hours_positive"),
        ]
        triggers = _ceiling_triggers("budget_line")

    def __str__(self) -> str:
        return f"{self.project.cup} — {self.get_profile_display()}"

    def clean(self) -> None:
        """Every form of a line (the portal's, the admin's) refuses one that takes the budget above the
        financed amount; `services.budget_line_save` checks again under a lock."""
        super().clean()
        if self.project_id and self.minimum_hours and self.hourly_cost:
            _check_within_amount(self.project, self.amount, excluding_line=self.pk)

    @property
    def amount(self) -> Decimal:
        return self.hourly_cost * self.minimum_hours


def cost_document_upload_to(instance: CostItem, filename: str) -> str:
    return document_upload_path(f"costs/{instance.project_id}", instance.document, filename)


class CostItem(models.Model):
    """A non-staff cost of a project (training, materials, venues, travel …) with its supporting document."""

    class Category(models.TextChoices):
        FORMAZIONE = "formazione", _("Formazione e supervisione")
        MATERIALI = "materiali", _("Materiali e strumenti")
        SPAZI = "spazi", _("Spazi e utenze")
        TRASPORTI = "trasporti", _("Trasporti e rimborsi")
        ATTREZZATURE = "attrezzature", _("Attrezzature e software")
        ALTRO = "altro", _("Altro")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="cost_items", verbose_name=_("progetto")
    )
    description = models.CharField(_("descrizione"), max_length=200)
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(
        _("importo (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), message=_("L'importo deve essere maggiore di zero.")),
            MaxValueValidator(MAX_COST_ITEM, message=_("L'importo di una voce non può superare € 10.000.000,00.")),
        ],
    )
    date = models.DateField(_("data"))
    document = models.FileField(
        _("documento giustificativo"), upload_to=cost_document_upload_to, blank=True, validators=[validate_document]
    )
    # The file is stored under a random name: what identifies the document to an auditor is its own reference.
    document_reference = models.CharField(
        _("riferimento del documento"),
        max_length=120,
        blank=True,
        default="",
        db_default="",
        help_text=_("Numero e data del documento, come vi compaiono: ad esempio «Fattura n. 45/2024 del 12/03/2024»."),
    )

    class Meta:
        verbose_name = _("altra voce di costo")
        verbose_name_plural = _("altre voci di costo")
        ordering = ["project", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_item_amount_positive"),
        ]
        triggers = _ceiling_triggers("cost_item")

    def __str__(self) -> str:
        return f"{self.project.cup} — {self.description}"

    def clean(self) -> None:
        """As `BudgetLine.clean`; `services.cost_item_save` checks again under a lock."""
        super().clean()
        if self.project_id and self.amount:
            _check_within_amount(self.project, self.amount, excluding_item=self.pk)
