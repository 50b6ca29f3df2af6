"""The family path of the synthetic data: which steps, in which order, on which days, and `walk()`, which takes
a family along it through the real services.

One plan of the path for everything that makes data: the demo walks its families with `walk()`, the tests
walk theirs with it (through the root conftest's `walk` and `advance` fixtures), and the scale seed, which
writes rows in bulk rather than calling a service per family, takes its steps and days from `steps_between()`
and `Calendar`. A demo that loads at all has passed every guard of the services, and the scale seed's
transition logs have the days the services would have written.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile

from equipes.models import User
from families import services
from families.models import (
    Closure,
    ClosureOutcome,
    Consent,
    Family,
    Framework,
    Member,
    Objective,
    Preassessment,
    SDQScore,
    State,
    SubDimension,
    TeamMeeting,
    TeamMember,
    TimePoint,
)
from families.selectors import current_plan

# The main path, in order (DESIGN.md §3.3).
PATH = [
    State.SEGNALATA,
    State.PREASSESSMENT,
    State.INCLUSA,
    State.VALUTAZIONE_T0,
    State.IN_CORSO,
    State.VALUTAZIONE_T2,
    State.CONCLUSA,
]
# The last step of the main path that a family in one of the other states went through.
LEFT_THE_PATH_AT = {
    State.NON_INCLUSA: State.PREASSESSMENT,
    State.SOSPESA: State.IN_CORSO,
    State.INTERROTTA: State.IN_CORSO,
}
DAY = datetime.timedelta(days=1)
T0_AFTER_REFERRAL = 45 * DAY


# A one-page PDF standing in for a scanned, signed consent.
def _one_page_pdf() -> bytes:
    """A blank A4 page, with the cross-reference table a PDF reader needs."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


SIGNED_PDF = _one_page_pdf()


def main_step(state: str) -> str:
    """The step of the main path a family in `state` last went through."""
    return LEFT_THE_PATH_AT.get(state, state)


def steps_between(current: str, target: str) -> list[str]:
    """The steps of the main path after `current`, up to and including `target`."""
    return PATH[PATH.index(current) + 1 : PATH.index(target) + 1]


def went_through(state: str, step: str) -> bool:
    """Whether a family now in `state` went through `step` of the main path."""
    return PATH.index(main_step(state)) >= PATH.index(step)


@dataclass(frozen=True)
class Calendar:
    """The days of one family's path, from its referral and its assessment days."""

    referral: datetime.date
    t0: datetime.date | None = None
    t1: datetime.date | None = None
    t2: datetime.date | None = None

    @property
    def preassessed(self) -> datetime.date:
        """The pre-assessment of a family that is included."""
        return self.referral + 14 * DAY

    @property
    def preassessed_for_protection(self) -> datetime.date:
        """The pre-assessment of a family that is not included (oriented to a protection path)."""
        return self.referral + 10 * DAY

    @property
    def excluded(self) -> datetime.date:
        return self.referral + 12 * DAY

    @property
    def consents_signed(self) -> datetime.date:
        return self.referral + 15 * DAY

    @property
    def plan_made(self) -> datetime.date:
        return self.t0 + 10 * DAY

    @property
    def plan_shared(self) -> datetime.date:
        """The Progetto Quadro shared in an EM meeting, the day the path starts."""
        return self.t0 + 12 * DAY

    @property
    def closed(self) -> datetime.date:
        return self.t2 + 7 * DAY

    def day(self, step: str) -> datetime.date:
        """The day the family reached `step` of the main path."""
        if step == State.PREASSESSMENT:
            return self.referral + 7 * DAY
        if step == State.INCLUSA:
            return self.referral + 16 * DAY
        if step == State.VALUTAZIONE_T0:
            return self.referral + 20 * DAY
        if step == State.IN_CORSO:
            return self.plan_shared
        if step == State.VALUTAZIONE_T2:
            return self.t1 + 7 * DAY
        if step == State.CONCLUSA:
            return self.closed
        raise ValueError(f"{step} is not a step of the main path after the referral")


def ratings(rng: random.Random, base: int, spread: int = 1) -> dict[int, dict]:
    """A rating for every sub-dimension of the current framework, around `base`."""
    subdimensions = SubDimension.objects.filter(side__framework=Framework.current())
    return {sub.pk: {"rating": max(1, min(6, base + rng.randint(-spread, spread)))} for sub in subdimensions}


def walk(
    family: Family,
    target: str,
    *,
    by: User,
    operator: User,
    t0: datetime.date,
    rng: random.Random | None = None,
    outcome: str = "A",
) -> Family:
    """Take a family from where it is to `target` along the main path, entering what each guard needs.
    Dates follow the implementation's T1/T2 offsets from `t0`."""
    rng = rng or random.Random(family.pk)
    implementation = family.implementation
    calendar = Calendar(
        referral=family.referral.date, t0=t0, t1=implementation.t1_due(t0), t2=implementation.t2_due(t0)
    )
    names = note_names(family)
    for step in steps_between(family.state, target):
        on = calendar.day(step)
        if step == State.PREASSESSMENT:
            services.family_start_preassessment(family=family, by=by, on=on)
        elif step == State.INCLUSA:
            services.preassessment_save(
                family=family,
                preassessment=Preassessment(
                    date=calendar.preassessed,
                    orientation=Preassessment.Orientation.INCLUDE,
                    motivation="Famiglia {surname} motivata, negligenza lieve: indicata.".format(**names),
                    risk_factors="Isolamento sociale; {parent} fatica nella gestione delle routine.".format(**names),
                    protective_factors="Legame tra {parent} e {child}, rete parentale presente.".format(**names),
                ),
                concerns={side.pk: rng.randint(1, 3) for side in Framework.current().sides.all()},
                by=by,
            )
            parent = family.members.exclude(kind=Member.Kind.MINORE).first()
            for kind in (Consent.Kind.PRIVACY, Consent.Kind.ADESIONE):
                consent = Consent(family=family, kind=kind, signed_on=calendar.consents_signed, signed_by=parent)
                consent.file.save("consenso.pdf", ContentFile(SIGNED_PDF), save=True)
            services.family_include(family=family, by=by, on=on)
        elif step == State.VALUTAZIONE_T0:
            if not family.team.filter(user=operator).exists():
                TeamMember.objects.create(
                    family=family, user=operator, role=operator.get_profile_display() or "Operatore"
                )
            parent = family.members.exclude(kind=Member.Kind.MINORE).first()
            TeamMember.objects.get_or_create(family=family, member=parent, defaults={"role": "Figura genitoriale"})
            services.family_start_t0(family=family, by=by, on=on)
        elif step == State.IN_CORSO:
            _start_path(family, calendar, by=by, operator=operator, rng=rng, names=names)
            services.family_start_path(family=family, by=by, on=on)
        elif step == State.VALUTAZIONE_T2:
            record_t1(family, by=by, t0=t0, rng=rng)
            services.family_start_t2(family=family, by=by, on=on)
        elif step == State.CONCLUSA:
            _close(family, calendar, by=by, rng=rng, names=names, outcome=outcome)
            services.family_close(family=family, by=by, on=on)
        family.refresh_from_db()
    return family


def _start_path(
    family: Family, calendar: Calendar, *, by: User, operator: User, rng: random.Random, names: dict[str, str]
) -> None:
    """The T0 assessment, an SDQ, and a Progetto Quadro of two objectives shared with the family in an EM
    meeting: what the start of the path needs."""
    t0 = calendar.t0
    services.assessment_save(family=family, time_point=TimePoint.T0, date=t0, ratings=ratings(rng, 3), by=by)
    child = family.members.filter(kind=Member.Kind.MINORE).first()
    sdq(child, TimePoint.T0, t0, rng, worse=True)
    plan = services.plan_create(
        family=family,
        date=calendar.plan_made,
        general_aims=(
            "Sostenere {parent} nella cura quotidiana di {child} e rafforzare la rete sociale della "
            "famiglia {surname}.".format(**names)
        ),
    )
    subdimensions = list(SubDimension.objects.filter(side__framework=Framework.current()))
    for sub in rng.sample(subdimensions, 2):
        objective = Objective.objects.create(
            plan=plan,
            subdimension=sub,
            expected_result=f"{names['child']}: miglioramento in «{sub.name.lower()}» nella vita quotidiana.",
            verification_method=f"Osservazione dell'educatore e confronto in EM con {names['parent']}.",
            deadline=calendar.t1,
        )
        objective.actions.create(
            description="Accompagnamento educativo di {parent} sulle routine di {child}.".format(**names),
            responsible_user=operator,
            frequency="2 volte a settimana",
        )
    plan.shared_with_family, plan.shared_on = True, calendar.plan_shared
    plan.save()
    TeamMeeting.objects.create(
        family=family,
        date=calendar.plan_shared,
        minutes="Condivisione del Progetto Quadro con {parent}; {child} era presente.".format(**names),
    ).participants.set(family.team.all())


def _close(
    family: Family, calendar: Calendar, *, by: User, rng: random.Random, names: dict[str, str], outcome: str
) -> None:
    """The T2 assessment, every objective verified, the SDQ at T2 and the closure."""
    t2 = calendar.t2
    services.assessment_save(family=family, time_point=TimePoint.T2, date=t2, ratings=ratings(rng, 5), by=by)
    for objective in current_plan(family).objectives.all():
        services.verification_save(
            objective=objective,
            time_point=TimePoint.T2,
            date=t2,
            outcome=rng.choice(["raggiunto", "raggiunto", "parzialmente", "non_raggiunto"]),
            notes="Verificato in EM con {parent}.".format(**names),
        )
    for child in services.sdq_children_missing_t2(family):
        sdq(child, TimePoint.T2, t2, rng, worse=False)
    Closure.objects.create(
        family=family,
        date=calendar.closed,
        outcome=ClosureOutcome.objects.get(code=outcome),
        child_at_home=outcome != "C",
        notes="Percorso concluso, valutazione condivisa in EM con {parent} e {child}.".format(**names),
    )


def record_t1(family: Family, *, by: User, t0: datetime.date, rng: random.Random) -> None:
    """The T1 assessment and verifications of a family still in progress (its T2 phase not yet opened)."""
    t1 = family.implementation.t1_due(t0)
    services.assessment_save(family=family, time_point=TimePoint.T1, date=t1, ratings=ratings(rng, 4), by=by)
    for objective in current_plan(family).objectives.all():
        services.verification_save(
            objective=objective,
            time_point=TimePoint.T1,
            date=t1,
            outcome="parzialmente",
            notes="{child} ha fatto passi avanti, da consolidare.".format(**note_names(family)),
        )


def note_names(family: Family) -> dict[str, str]:
    """First names and surname as the notes of a real case name them: the first parent and the reference child."""
    members = list(family.members.order_by("kind", "birth_date", "pk"))
    parent = next((m for m in members if m.kind != Member.Kind.MINORE), members[0])
    children = [m for m in members if m.kind == Member.Kind.MINORE]
    child = next((m for m in children if m.is_reference_child), children[0] if children else parent)
    return {"parent": parent.first_name, "child": child.first_name, "surname": parent.last_name}


def sdq(child: Member, time_point: str, day: datetime.date, rng: random.Random, *, worse: bool) -> None:
    """A parent's SDQ scores for `child`: worse at T0, better at T2."""
    base = 4 if worse else 2
    SDQScore.objects.get_or_create(
        member=child,
        time_point=time_point,
        respondent=SDQScore.Respondent.GENITORE,
        defaults={
            "date": day,
            "emotional": base + rng.randint(0, 2),
            "conduct": base + rng.randint(0, 2),
            "hyperactivity": base + rng.randint(0, 3),
            "peer": base + rng.randint(0, 2),
            "prosocial": 7 - base + rng.randint(0, 3),
        },
    )
