"""Reads of the family path: scoped lookups that 404, what a role may see of a family, and the warnings
the method expects (DESIGN.md §3.2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from equipes.models import Implementation, User
from equipes.project_rules import ProjectRules, rules_of
from pippi_portal import compiled

from . import timeline
from .models import (
    AFFIDO_FIELDS,
    RESIDENTIAL_FIELDS,
    AddMonths,
    Assessment,
    Consent,
    DiaryNote,
    Family,
    Member,
    Objective,
    Placement,
    ProgettoQuadro,
    ProjectTakeover,
    State,
    TeamMeeting,
    TeamMember,
    TransitionLog,
)

# The shares above which the method's warnings fire are the project's (`older_children_share_percent`,
# `reunification_share_percent`: "mediamente il 20%" in 001).
# "Over 11": a child who has turned 12 at the date of the referral (0–11 is the programme's target).
OLDER_CHILD_MONTHS = 12 * 12


#: What every page about one family shows of it besides its own columns.
FAMILY_RELATED = ("ambito", "comune", "implementation__project", "equipe", "case_manager")
#: The family's columns never read for roles that see families pseudonymised.
IDENTITY_COLUMNS = ("address", "phone")


def _families_for(user: User):
    families = Family.objects.visible_to(user).select_related(*FAMILY_RELATED)
    if not user.sees_identities:
        families = families.defer(*IDENTITY_COLUMNS)
    return families


def get_family_for(user: User, pk: int) -> Family:
    """The family, if the user may open it; 404 otherwise. Identity columns are not even read for roles
    that see families pseudonymised."""
    return get_object_or_404(_families_for(user), pk=pk)


# Free text of the referral, pre-assessment and closure: never read for roles that see families pseudonymised.
PSEUDONYMOUS_DEFERRED = (
    "referral__reason",
    "preassessment__risk_factors",
    "preassessment__protective_factors",
    "preassessment__motivation",
    "closure__notes",
)


def get_family_detail_for(user: User, pk: int) -> Family:
    """The family as its detail page needs it, in one query (404 outside scope, as `get_family_for`): with
    its referral, pre-assessment and closure, its due dates (`with_due_dates`) and the annotations that
    `family_timeline` reads. Its SQL is compiled once per user and process (`pippi_portal.compiled`): the key
    (`scope_key`) names what the scope (`visible_to`) and the lookup read of the user."""
    family = compiled.get_by_pk(("family-detail", user.scope_key), lambda: _detail_lookup(user).visible_to(user), pk)
    if family is None:
        raise Http404("No Family matches the given query.")
    return family


#: The detail page's lookup before the user's scope, by whether the role sees identities (see `_detail_lookup`).
_DETAIL_LOOKUPS: dict[bool, QuerySet] = {}


def _detail_lookup(user: User) -> QuerySet:
    """The detail page's joins and annotations, which depend on the user only through `sees_identities` (the
    reason of a state change, the deferred free text; timeline sources must not depend on more, see
    `families.timeline`): built once per process and reused, since building their expressions took about a
    tenth of the page (issue 16). Never evaluated itself: each request filters a copy by the user's scope."""
    key = user.sees_identities
    if key not in _DETAIL_LOOKUPS:
        families = (
            Family.objects.select_related(*FAMILY_RELATED, "referral", "preassessment", "closure__outcome")
            .with_due_dates()
            .annotate(**_path_annotations(user), **timeline.annotations(user))
        )
        if not user.sees_identities:
            families = families.defer(*IDENTITY_COLUMNS, *PSEUDONYMOUS_DEFERRED)
        _DETAIL_LOOKUPS[key] = families
    return _DETAIL_LOOKUPS[key]


def get_member_for(user: User, family: Family, pk: int) -> Member:
    return get_object_or_404(Member.objects.filter(family=family), pk=pk)


def get_placement_for(user: User, family: Family, pk: int) -> Placement:
    return get_object_or_404(Placement.objects.filter(member__family=family), pk=pk)


@dataclass(frozen=True)
class PlacementView:
    """A placement on the family page: the child's label (a name or the pseudonym) and the codes in words."""

    pk: int
    child: str
    kind: str
    details: list[str]
    start_date: datetime.date
    end_date: datetime.date | None
    outcome: str


def placements_of(family: Family) -> list[Placement]:
    """The placements of the family's minors, ongoing first, then the newest; one query, compiled once per
    process."""
    return compiled.rows(
        ("placements",),
        lambda pk: Placement.objects.filter(member__family_id=pk).order_by(
            F("end_date").desc(nulls_first=True), "-start_date", "-pk"
        ),
        family.pk,
    )


def family_placements(
    family: Family, labels: dict[int, str], placements: list[Placement] | None = None
) -> list[PlacementView]:
    """The placements of the family's minors as the page shows them (`placements_of`, read here unless given).
    `labels` are the page's (`pseudonymisation.labels_of`), so no name is read here."""
    if placements is None:
        placements = placements_of(family)
    views = []
    for p in placements:
        codes = (*AFFIDO_FIELDS, *RESIDENTIAL_FIELDS)
        details = [p.get_form_display()] + [getattr(p, f"get_{name}_display")() for name in codes if getattr(p, name)]
        views.append(
            PlacementView(
                pk=p.pk,
                child=labels.get(p.member_id, "—"),
                kind=p.get_kind_display(),
                details=details,
                start_date=p.start_date,
                end_date=p.end_date,
                outcome=p.get_outcome_display() if p.end_date else "",
            )
        )
    return views


def get_consent_for(user: User, family: Family, pk: int) -> Consent:
    return get_object_or_404(Consent.objects.filter(family=family), pk=pk)


def current_plan(family: Family) -> ProgettoQuadro | None:
    """The family's Progetto Quadro in force (earlier versions are superseded), or None before the first."""
    return family.plans.filter(superseded_at__isnull=True).first()


def get_plan_for(family: Family, version: int | None = None) -> ProgettoQuadro:
    """A version of the family's plan, the one in force by default; 404 if there is none."""
    plan = current_plan(family) if version is None else family.plans.filter(version=version).first()
    if plan is None:
        raise Http404
    return plan


def get_objective_for(family: Family, pk: int) -> Objective:
    """An objective of the family's plan in force (earlier versions are frozen)."""
    return get_object_or_404(
        Objective.objects.select_related("plan", "subdimension"),
        plan__family=family,
        plan__superseded_at__isnull=True,
        pk=pk,
    )


def get_team_member_for(family: Family, pk: int) -> TeamMember:
    return get_object_or_404(TeamMember.objects.filter(family=family), pk=pk)


def diary_notes_for(user: User, family: Family):
    """The notes a user may read; none at all for pseudonymised roles (the text is never read). A list, from SQL
    compiled once per user and process (`pippi_portal.compiled`: the scope reads the user's profession too)."""
    return compiled.rows(
        ("diary-notes", user.scope_key, user.profile),
        lambda pk: DiaryNote.objects.visible_to(user).filter(family_id=pk).select_related("author"),
        family.pk,
    )


@dataclass
class TimelineEntry:
    date: datetime.date
    title: str
    detail: str = ""
    pending: bool = False
    kind: str = "event"


@dataclass
class TimelineYear:
    """The entries of one monthly kind (see `timeline.Source.monthly_kinds`) in one year, newest first: one
    line of the timeline that opens onto the months."""

    year: int
    title: str
    entries: list[TimelineEntry]


@dataclass
class Timeline:
    """A family's path: its events oldest first, and what recurs every month folded by year, newest first."""

    entries: list[TimelineEntry]
    years: list[TimelineYear]


def fold_monthly(entries: list[TimelineEntry], kinds: set[str]) -> Timeline:
    """Take the entries of the monthly `kinds` out of the path and gather them by kind and year, newest first."""
    kept, years = [], {}
    for entry in entries:
        if entry.kind in kinds:
            years.setdefault(
                (entry.date.year, entry.kind), TimelineYear(entry.date.year, entry.title, [])
            ).entries.append(entry)
        else:
            kept.append(entry)
    folded = sorted(years.values(), key=lambda fold: fold.year, reverse=True)
    for fold in folded:
        fold.entries.sort(key=lambda e: e.date, reverse=True)
    return Timeline(kept, folded)


def _path_annotations(user: User) -> dict:
    """The family's own timeline events (state changes, assessments, plans, EM meetings) as annotations of its
    lookup (see `families.timeline`). The reason of a state change is read only for roles that may see it."""
    family = OuterRef("pk")
    transition = {
        "on": "effective_on",
        "from_state": "from_state",
        "to_state": "to_state",
        "by_username": "by__username",
        "by_first_name": "by__first_name",
        "by_last_name": "by__last_name",
    }
    if user.sees_identities:
        transition["reason"] = "reason"
    return {
        "path_transitions": timeline.rows(
            TransitionLog.objects.filter(family=family).order_by("effective_on", "at", "pk"), **transition
        ),
        "path_assessments": timeline.rows(
            Assessment.objects.filter(family=family).order_by("time_point"),
            date="date",
            time_point="time_point",
            is_complete="is_complete",
        ),
        "path_plans": timeline.rows(
            ProgettoQuadro.objects.filter(family=family).order_by("-version"), date="date", version="version"
        ),
        "path_meetings": timeline.rows(TeamMeeting.objects.filter(family=family).order_by("-date"), date="date"),
        "path_takeovers": timeline.rows(
            ProjectTakeover.objects.filter(family=family).order_by("effective_on", "pk"),
            on="effective_on",
            from_number="from_implementation__number",
            from_project="from_implementation__project__title",
            to_number="to_implementation__number",
            to_project="to_implementation__project__title",
        ),
    }


def family_timeline(user: User, family: Family, *, consents: list[Consent], notes: list[DiaryNote]) -> Timeline:
    """The path as a timeline: referral, state changes, assessments, plans, EM meetings, consents, (for roles
    that may read them) diary notes and what other apps register, oldest first; what other apps give every month
    (the hours) folded by year. `family` comes from `get_family_detail_for`; `consents` and `notes` are those the
    page shows. No query."""
    entries = []
    referral = getattr(family, "referral", None)
    if referral is not None:
        entries.append(TimelineEntry(referral.date, _("Segnalazione"), referral.get_source_display(), kind="referral"))
    for row in family.path_transitions:
        log = TransitionLog(from_state=row["from_state"], to_state=row["to_state"])
        by = User(username=row["by_username"], first_name=row["by_first_name"], last_name=row["by_last_name"])
        detail = _("da «%(from)s», di %(by)s") % {"from": log.get_from_state_display(), "by": by}
        if row.get("reason") and user.sees_identities:
            detail += f" — {row['reason']}"
        entries.append(TimelineEntry(timeline.as_date(row["on"]), log.get_to_state_display(), detail, kind="state"))
    for row in family.path_assessments:
        status = _("completa") if row["is_complete"] else _("in compilazione")
        entries.append(
            TimelineEntry(
                timeline.as_date(row["date"]),
                _("Valutazione %(tp)s") % {"tp": row["time_point"]},
                status,
                kind="assessment",
            )
        )
    for row in family.path_plans:
        entries.append(
            TimelineEntry(
                timeline.as_date(row["date"]), _("Progetto Quadro, versione %(v)d") % {"v": row["version"]}, kind="plan"
            )
        )
    for row in family.path_meetings:
        entries.append(TimelineEntry(timeline.as_date(row["date"]), _("Incontro dell'EM"), kind="meeting"))
    for row in family.path_takeovers:
        detail = _("da P.I.P.P.I. %(from_n)s («%(from_p)s») a P.I.P.P.I. %(to_n)s («%(to_p)s»)") % {
            "from_n": row["from_number"],
            "from_p": row["from_project"],
            "to_n": row["to_number"],
            "to_p": row["to_project"],
        }
        entries.append(
            TimelineEntry(timeline.as_date(row["on"]), _("Passaggio al progetto successivo"), detail, kind="takeover")
        )
    for consent in consents:
        entries.append(TimelineEntry(consent.signed_on, consent.get_kind_display(), _("firmato"), kind="consent"))
    for note in notes:
        entries.append(TimelineEntry(note.date, _("Nota di diario"), str(note.author), kind="note"))
    for source in timeline.SOURCES:
        entries.extend(source.entries(user, family))
    entries.sort(key=lambda e: e.date)
    return fold_monthly(entries, timeline.monthly_kinds())


# --- Warnings the method expects --------------------------------------------------------------------------


@dataclass
class ImplementationStats:
    implementation: Implementation
    included: int
    older_children: int
    reunification: int
    warnings: list[str] = field(default_factory=list)


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def _percent(value: int) -> Decimal:
    return Decimal(value) / 100


def implementation_stats(implementations) -> list[ImplementationStats]:
    """Included families per implementation and the method's warnings against its project's shares, in one
    query (pass the implementations with their project selected). Targets are minimums: more families than an
    implementation's target is no warning (shortfalls are `reporting.targets`' job)."""
    included = Exists(TransitionLog.objects.filter(family=OuterRef("pk"), to_state=State.INCLUSA))
    older_child = Exists(
        Member.objects.filter(
            family=OuterRef("pk"),
            kind=Member.Kind.MINORE,
            birth_date__lte=AddMonths(OuterRef("referral__date"), Value(-OLDER_CHILD_MONTHS)),
        )
    )
    rows = (
        Family.objects.filter(implementation__in=implementations)
        .annotate(was_included=included, has_older_child=older_child)
        .filter(was_included=True)
        .values("implementation")
        .annotate(
            included=Count("pk"),
            older=Count("pk", filter=Q(has_older_child=True)),
            reunification=Count("pk", filter=Q(reunification=True)),
        )
    )
    by_implementation = {row["implementation"]: row for row in rows}
    result = []
    for implementation in implementations:
        row = by_implementation.get(implementation.pk, {"included": 0, "older": 0, "reunification": 0})
        stats = ImplementationStats(implementation, row["included"], row["older"], row["reunification"])
        rules = rules_of(implementation.project)
        if _share(stats.older_children, stats.included) > _percent(rules.older_children_share_percent):
            stats.warnings.append(
                ngettext(
                    "%(impl)s: %(n)d famiglia su %(total)d ha figli sopra gli 11 anni (oltre il %(share)d%% circa).",
                    "%(impl)s: %(n)d famiglie su %(total)d hanno figli sopra gli 11 anni (oltre il %(share)d%% circa).",
                    stats.older_children,
                )
                % {
                    "impl": implementation,
                    "n": stats.older_children,
                    "total": stats.included,
                    "share": rules.older_children_share_percent,
                }
            )
        if _share(stats.reunification, stats.included) > _percent(rules.reunification_share_percent):
            stats.warnings.append(
                ngettext(
                    "%(impl)s: %(n)d percorso di riunificazione su %(total)s (oltre il %(share)d%% circa).",
                    "%(impl)s: %(n)d percorsi di riunificazione su %(total)s (oltre il %(share)d%% circa).",
                    stats.reunification,
                )
                % {
                    "impl": implementation,
                    "n": stats.reunification,
                    "total": ngettext("%(n)d famiglia", "%(n)d famiglie", stats.included) % {"n": stats.included},
                    "share": rules.reunification_share_percent,
                }
            )
        result.append(stats)
    return result


def family_rules(family: Family) -> ProjectRules:
    """The rules of the family's project (through its implementation); the defaults before it has one."""
    return rules_of(family.implementation.project if family.implementation_id else None)


def family_warnings(family: Family) -> list[str]:
    warnings = []
    if family.under_judicial_authority and family_rules(family).judicial_authority_warning:
        warnings.append(
            _("La famiglia è sotto provvedimento dell'autorità giudiziaria: non è un target del finanziamento PNRR.")
        )
    return warnings
