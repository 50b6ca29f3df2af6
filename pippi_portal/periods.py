"""Rows that last a while: from `start_date` to `end_date`, open-ended while `end_date` is empty."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q


class PeriodQuerySet(models.QuerySet):
    """For models with `start_date` and `end_date` (projects, interventions, solidarity pairings)."""

    def active_between(self, start: datetime.date, end: datetime.date):
        """Rows active on at least one day from `start` to `end`, both included: started by the end, and not
        ended before the start."""
        return self.filter(Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start)))

    def active_on(self, day: datetime.date):
        return self.active_between(day, day)
