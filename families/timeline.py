"""A family's timeline gathers entries from several apps. Other apps add theirs by registering a `Source` here,
since the dependency rule forbids this app from importing them.

A source makes no query of its own: `annotations(user)` names the expressions it needs over the family row
(subqueries on `OuterRef("pk")`, usually `rows(...)`), which the detail page reads together with the family in
its one lookup; `entries(user, family)` then turns the annotated values into `TimelineEntry` rows. So the
timeline costs no query per source, however many entries each one has."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Expression, QuerySet
from django.db.models.functions import JSONObject


@dataclass(frozen=True)
class Source:
    """`annotations(user) -> {name: expression}` (names unique across sources, say prefixed by the app) and
    `entries(user, family) -> list[TimelineEntry]`, reading only those annotations of the family.
    `monthly_kinds`: the kinds of its entries that recur every month (the hours given to the family), which the
    page folds into one line per year instead of letting them push the rest of the path off the screen."""

    annotations: Callable[..., dict[str, Expression]]
    entries: Callable[..., list]
    monthly_kinds: tuple[str, ...] = ()


SOURCES: list[Source] = []


def register(source: Source) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def annotations(user) -> dict[str, Expression]:
    """What every registered source needs, to annotate on the family's lookup."""
    merged: dict[str, Expression] = {}
    for source in SOURCES:
        for name, expression in source.annotations(user).items():
            if name in merged:
                raise ValueError(f"Timeline annotation {name!r} is registered twice.")
            merged[name] = expression
    return merged


def monthly_kinds() -> set[str]:
    """The kinds of entry that registered sources give once a month (see `Source.monthly_kinds`)."""
    return {kind for source in SOURCES for kind in source.monthly_kinds}


def rows(queryset: QuerySet, **fields) -> ArraySubquery:
    """The rows of `queryset` (filtered on `OuterRef("pk")`, in its order) as a list of dicts with `fields`
    (name -> field path or expression). In the dicts dates are ISO strings: read them back with `as_date`."""
    return ArraySubquery(queryset.values(row=JSONObject(**fields)))


def as_date(value: str) -> datetime.date:
    """A date of a `rows` dict (JSON has no date type: the database writes it as "YYYY-MM-DD")."""
    return datetime.date.fromisoformat(value)
