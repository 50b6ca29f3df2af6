"""The families of one scale ambito and their path, as rows: members, referral, pre-assessment, consents,
the family équipe, transition logs, diary notes, assessments with every sub-dimension rated, SDQ, closures,
and the Progetto Quadro with objectives, actions and verifications."""

from __future__ import annotations

import datetime
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from demo.path import LEFT_THE_PATH_AT, main_step, steps_between, went_through
from equipes.models import (
    User,
)
from families.models import (
    Action,
    Assessment,
    AssessmentRating,
    Closure,
    Consent,
    DiaryNote,
    Family,
    Member,
    Objective,
    Preassessment,
    PreassessmentConcern,
    ProgettoQuadro,
    Referral,
    SDQScore,
    State,
    TeamMember,
    TimePoint,
    TransitionLog,
    Verification,
)
from pippi_portal.crypto import keyed_hash

from .codice_fiscale import codice_fiscale
from .plan import LANGUAGES, SCHOOLS, FamilyPlan, Staff
from .rows import Rows


class FamilyRows(Rows):
    """The family part of `AmbitoSeeder`."""

    def families(self, ambito, comuni, equipes, staff, implementations, plans) -> list[Family]:
        rng, ref = self.rng, self.ref
        sequences: dict[int, int] = defaultdict(int)
        families = []
        for i, plan in enumerate(plans):
            cm = staff.case_managers[i % len(staff.case_managers)]
            equipe = equipes[staff.case_managers.index(cm) % len(equipes)]
            year = plan.referral.year
            sequences[year] += 1
            state = plan.state
            families.append(
                Family(
                    ambito=ambito,
                    comune=rng.choice(comuni),
                    implementation=implementations[i % len(implementations)],
                    equipe=equipe,
                    case_manager=cm,
                    code=f"{self.code}-{year % 100:02d}-{sequences[year]:03d}",
                    year=year,
                    sequence=sequences[year],
                    state=state,
                    suspended_from=State.IN_CORSO if state == State.SOSPESA else "",
                    suspension_reason="Ricovero ospedaliero della madre." if state == State.SOSPESA else "",
                    interruption_reason=Family.InterruptionReason.TRASFERIMENTO if state == State.INTERROTTA else "",
                    reunification=rng.random() < 0.1,
                    cultural_mediation=plan.mediation,
                    language=rng.choice(LANGUAGES) if plan.mediation else "",
                    address=rng.choice(ref.streets),
                    phone=rng.choice(ref.phones),
                )
            )
        families = self.bulk(Family, families)
        members = []
        for family, plan in zip(families, plans, strict=True):
            members += self.members(family, plan)
        members = self.bulk(Member, members)
        by_family: dict[int, list[Member]] = defaultdict(list)
        for member in members:
            by_family[member.family_id].append(member)
        for family in families:
            family.scale_members = by_family[family.pk]
        return families

    def members(self, family: Family, plan: FamilyPlan) -> list[Member]:
        rng = self.rng
        _first, last_name, _sex = self.person()
        mother_birth = plan.referral - relativedelta(years=rng.randint(26, 44), days=rng.randint(0, 300))
        members = [
            Member(
                family=family,
                kind=Member.Kind.FIGURA_GENITORIALE,
                first_name=rng.choice(self.ref.names_f),
                last_name=last_name,
                birth_date=mother_birth,
                sex="F",
                relationship="madre",
            )
        ]
        if rng.random() < 0.6:
            members.append(
                Member(
                    family=family,
                    kind=Member.Kind.FIGURA_GENITORIALE,
                    first_name=rng.choice(self.ref.names_m),
                    last_name=last_name,
                    birth_date=mother_birth - relativedelta(years=rng.randint(0, 6)),
                    sex="M",
                    relationship="padre",
                )
            )
        ages = sorted(rng.randint(1, 10) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.1:
            ages[0] = rng.randint(12, 13)
        for k, age in enumerate(ages):
            first, _last, sex = self.person()
            birth = plan.referral - relativedelta(years=age, days=rng.randint(10, 300))
            cf = codice_fiscale(first, last_name, birth, sex)
            members.append(
                Member(
                    family=family,
                    kind=Member.Kind.MINORE,
                    first_name=first,
                    last_name=last_name,
                    birth_date=birth,
                    sex=sex,
                    codice_fiscale=cf,
                    codice_fiscale_hash=keyed_hash(cf),
                    relationship="figlio" if sex == "M" else "figlia",
                    school=SCHOOLS[0 if age < 6 else 1 if age < 11 else 2],
                    school_class=f"{age - 5}ª" if 6 <= age <= 10 else "",
                    is_reference_child=k == 0,
                )
            )
        return members

    def path(self, families: list[Family], plans: list[FamilyPlan], staff: Staff) -> None:
        """Referral, pre-assessment, consents, the family équipe, assessments, SDQ, the plan with objectives,
        actions and verifications, closure, transition logs and diary notes."""
        rng, ref = self.rng, self.ref
        referrals, preassessments, consents, team, logs, notes, closures = [], [], [], [], [], [], []
        assessments, sdq, plan_rows = [], [], []
        sources = [s for s in Referral.Source.values if s != "altro"]
        for i, (family, plan) in enumerate(zip(families, plans, strict=True)):
            cm, educator = family.case_manager, self.educator_of(staff, i)
            parent = family.scale_members[0]
            child = next(m for m in family.scale_members if m.is_reference_child)
            referrals.append(
                Referral(
                    family=family,
                    date=plan.referral,
                    source=rng.choice(sources),
                    reason="Segnalazione per fatiche nella cura quotidiana (dato sintetico).",
                    received_by=cm,
                )
            )
            team.append(TeamMember(family=family, user=cm, role="Case manager"))
            # The steps of the main path and their days, as the demo's walk takes and dates them.
            calendar = plan.calendar
            previous = State.SEGNALATA
            for step in steps_between(State.SEGNALATA, main_step(plan.state)):
                logs.append(
                    TransitionLog(
                        family=family, from_state=previous, to_state=step, effective_on=calendar.day(step), by=cm
                    )
                )
                previous = step
            if plan.state in LEFT_THE_PATH_AT:
                day, reason = {
                    State.NON_INCLUSA: (plan.rejected, "Orientamento verso la tutela."),
                    State.SOSPESA: (plan.suspended, "Ricovero ospedaliero della madre."),
                    State.INTERROTTA: (plan.ended, "La famiglia si è trasferita fuori ambito."),
                }[plan.state]
                logs.append(
                    TransitionLog(
                        family=family, from_state=previous, to_state=plan.state, effective_on=day, by=cm, reason=reason
                    )
                )
            if plan.state not in (State.SEGNALATA, State.PREASSESSMENT):
                include = plan.state != State.NON_INCLUSA
                preassessments.append(
                    Preassessment(
                        family=family,
                        date=calendar.preassessed if include else calendar.preassessed_for_protection,
                        orientation=Preassessment.Orientation.INCLUDE if include else Preassessment.Orientation.TUTELA,
                        motivation="Famiglia motivata, negligenza lieve."
                        if include
                        else "Serve un percorso di tutela.",
                        risk_factors="Isolamento sociale, fatica nelle routine.",
                        protective_factors="Buon legame affettivo.",
                        recorded_by=cm,
                    )
                )
            if went_through(plan.state, State.INCLUSA):
                for kind in (Consent.Kind.PRIVACY, Consent.Kind.ADESIONE):
                    consents.append(
                        Consent(
                            family=family,
                            kind=kind,
                            signed_on=calendar.consents_signed,
                            signed_by=parent,
                            file=f"consents/{family.ambito_id}/scala-consenso.pdf",
                        )
                    )
                team.append(TeamMember(family=family, user=educator, role="Educatore"))
                team.append(TeamMember(family=family, member=parent, role="Figura genitoriale"))
            notes.append(
                DiaryNote(
                    family=family,
                    author=cm,
                    date=plan.referral + datetime.timedelta(days=3),
                    text="Primo colloquio con la madre: disponibile a collaborare (dato sintetico).",
                )
            )
            if plan.t0:
                notes.append(
                    DiaryNote(
                        family=family,
                        author=educator,
                        date=plan.t0 + datetime.timedelta(days=30),
                        text="Visita domiciliare: le routine serali sono più serene (dato sintetico).",
                    )
                )
                for point, when, base in (
                    (TimePoint.T0, plan.t0, 3),
                    (TimePoint.T1, plan.t1, 4),
                    (TimePoint.T2, plan.t2, 5),
                ):
                    if when:
                        assessments.append(
                            (
                                Assessment(
                                    family=family,
                                    time_point=point,
                                    date=when,
                                    framework=ref.framework,
                                    is_complete=True,
                                    updated_by=cm,
                                ),
                                base,
                            )
                        )
                sdq.append(self.sdq(child, TimePoint.T0, plan.t0, worse=True))
                if plan.t2:
                    sdq.append(self.sdq(child, TimePoint.T2, plan.t2, worse=False))
                plan_rows.append((family, plan, educator))
            if plan.state == State.CONCLUSA:
                outcome = rng.choice("AAAB" + ("C" if rng.random() < 0.1 else "A"))
                closures.append(
                    Closure(
                        family=family,
                        date=plan.ended,
                        outcome=ref.outcomes[outcome],
                        child_at_home=outcome != "C",
                        notes="Percorso concluso, valutazione condivisa in EM.",
                    )
                )
        self.bulk(Referral, referrals)
        created = self.bulk(Preassessment, preassessments)
        self.bulk(
            PreassessmentConcern,
            [
                PreassessmentConcern(preassessment=p, side=side, level=rng.randint(1, 3))
                for p in created
                for side in ref.sides
            ],
        )
        self.bulk(Consent, consents)
        self.bulk(TeamMember, team)
        self.bulk(TransitionLog, logs)
        self.bulk(DiaryNote, notes)
        self.bulk(Closure, closures)
        self.bulk(SDQScore, sdq)
        made = self.bulk(Assessment, [a for a, _base in assessments])
        ratings = [
            AssessmentRating(
                assessment=assessment,
                subdimension=sub,
                rating=max(1, min(6, base + rng.randint(-1, 1))),
                operators_voice="Osservazione in EM (dato sintetico)." if k == 0 else "",
            )
            for assessment, (_a, base) in zip(made, assessments, strict=True)
            for k, sub in enumerate(ref.subdimensions)
        ]
        self.bulk(AssessmentRating, ratings)
        self.plans_and_objectives(plan_rows)

    def sdq(self, child: Member, point: str, day: datetime.date, *, worse: bool) -> SDQScore:
        rng, base = self.rng, 4 if worse else 2
        return SDQScore(
            member=child,
            time_point=point,
            respondent=SDQScore.Respondent.GENITORE,
            date=day,
            emotional=base + rng.randint(0, 2),
            conduct=base + rng.randint(0, 2),
            hyperactivity=base + rng.randint(0, 3),
            peer=base + rng.randint(0, 2),
            prosocial=7 - base + rng.randint(0, 3),
        )

    def plans_and_objectives(self, rows: list[tuple[Family, FamilyPlan, User]]) -> None:
        rng, ref = self.rng, self.ref
        quadri = self.bulk(
            ProgettoQuadro,
            [
                ProgettoQuadro(
                    family=family,
                    date=plan.calendar.plan_made,
                    general_aims="Sostenere le figure genitoriali nella cura quotidiana e rafforzare la rete.",
                    shared_with_family=True,
                    shared_on=plan.calendar.plan_shared,
                )
                for family, plan, _educator in rows
            ],
        )
        objectives, owners = [], []
        for quadro, (family, plan, educator) in zip(quadri, rows, strict=True):
            for sub in rng.sample(ref.subdimensions, 2):
                status = Objective.Status.APERTO
                if plan.t2:
                    status = rng.choice([Objective.Status.RAGGIUNTO, Objective.Status.RAGGIUNTO, "parzialmente"])
                objectives.append(
                    Objective(
                        plan=quadro,
                        subdimension=sub,
                        expected_result=f"Miglioramento in «{sub.name.lower()}» osservabile nella vita quotidiana.",
                        verification_method="Osservazione dell'educatore e confronto in EM.",
                        deadline=plan.t1_due,
                        status=status,
                    )
                )
                owners.append((family, plan, educator))
        objectives = self.bulk(Objective, objectives)
        actions, verifications = [], []
        for objective, (_family, plan, educator) in zip(objectives, owners, strict=True):
            actions.append(
                Action(
                    objective=objective,
                    description="Accompagnamento educativo domiciliare sulle routine.",
                    responsible_user=educator,
                    frequency="5 volte a settimana",
                )
            )
            if plan.t1:
                verifications.append(
                    Verification(objective=objective, time_point=TimePoint.T1, date=plan.t1, outcome="parzialmente")
                )
            if plan.t2:
                verifications.append(
                    Verification(
                        objective=objective,
                        time_point=TimePoint.T2,
                        date=plan.t2,
                        outcome=rng.choice(["raggiunto", "raggiunto", "parzialmente", "non_raggiunto"]),
                    )
                )
        actions = self.bulk(Action, actions)
        self.bulk(Verification, verifications)
        by_family: dict[int, list[tuple[Objective, Action]]] = defaultdict(list)
        for objective, action, (family, _plan, _educator) in zip(objectives, actions, owners, strict=True):
            by_family[family.pk].append((objective, action))
        self.objectives_by_family = by_family
