"""Progress toward each project's targets (`equipes.ProjectTarget`): the current value of every target where it is
checked (the project, each ambito, each implementation, each implementation in each ambito), its minimum and the
shortfall. Targets are minimums: a value above the minimum is simply met.

It lives in `reporting` because it reads every app (families, groups, school partnerships, training). Whatever the
number of projects, targets, ambiti and implementations, `project_target_progress` makes the same two round trips
(`gather`): the targets with the projects, their ambiti and implementations, then one aggregate per source of
figures, and the checks are assembled in Python (the first round trip only when no project has a target)."""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from equipes.models import Implementation, Project, ProjectTarget, StaffTraining, TargetKind, TargetScope
from families.models import State, TransitionLog
from interventions.models import Group, Intervention, Pairing, SchoolPartnership
from pippi_portal import compiled
from pippi_portal.query_batch import gather

# Outcomes A (goes on without intensive support) and B (goes on with the ordinary services) are positive: the
# child stays at home without a protection path. C (a protection path is needed) is not.
POSITIVE_OUTCOMES = ("A", "B")
ENDED_STATES = (State.CONCLUSA, State.INTERROTTA)

# What each kind counts: the figure (and, for a share, the figure it is a share of) and the noun of a shortfall.
MEASURES: dict[str, tuple[str, str | None]] = {
    TargetKind.FAMIGLIE_INCLUSE: ("included", None),
    TargetKind.GRUPPI_GENITORI: ("parent_groups", None),
    TargetKind.GRUPPI_BAMBINI: ("children_groups", None),
    TargetKind.COLLABORAZIONI_SCUOLE: ("schools", None),
    TargetKind.OPERATORI_FORMATI: ("trained", None),
    TargetKind.FAMIGLIE_CON_SEDT: ("with_sedt", "included"),
    TargetKind.FAMIGLIE_CON_APPOGGIO: ("with_support_family", "included"),
    TargetKind.ESITI_POSITIVI: ("positive", "ended"),
}
NOUNS = {
    TargetKind.FAMIGLIE_INCLUSE: gettext_lazy("famiglie incluse"),
    TargetKind.GRUPPI_GENITORI: gettext_lazy("gruppi di genitori"),
    TargetKind.GRUPPI_BAMBINI: gettext_lazy("gruppi di bambini"),
    TargetKind.COLLABORAZIONI_SCUOLE: gettext_lazy("collaborazioni con le scuole"),
    TargetKind.OPERATORI_FORMATI: gettext_lazy("operatori formati"),
    TargetKind.FAMIGLIE_CON_SEDT: gettext_lazy("famiglie con l'educativa domiciliare"),
    TargetKind.FAMIGLIE_CON_APPOGGIO: gettext_lazy("famiglie con una famiglia d'appoggio"),
    TargetKind.ESITI_POSITIVI: gettext_lazy("percorsi con esito positivo"),
}
DENOMINATORS = {"included": gettext_lazy("famiglie incluse"), "ended": gettext_lazy("percorsi conclusi o interrotti")}


@dataclass
class TargetCheck:
    """One place where a target is checked: "P.I.P.P.I. 12 · Bassa Romagna" has 0 children's groups, minimum 1."""

    where: str
    minimum: int
    value: int | None  # a count, or a percentage for shares; None for a share of nothing yet
    numerator: int
    denominator: int | None  # None for counts
    missing: int  # how many more the minimum needs (0 when met)
    warning: str = ""

    @property
    def met(self) -> bool:
        return self.missing == 0


@dataclass
class TargetProgress:
    target_id: int
    kind: str
    kind_label: str
    scope: str
    scope_label: str
    minimum: int
    unit: str
    note: str
    checks: list[TargetCheck] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [c.warning for c in self.checks if c.warning]

    @property
    def met(self) -> bool:
        return all(c.met for c in self.checks)

    def as_snapshot(self) -> dict:
        """The JSON the semester report freezes."""
        return {**asdict(self), "met": self.met}


def project_target_progress(projects, as_of: datetime.date | None = None) -> dict[int, list[TargetProgress]]:
    """The progress of every target of `projects` (a queryset or a list of projects) on `as_of` (today by
    default), per project id, in the order of the targets."""
    as_of = as_of or timezone.localdate()
    project_ids = [p.pk for p in projects]
    # The targets and what their checks are named after (the projects, their ambiti and implementations): one
    # round trip; then the figures, one more, only when there is a target.
    # Compiled once per process for each set of projects (`pippi_portal.compiled`); `as_of` is an argument.
    ids = tuple(project_ids)
    targets, loaded, links, implementations = gather(
        lambda: compiled.rows(
            ("targets.targets", ids),
            lambda: ProjectTarget.objects.filter(project__in=ids).order_by("kind", "scope"),
        ),
        lambda: compiled.rows(
            ("targets.projects", ids), lambda: Project.objects.filter(pk__in=ids).select_related("ambito")
        ),
        lambda: compiled.rows(
            ("targets.links", ids),
            lambda: (
                Project.associated_ambiti.through.objects.filter(project__in=ids)
                .select_related("ambito")
                .order_by("ambito_id")
            ),
        ),
        lambda: compiled.rows(
            ("targets.implementations", ids),
            lambda: Implementation.objects.filter(project__in=ids).order_by("number"),
        ),
    )
    result: dict[int, list[TargetProgress]] = {pk: [] for pk in project_ids}
    if not targets:
        return result
    shapes = {
        project.pk: _Shape(
            project,
            ambiti=[project.ambito, *(link.ambito for link in links if link.project_id == project.pk)],
            implementations=[i for i in implementations if i.project_id == project.pk],
        )
        for project in loaded
        if any(t.project_id == project.pk for t in targets)
    }
    figures = _figures(list(shapes.values()), as_of)
    for target in targets:
        shape = shapes[target.project_id]
        result[target.project_id].append(_progress(shape, target, figures[target.project_id]))
    return result


@dataclass
class _Shape:
    """A project with its ambiti (the lead first, then the associated ones by id) and its implementations (by
    number): where its targets are checked."""

    project: Project
    ambiti: list
    implementations: list

    @property
    def ambito_ids(self) -> list[int]:
        return [a.pk for a in self.ambiti]


# --- The figures, per (implementation, ambito) of each project ---------------------------------------------------

Cell = tuple[int | None, int]  # (implementation id or None for figures not tied to one, ambito id)


def _figures(projects: list[_Shape], as_of: datetime.date) -> dict[int, dict[Cell, Counter]]:
    figures: dict[int, dict[Cell, Counter]] = {p.project.pk: defaultdict(Counter) for p in projects}
    ids = list(figures)
    # Independent reads: one round trip inside a `gather` (the indicators), one query each elsewhere.
    key = tuple(ids)
    family_rows, group_rows, school_rows, trained_rows = gather(
        lambda: _family_rows(ids, as_of),
        lambda: compiled.rows(("targets.groups", key), _group_rows(key), as_of),
        lambda: compiled.rows(("targets.schools", key), _school_rows(key), as_of),
        lambda: _trained_rows(projects, as_of),
    )
    for row in family_rows:
        cell = figures[row["implementation__project"]][row["implementation"], row["ambito"]]
        for key in ("included", "with_sedt", "with_support_family", "ended", "positive"):
            cell[key] += row[key]
    for row in group_rows:
        cell = figures[row["implementation__project"]][row["implementation"], row["ambito"]]
        cell["parent_groups"] += row["parent_groups"]
        cell["children_groups"] += row["children_groups"]
    for row in school_rows:
        figures[row["project"]][None, row["ambito"]]["schools"] += row["n"]
    _add_trained(projects, figures, trained_rows)
    return figures


def _group_rows(ids: tuple[int, ...]):
    def build(as_of: datetime.date):
        return (
            Group.objects.filter(implementation__project__in=ids, start_date__lte=as_of)
            .values("implementation", "implementation__project", "ambito")
            .annotate(
                parent_groups=Count("pk", filter=Q(type__code="gruppo_genitori")),
                children_groups=Count("pk", filter=Q(type__code="gruppo_bambini")),
            )
        )

    return build


def _school_rows(ids: tuple[int, ...]):
    def build(as_of: datetime.date):
        # "Structured" (003): a protocol, an agreement or a convention, not an informal collaboration.
        return (
            SchoolPartnership.objects.filter(project__in=ids, signed_on__lte=as_of)
            .exclude(kind=SchoolPartnership.Kind.INFORMALE)
            .values("project", "ambito")
            .annotate(n=Count("pk"))
        )

    return build


def _family_rows(project_ids: list[int], as_of: datetime.date) -> list[dict]:
    """Families included by `as_of`, per implementation and ambito: how many, how many with an SEDT intervention
    and with a support family started by then, how many paths ended and how many of those ended well.

    Three plain reads in one round trip (inside `gather`): the projects' families' steps by `as_of`, counted per
    family and state, with the family's closure outcome; the families with an SEDT intervention started by then;
    the families with a support family by then. They are put together here, per family. Each read is scoped to
    the projects' families: a cost that does not grow with the other ambiti's data. One query with an `EXISTS`
    per figure took longer to build, plan and run than the three (docs/decisions.md)."""
    ids = tuple(project_ids)
    of_projects = Q(family__implementation__project__in=ids)
    steps, with_sedt, with_pairing = gather(
        lambda: compiled.rows(
            ("targets.steps", ids),
            lambda as_of: (
                TransitionLog.objects.filter(of_projects, effective_on__lte=as_of)
                .values_list(
                    "family",
                    "family__implementation",
                    "family__implementation__project",
                    "family__ambito",
                    "family__closure__outcome__code",
                )
                .annotate(
                    included=Count("pk", filter=Q(to_state=State.INCLUSA)),
                    ended=Count("pk", filter=Q(to_state__in=ENDED_STATES)),
                    concluded=Count("pk", filter=Q(to_state=State.CONCLUSA)),
                )
                .order_by()
            ),
            as_of,
        ),
        lambda: set(
            compiled.rows(
                ("targets.with_sedt", ids),
                lambda as_of: Intervention.objects.filter(
                    of_projects, type__code="sedt", start_date__lte=as_of
                ).values_list("family", flat=True),
                as_of,
            )
        ),
        lambda: set(
            compiled.rows(
                ("targets.with_pairing", ids),
                lambda as_of: Pairing.objects.filter(of_projects, start_date__lte=as_of).values_list(
                    "family", flat=True
                ),
                as_of,
            )
        ),
    )
    cells: dict[tuple, Counter] = defaultdict(Counter)
    for family, implementation, project, ambito, outcome, included, ended, concluded in steps:
        if not included:
            continue
        cell = cells[implementation, project, ambito]
        cell["included"] += 1
        cell["with_sedt"] += family in with_sedt
        cell["with_support_family"] += family in with_pairing
        cell["ended"] += ended > 0
        cell["positive"] += concluded > 0 and outcome in POSITIVE_OUTCOMES
    return [
        {"implementation": implementation, "implementation__project": project, "ambito": ambito, **counts}
        for (implementation, project, ambito), counts in cells.items()
    ]


def _trained_rows(projects: list[_Shape], as_of: datetime.date):
    """(user, ambito, completed on) of the courses completed by the people of the projects' ambiti by `as_of`."""
    ambito_ids = tuple(sorted({a for p in projects for a in p.ambito_ids}))
    return compiled.rows(
        ("targets.trained", ambito_ids),
        lambda day: (
            StaffTraining.objects.filter(user__ambito__in=ambito_ids, completed_on__lte=day)
            .values_list("user", "user__ambito", "completed_on")
            .distinct()
        ),
        as_of,
    )


def _add_trained(projects: list[_Shape], figures: dict[int, dict[Cell, Counter]], rows) -> None:
    """Operators trained: the people of the project's ambiti with a course completed within the project's period
    (up to `as_of`, in `rows`), each counted once."""
    trained: dict[int, dict[int, set[int]]] = {p.project.pk: defaultdict(set) for p in projects}
    for user, ambito, completed_on in rows:
        for shape in projects:
            project = shape.project
            if ambito in shape.ambito_ids and project.start_date <= completed_on <= project.end_date:
                trained[project.pk][ambito].add(user)
    for project_id, by_ambito in trained.items():
        for ambito, users in by_ambito.items():
            figures[project_id][None, ambito]["trained"] = len(users)


# --- The checks ------------------------------------------------------------------------------------------------


def _progress(shape: _Shape, target: ProjectTarget, figures: dict[Cell, Counter]) -> TargetProgress:
    kind = TargetKind(target.kind)
    progress = TargetProgress(
        target_id=target.pk,
        kind=target.kind,
        kind_label=str(kind.label),
        scope=target.scope,
        scope_label=str(TargetScope(target.scope).label),
        minimum=target.minimum,
        unit=kind.unit,
        note=target.note,
    )
    ambiti, implementations = shape.ambiti, shape.implementations
    if target.scope == TargetScope.PROGETTO:
        places = [(_("Progetto"), lambda impl, amb: True)]
    elif target.scope == TargetScope.AMBITO:
        places = [(a.name, lambda impl, amb, a=a: amb == a.pk) for a in ambiti]
    elif target.scope == TargetScope.IMPLEMENTAZIONE:
        places = [(str(i), lambda impl, amb, i=i: impl == i.pk) for i in implementations]
    else:
        places = [
            (f"{i} · {a.name}", lambda impl, amb, i=i, a=a: impl == i.pk and amb == a.pk)
            for i in implementations
            for a in ambiti
        ]
    for where, matches in places:
        total = Counter()
        for (impl, amb), counts in figures.items():
            if matches(impl, amb):
                total.update(counts)
        progress.checks.append(_check(kind, target.minimum, where, total))
    return progress


def _check(kind: TargetKind, minimum: int, where: str, total: Counter) -> TargetCheck:
    figure, of = MEASURES[kind]
    numerator = total[figure]
    if of is None:
        missing = max(0, minimum - numerator)
        check = TargetCheck(where, minimum, numerator, numerator, None, missing)
        if missing:
            check.warning = _("%(where)s: mancano %(n)d %(noun)s (%(value)d su un minimo di %(min)d).") % {
                "where": where,
                "n": missing,
                "noun": NOUNS[kind],
                "value": numerator,
                "min": minimum,
            }
        return check
    denominator = total[of]
    if not denominator:
        return TargetCheck(where, minimum, None, numerator, 0, 0)
    value = math.floor(100 * numerator / denominator)
    missing = max(0, math.ceil(minimum * denominator / 100) - numerator)
    check = TargetCheck(where, minimum, value, numerator, denominator, missing)
    if missing:
        check.warning = _(
            "%(where)s: sotto il minimo, %(value)d%% contro il %(min)d%% (%(num)d su %(den)d %(of)s): mancano "
            "%(n)d %(noun)s."
        ) % {
            "where": where,
            "value": value,
            "min": minimum,
            "num": numerator,
            "den": denominator,
            "of": DENOMINATORS[of],
            "n": missing,
            "noun": NOUNS[kind],
        }
    return check
