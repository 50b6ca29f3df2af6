"""The project's budget lines: the minimum hours of each professional profile and their hourly cost."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from equipes.models import Profile, Project


class BudgetLine(models.Model):
    """The minimum hours a professional profile must deliver on a project, and its hourly cost."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    profile = models.CharField(_("profilo professionale"), max_length=30, choices=Profile.choices)
    minimum_hours = models.PositiveIntegerField(_("monte ore minimo"))
    hourly_cost = models.DecimalField(
        _("costo orario (€)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = _("voce di budget")
        verbose_name_plural = _("voci di budget")
        ordering = ["project", "profile"]
        constraints = [
            models.UniqueConstraint(fields=["project", "profile"], name="budget_line_unique_profile"),
            models.CheckConstraint(condition=Q(hourly_cost__gt=0), name="budget_line_cost_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project.cup} — {self.get_profile_display()}"

    @property
    def amount(self) -> Decimal:
        return self.hourly_cost * self.minimum_hours
