"""Workflows of the family path: the state machine of DESIGN.md §3.3 and the multi-model changes around it.

Every transition is a function `family_<verb>(*, family, by, ...)` that locks the family row, checks the
state and the guards inside one transaction, refuses with `TransitionRefused` naming in Italian what is
missing, and writes a TransitionLog. The same guards tell the detail page what the next step still needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from equipes.models import Ambito, Implementation, Project, User
from pippi_portal.query_batch import gather

from .models import (
    ACTIVE_STATES,
    ENDED_STATES,
    AccessLog,
    Action,
    Assessment,
    AssessmentRating,
    Consent,
    DuplicateConfirmation,
    Family,
    Framework,
    Member,
    Objective,
    Preassessment,
    PreassessmentConcern,
    ProgettoQuadro,
    ProjectTakeover,
    Referral,
    State,
    SubDimension,
    TeamMember,
    TimePoint,
    TransitionLog,
    Verification,
)
from .selectors import current_plan


def record_access(user: User, family: Family, path: str, action: str = AccessLog.Action.VIEW) -> None:
    """Log that `user` opened (viewed, printed, downloaded) the page `path` about the family."""
    record_accesses(user, [family.pk], path, action)


def record_accesses(
    user: User, family_ids: Iterable[int], path: str, action: str = AccessLog.Action.VIEW, *, identities_shown=None
) -> None:
    """One access-log row per family whose people a page showed (a group's grid shows several), in one insert.
    `identities_shown` is whether the page showed names, by default whether the user's role sees them."""
    shown = user.sees_identities if identities_shown is None else identities_shown
    AccessLog.objects.bulk_create(
        AccessLog(user=user, family_id=pk, path=path[:300], action=action, identities_shown=shown)
        for pk in sorted(set(family_ids))
    )


class TransitionRefused(Exception):
    """A transition whose guards are not met; `missing` lists what is missing, in Italian."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Passaggio non possibile. Manca: %(missing)s.") % {"missing": "; ".join(missing)})


# --- Guards: each returns the list of what is still missing (empty when the step may be taken) ---------


def _needs_minor(family: Family, on: datetime.date | None = None) -> list[str]:
    if not family.members.filter(kind=Member.Kind.MINORE).exists():
        return [_("almeno un minore tra i componenti della famiglia")]
    return []


def _valid_consent(family: Family, kind: str) -> bool:
    return family.consents.filter(kind=kind, revoked_on__isnull=True).exists()


def guard_include(family: Family, on: datetime.date | None = None) -> list[str]:
    missing = []
    preassessment = Preassessment.objects.filter(family=family).first()
    if preassessment is None:
        missing.append(_("il pre-assessment"))
    elif preassessment.orientation != Preassessment.Orientation.INCLUDE:
        missing.append(_("un pre-assessment con orientamento «Inclusione in P.I.P.P.I.»"))
    if not _valid_consent(family, Consent.Kind.PRIVACY):
        missing.append(_("l'informativa privacy firmata"))
    if not _valid_consent(family, Consent.Kind.ADESIONE):
        missing.append(_("l'adesione al programma firmata"))
    if family.implementation_id is None:
        missing.append(_("l'implementazione a cui assegnare la famiglia"))
    elif family.implementation.project.is_concluded:
        missing.append(_("un'implementazione di un progetto non concluso"))
    elif family.implementation.has_ended_on(on or timezone.localdate()):
        implementation = family.implementation
        missing.append(
            _("un'implementazione non terminata (%(name)s è terminata il %(day)s)")
            % {
                "name": implementation,
                "day": f"{min(implementation.end_date, implementation.project.end_date):%d/%m/%Y}",
            }
        )
    return missing


def guard_exclude(family: Family, on: datetime.date | None = None) -> list[str]:
    return [] if Preassessment.objects.filter(family=family).exists() else [_("il pre-assessment")]


def guard_start_t0(family: Family, on: datetime.date | None = None) -> list[str]:
    team = list(family.team.all())
    missing = []
    if not any(m.user_id == family.case_manager_id for m in team):
        missing.append(_("il case manager nell'équipe della famiglia"))
    if not any(m.user_id and m.user_id != family.case_manager_id for m in team):
        missing.append(_("almeno un altro professionista nell'équipe"))
    if not any(m.member_id for m in team):
        missing.append(_("almeno un componente della famiglia nell'équipe"))
    return missing


def _complete_assessment(family: Family, time_point: str) -> bool:
    return family.assessments.filter(time_point=time_point, is_complete=True).exists()


def guard_start_path(family: Family, on: datetime.date | None = None) -> list[str]:
    missing = []
    if not _complete_assessment(family, TimePoint.T0):
        missing.append(_("la valutazione T0 completa (tutte le sottodimensioni valutate)"))
    plan = current_plan(family)
    if plan is None:
        missing.append(_("il Progetto Quadro"))
    else:
        if not plan.objectives.exists():
            missing.append(_("almeno un obiettivo nel Progetto Quadro"))
        if not plan.shared_with_family:
            missing.append(_("la condivisione del Progetto Quadro con la famiglia"))
    return missing


def _objectives_without_verification(family: Family, time_point: str) -> int:
    """The objectives of the plan in force (at most one per family: `one_current_plan_per_family`) without a
    verification at `time_point`; one query."""
    in_force = Objective.objects.filter(plan__family=family, plan__superseded_at__isnull=True)
    return in_force.exclude(verifications__time_point=time_point).count()


def guard_start_t2(family: Family, on: datetime.date | None = None) -> list[str]:
    missing = []
    # Independent reads: one round trip (`query_batch.gather`).
    complete, unverified = gather(
        lambda: _complete_assessment(family, TimePoint.T1),
        lambda: _objectives_without_verification(family, TimePoint.T1),
    )
    if not complete:
        missing.append(_("la valutazione T1 completa"))
    if unverified:
        missing.append(
            ngettext("la verifica T1 di %(n)d obiettivo", "la verifica T1 di %(n)d obiettivi", unverified)
            % {"n": unverified}
        )
    return missing


def guard_close(family: Family, on: datetime.date | None = None) -> list[str]:
    missing = []
    complete, unverified, sdq_missing = gather(
        lambda: _complete_assessment(family, TimePoint.T2),
        lambda: _objectives_without_verification(family, TimePoint.T2),
        lambda: sdq_children_missing_t2(family),
    )
    if not complete:
        missing.append(_("la valutazione T2 completa"))
    if unverified:
        missing.append(
            ngettext("la verifica T2 di %(n)d obiettivo", "la verifica T2 di %(n)d obiettivi", unverified)
            % {"n": unverified}
        )
    for child in sdq_missing:
        missing.append(_("l'SDQ a T2 di %(child)s (compilato a T0)") % {"child": child.first_name})
    if not hasattr(family, "closure"):
        missing.append(_("la scheda di chiusura con l'esito"))
    return missing


def sdq_children_missing_t2(family: Family) -> list[Member]:
    """Children with an SDQ at T0 and none at T2."""
    return list(
        Member.objects.filter(family=family, sdq_scores__time_point=TimePoint.T0)
        .exclude(sdq_scores__time_point=TimePoint.T2)
        .distinct()
    )


def no_guard(family: Family, on: datetime.date | None = None) -> list[str]:
    return []


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: back to the state the family left (resume)
    # What the transition still needs, were it dated `on` (today when None).
    guard: Callable[..., list[str]] = no_guard
    needs_reason: bool = False
    style: str = "primary"
    description: str = field(default="", compare=False)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "avvia-preassessment",
            gettext_lazy("Avvia il pre-assessment"),
            (State.SEGNALATA,),
            State.PREASSESSMENT,
            _needs_minor,
        ),
        Transition(
            "includi", gettext_lazy("Includi nel programma"), (State.PREASSESSMENT,), State.INCLUSA, guard_include
        ),
        Transition(
            "non-includere",
            gettext_lazy("Non includere"),
            (State.PREASSESSMENT,),
            State.NON_INCLUSA,
            guard_exclude,
            needs_reason=True,
            style="outline-secondary",
        ),
        Transition(
            "avvia-t0", gettext_lazy("Avvia la valutazione T0"), (State.INCLUSA,), State.VALUTAZIONE_T0, guard_start_t0
        ),
        Transition(
            "avvia-percorso",
            gettext_lazy("Avvia il percorso"),
            (State.VALUTAZIONE_T0,),
            State.IN_CORSO,
            guard_start_path,
        ),
        Transition(
            "avvia-t2",
            gettext_lazy("Avvia la valutazione finale T2"),
            (State.IN_CORSO,),
            State.VALUTAZIONE_T2,
            guard_start_t2,
        ),
        Transition(
            "concludi", gettext_lazy("Concludi il percorso"), (State.VALUTAZIONE_T2,), State.CONCLUSA, guard_close
        ),
        Transition(
            "sospendi",
            gettext_lazy("Sospendi"),
            ACTIVE_STATES,
            State.SOSPESA,
            needs_reason=True,
            style="outline-warning",
        ),
        Transition("riprendi", gettext_lazy("Riprendi il percorso"), (State.SOSPESA,), None),
        Transition(
            "interrompi",
            gettext_lazy("Interrompi"),
            (*ACTIVE_STATES, State.SOSPESA),
            State.INTERROTTA,
            needs_reason=True,
            style="outline-danger",
        ),
    ]
}


def available_transitions(family: Family) -> list[tuple[Transition, list[str]]]:
    """The transitions that start from the family's state, each with what it still needs."""
    return [(t, t.guard(family)) for t in TRANSITIONS.values() if family.state in t.sources]


def _transition(
    *,
    family: Family,
    by: User,
    transition: Transition,
    reason: str = "",
    interruption_reason: str = "",
    on: datetime.date | None = None,
) -> Family:
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family.pk)
        if locked.state not in transition.sources:
            raise TransitionRefused(
                [_("lo stato giusto: la famiglia è «%(state)s»") % {"state": locked.get_state_display()}]
            )
        missing = transition.guard(locked, on)
        if on > timezone.localdate():
            missing.append(_("una data non futura"))
        last = locked.transitions.order_by("-effective_on").values_list("effective_on", flat=True).first()
        earliest = last or locked.referral.date
        if on < earliest:
            missing.append(
                _("una data non precedente all'ultimo passaggio (%(d)s)") % {"d": earliest.strftime("%d/%m/%Y")}
            )
        if transition.needs_reason and not reason.strip():
            missing.append(_("il motivo"))
        if transition.target == State.INTERROTTA and interruption_reason not in Family.InterruptionReason.values:
            missing.append(_("il motivo dell'interruzione (rinuncia, trasferimento, allontanamento urgente, altro)"))
        if missing:
            raise TransitionRefused(missing)
        from_state = locked.state
        target = transition.target or locked.suspended_from
        update = ["state", "suspended_from", "suspension_reason", "updated_at"]
        if target == State.SOSPESA:
            locked.suspended_from, locked.suspension_reason = from_state, reason
        else:
            locked.suspended_from, locked.suspension_reason = "", ""
        if target == State.INTERROTTA:
            locked.interruption_reason = interruption_reason
            update.append("interruption_reason")
        locked.state = target
        locked.save(update_fields=update)
        TransitionLog.objects.create(
            family=locked, from_state=from_state, to_state=target, by=by, reason=reason, effective_on=on
        )
    family.refresh_from_db()
    return family


def family_start_preassessment(*, family: Family, by: User, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["avvia-preassessment"], on=on)


def family_include(*, family: Family, by: User, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["includi"], on=on)


def family_exclude(*, family: Family, by: User, reason: str, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["non-includere"], reason=reason, on=on)


def family_start_t0(*, family: Family, by: User, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["avvia-t0"], on=on)


def family_start_path(*, family: Family, by: User, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["avvia-percorso"], on=on)


def family_start_t2(*, family: Family, by: User, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["avvia-t2"], on=on)


def family_close(*, family: Family, by: User, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["concludi"], on=on)


def family_suspend(*, family: Family, by: User, reason: str, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["sospendi"], reason=reason, on=on)


def family_resume(*, family: Family, by: User, on: datetime.date | None = None) -> Family:
    return _transition(family=family, by=by, transition=TRANSITIONS["riprendi"], on=on)


def family_interrupt(
    *, family: Family, by: User, interruption_reason: str, reason: str, on: datetime.date | None = None
) -> Family:
    return _transition(
        family=family,
        by=by,
        transition=TRANSITIONS["interrompi"],
        reason=reason,
        interruption_reason=interruption_reason,
        on=on,
    )


def family_apply_transition(
    *,
    family: Family,
    by: User,
    name: str,
    reason: str = "",
    interruption_reason: str = "",
    on: datetime.date | None = None,
) -> Family:
    """Apply the transition named in a URL (the detail page's buttons)."""
    return _transition(
        family=family,
        by=by,
        transition=TRANSITIONS[name],
        reason=reason,
        interruption_reason=interruption_reason,
        on=on,
    )


# --- Creating a family ---------------------------------------------------------------------------------


def next_family_code(ambito: Ambito, year: int) -> tuple[str, int]:
    """The next pseudonymous code of an ambito in a year, e.g. SER-24-007. Call inside a transaction: the
    ambito row is locked so that two referrals at the same moment cannot take the same number."""
    Ambito.objects.select_for_update().filter(pk=ambito.pk).first()
    last = Family.objects.filter(ambito=ambito, year=year).aggregate(last=Max("sequence"))["last"] or 0
    sequence = last + 1
    return f"{ambito.code}-{year % 100:02d}-{sequence:03d}", sequence


@dataclass(frozen=True)
class DuplicateConfirmed:
    """The user's confirmation that a member whose codice fiscale another family of the ambito already has is
    registered all the same (`MemberForm.duplicate_confirmation`)."""

    existing_family_id: int
    reason: str


def member_add(*, member: Member, by: User, duplicate: DuplicateConfirmed | None = None) -> Member:
    """Save a member of a family; when its codice fiscale was confirmed as already registered in another
    family of the ambito, record who confirmed it, why and which family had it, in the same transaction."""
    with transaction.atomic():
        member.save()
        if duplicate is not None:
            DuplicateConfirmation.objects.create(
                family_id=member.family_id,
                member=member,
                existing_family_id=duplicate.existing_family_id,
                reason=duplicate.reason,
                by=by,
            )
    return member


def duplicate_review(*, confirmation: DuplicateConfirmation, by: User) -> DuplicateConfirmation:
    """The Referente di Ambito has checked a codice fiscale registered twice: it leaves the list to review.
    Reviewing one already reviewed changes nothing (a second click, or two people at once)."""
    DuplicateConfirmation.objects.filter(pk=confirmation.pk, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by=by
    )
    confirmation.refresh_from_db()
    return confirmation


def family_refer(
    *,
    by: User,
    family: Family,
    referral: Referral,
    members: Iterable[Member],
    duplicates: dict[int, DuplicateConfirmed] | None = None,
) -> Family:
    """Register a referral: the family (with a new code), its referral and its members, in one transaction.
    The user who registers it is the case manager unless the form named another. `duplicates` maps the
    position of a member in `members` to the confirmation that its codice fiscale is registered again."""
    duplicates = duplicates or {}
    if family.implementation_id is not None and family.implementation.project.is_concluded:
        raise TransitionRefused([_("un'implementazione di un progetto non concluso")])
    with transaction.atomic():
        family.ambito_id = family.equipe.ambito_id
        family.year = referral.date.year
        family.code, family.sequence = next_family_code(family.ambito, family.year)
        family.state = State.SEGNALATA
        family.save()
        referral.family = family
        referral.received_by = by
        referral.save()
        for position, member in enumerate(members):
            member.family = family
            member_add(member=member, by=by, duplicate=duplicates.get(position))
        # The case manager leads the family's équipe from the first day.
        TeamMember.objects.create(family=family, user=family.case_manager, role=_("Case manager"))
    return family


# --- The project that follows ----------------------------------------------------------------------------


def families_to_take_over(predecessor: Project) -> QuerySet[Family]:
    """The families of a project's implementations whose path has not ended (referred, pre-assessed, on
    their path or suspended): those the follow-on project takes over."""
    return Family.objects.filter(implementation__project=predecessor).exclude(state__in=ENDED_STATES)


def families_take_over(*, implementation: Implementation, by: User) -> list[Family]:
    """Carry the families still on their path from the concluded project that `implementation`'s project
    follows into `implementation`, from the day after the conclusion. Each family keeps its state,
    assessments, plans, team and interventions (interventions belong to the family, not to the project, and
    run on); only its implementation changes, and a `ProjectTakeover` row records from which one, in which
    state, when and by whom. Hours are attributed by date: up to the conclusion to the old project's
    timesheets, from the next day to the new one's."""
    project = implementation.project
    predecessor = project.predecessor
    if predecessor is None:
        raise TransitionRefused([_("un progetto precedente da cui riprendere le famiglie")])
    if not predecessor.is_concluded:
        raise TransitionRefused([_("la conclusione del progetto precedente")])
    on = predecessor.concluded_on + datetime.timedelta(days=1)
    with transaction.atomic():
        families = list(families_to_take_over(predecessor).select_for_update(of=("self",)).order_by("pk"))
        takeovers = [
            ProjectTakeover(
                family=family,
                from_implementation_id=family.implementation_id,
                to_implementation=implementation,
                state=family.state,
                effective_on=on,
                by=by,
            )
            for family in families
        ]
        Family.objects.filter(pk__in=[f.pk for f in families]).update(
            implementation=implementation, updated_at=timezone.now()
        )
        ProjectTakeover.objects.bulk_create(takeovers)
    return families


# --- Assessments -----------------------------------------------------------------------------------------


def assessment_save(
    *,
    family: Family,
    time_point: str,
    date: datetime.date,
    ratings: dict[int, dict],
    by: User,
    framework: Framework | None = None,
) -> Assessment:
    """Create or update the family's assessment at a time point with its ratings (by sub-dimension id:
    rating and the three voices); it is complete when every sub-dimension of its framework is rated. A new
    assessment uses the given framework (the one its form showed), or the current one."""
    with transaction.atomic():
        assessment = Assessment.objects.filter(family=family, time_point=time_point).first()
        if assessment is None:
            assessment = Assessment(family=family, time_point=time_point, framework=framework or Framework.current())
        assessment.date = date
        assessment.updated_by = by
        assessment.save()
        subdimensions = SubDimension.objects.filter(side__framework=assessment.framework)
        existing = {r.subdimension_id: r for r in assessment.ratings.all()}
        for subdimension in subdimensions:
            values = ratings.get(subdimension.pk, {})
            rating = existing.get(subdimension.pk) or AssessmentRating(assessment=assessment, subdimension=subdimension)
            rating.rating = values.get("rating") or None
            rating.child_voice = values.get("child_voice", "")
            rating.parents_voice = values.get("parents_voice", "")
            rating.operators_voice = values.get("operators_voice", "")
            rating.save()
        rated = assessment.ratings.filter(rating__isnull=False).count()
        assessment.is_complete = rated == len(subdimensions)
        assessment.save(update_fields=["is_complete"])
    return assessment


# --- Progetto Quadro --------------------------------------------------------------------------------------


def plan_create(*, family: Family, date: datetime.date, general_aims: str) -> ProgettoQuadro:
    if current_plan(family) is not None:
        raise TransitionRefused([_("nessun Progetto Quadro in vigore: usa «Revisiona» per una nuova versione")])
    return ProgettoQuadro.objects.create(family=family, version=1, date=date, general_aims=general_aims)


def plan_revise(*, plan: ProgettoQuadro, date: datetime.date, reason: str) -> ProgettoQuadro:
    """A new version of the plan, copying objectives, actions and verifications; the previous version is
    frozen (superseded) and stays readable."""
    if not reason.strip():
        raise TransitionRefused([_("il motivo della revisione")])
    with transaction.atomic():
        old = ProgettoQuadro.objects.select_for_update().get(pk=plan.pk)
        if not old.is_current:
            raise TransitionRefused([_("la versione in vigore: questa è già stata sostituita")])
        old.superseded_at = timezone.now()
        old.save(update_fields=["superseded_at"])
        new = ProgettoQuadro.objects.create(
            family=old.family,
            version=old.version + 1,
            date=date,
            general_aims=old.general_aims,
            revision_reason=reason,
        )
        # `groups` is the reverse relation of the interventions app's Group.objectives (its link table).
        served_by, served = Objective.groups.through, []
        for objective in old.objectives.prefetch_related("actions", "verifications", "groups"):
            copy = Objective.objects.create(
                plan=new,
                subdimension_id=objective.subdimension_id,
                expected_result=objective.expected_result,
                verification_method=objective.verification_method,
                deadline=objective.deadline,
                status=objective.status,
                previous=objective,
            )
            Action.objects.bulk_create(
                Action(
                    objective=copy,
                    description=a.description,
                    responsible_user_id=a.responsible_user_id,
                    responsible_member_id=a.responsible_member_id,
                    responsible_other=a.responsible_other,
                    frequency=a.frequency,
                )
                for a in objective.actions.all()
            )
            Verification.objects.bulk_create(
                Verification(objective=copy, time_point=v.time_point, date=v.date, outcome=v.outcome, notes=v.notes)
                for v in objective.verifications.all()
            )
            # The groups serving the objective go on serving it in the new version.
            served.extend(served_by(group_id=group.pk, objective_id=copy.pk) for group in objective.groups.all())
        served_by.objects.bulk_create(served)
    return new


def verification_save(
    *, objective: Objective, time_point: str, date: datetime.date, outcome: str, notes: str
) -> Verification:
    """Record the T1/T2 verification of an objective; the objective's status follows the outcome."""
    with transaction.atomic():
        verification, _created = Verification.objects.update_or_create(
            objective=objective, time_point=time_point, defaults={"date": date, "outcome": outcome, "notes": notes}
        )
        objective.status = outcome
        objective.save(update_fields=["status"])
    return verification


def preassessment_save(
    *, family: Family, preassessment: Preassessment, concerns: dict[int, int], by: User
) -> Preassessment:
    """Save the pre-assessment with its level of concern for each side of the triangle."""
    with transaction.atomic():
        preassessment.family = family
        preassessment.recorded_by = by
        preassessment.save()
        for side_id, level in concerns.items():
            PreassessmentConcern.objects.update_or_create(
                preassessment=preassessment, side_id=side_id, defaults={"level": level}
            )
    return preassessment
