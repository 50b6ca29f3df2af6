"""What is done for the families of one scale ambito, as rows: interventions, groups with sessions and
attendance, solidarity pairings, the school partnership, parenting events, training, governance meetings,
a complaint and the report runs."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from equipes.models import (
    GovernanceMeeting,
    StaffTraining,
    User,
)
from families.models import (
    Member,
    State,
)
from interventions.models import (
    Attendance,
    Group,
    GroupSession,
    Intervention,
    Pairing,
    ParentingEvent,
    SchoolPartnership,
    SupportFamily,
)
from reporting.indicators import semester_bounds
from reporting.models import Complaint, ReportRun

from .plan import past_semesters
from .rows import Rows


class WorkRows(Rows):
    """The interventions and community part of `AmbitoSeeder`."""

    def interventions(self, families, plans, staff) -> dict[int, list[tuple[Intervention, User, int]]]:
        """SEDT for every family that reached its T0; psychological support and cultural mediation for some.
        Returns, per family, (intervention, assigned user, minutes per week)."""
        ref = self.ref
        rows = []
        for i, (family, plan) in enumerate(zip(families, plans, strict=True)):
            if not plan.t0:
                continue
            start = plan.t0 + datetime.timedelta(days=14)
            end = plan.ended
            rows.append(
                (
                    family,
                    Intervention(
                        family=family,
                        type=ref.types["sedt"],
                        start_date=start,
                        end_date=end,
                        planned_hours_per_week=Decimal("8"),
                    ),
                    self.educator_of(staff, i),
                )
            )
            extra = [
                (plan.psych, "psicologico", "1.5", staff.psychologists),
                (plan.pedagogy, "pedagogico", "0.5", staff.pedagogists),
                (plan.mediation, "mediazione_culturale", "1", staff.mediators),
            ]
            for wanted, code, hours, people in extra:
                if wanted:
                    intervention = Intervention(
                        family=family,
                        type=ref.types[code],
                        start_date=start,
                        end_date=end,
                        planned_hours_per_week=Decimal(hours),
                    )
                    rows.append((family, intervention, people[i % len(people)]))
        created = self.bulk(Intervention, [intervention for _f, intervention, _u in rows])
        assigned, linked_objectives, linked_actions = [], [], []
        result: dict[int, list[tuple[Intervention, User]]] = defaultdict(list)
        for intervention, (family, _i, user) in zip(created, rows, strict=True):
            assigned.append({"intervention_id": intervention.pk, "user_id": user.pk})
            result[family.pk].append((intervention, user))
            if intervention.type_id == ref.types["sedt"].pk:
                for objective, action in self.objectives_by_family.get(family.pk, []):
                    linked_objectives.append({"intervention_id": intervention.pk, "objective_id": objective.pk})
                    linked_actions.append({"intervention_id": intervention.pk, "action_id": action.pk})
        self.through(Intervention.assigned_users, assigned, "interventions.Intervention_assigned_users")
        self.through(Intervention.objectives, linked_objectives, "interventions.Intervention_objectives")
        self.through(Intervention.actions, linked_actions, "interventions.Intervention_actions")
        return result

    def groups(self, ambito, project, implementation, families, plans, staff) -> list[Group]:
        rng, ref, today = self.rng, self.ref, self.ref.today
        on_path = [f for f, p in zip(families, plans, strict=True) if p.state == State.IN_CORSO]
        specs = [
            (
                "gruppo_genitori",
                "Gruppo genitori «Crescere insieme»",
                today - datetime.timedelta(days=120),
                7,
                8,
                False,
            ),
            (
                "gruppo_bambini",
                "Gruppo bambini «Il cortile dei giochi»",
                today - datetime.timedelta(days=300),
                14,
                6,
                True,
            ),
        ]
        groups = self.bulk(
            Group,
            [
                Group(
                    ambito=ambito,
                    project=project,
                    implementation=implementation,
                    type=ref.types[code],
                    module_number=1,
                    name=name,
                    venue=f"Centro per le famiglie {self.code} (sintetico)",
                    planned_sessions=sessions,
                    frequency="settimanale" if step == 7 else "quindicinale",
                    start_date=start,
                )
                for code, name, start, step, sessions, _children in specs
            ],
        )
        facilitators, participants, sessions, attendance_for = [], [], [], []
        for group, (_code, _name, start, step, count, children) in zip(groups, specs, strict=True):
            for user in staff.educators[:2]:
                facilitators.append({"group_id": group.pk, "user_id": user.pk})
            members = [
                m
                for f in on_path[:9]
                for m in f.scale_members
                if (m.kind == Member.Kind.MINORE) == children and m.kind != Member.Kind.ALTRO_CONVIVENTE
            ][:10]
            participants += [{"group_id": group.pk, "member_id": m.pk} for m in members]
            for k in range(count):
                sessions.append(
                    GroupSession(
                        group=group,
                        date=start + datetime.timedelta(days=step * k),
                        duration_minutes=120,
                        topic=f"Incontro {k + 1}",
                    )
                )
                attendance_for.append(members)
        self.through(Group.facilitators, facilitators, "interventions.Group_facilitators")
        self.through(Group.participants, participants, "interventions.Group_participants")
        sessions = self.bulk(GroupSession, sessions)
        self.bulk(
            Attendance,
            [
                Attendance(session=session, member=m, present=rng.random() < 0.8)
                for session, members in zip(sessions, attendance_for, strict=True)
                for m in members
            ],
        )
        for group in groups:
            group.scale_sessions = [s for s in sessions if s.group_id == group.pk]
            group.scale_facilitators = staff.educators[:2]
        return groups

    def community(self, ambito, project, comuni, families, plans, staff, coop) -> None:
        rng, today = self.rng, self.ref.today
        support = self.bulk(
            SupportFamily,
            [
                SupportFamily(
                    ambito=ambito,
                    name=f"Famiglia {rng.choice(self.ref.surnames)} (volontari)",
                    comune=comuni[k % len(comuni)],
                    availability="Un pomeriggio a settimana per i compiti",
                    trained_on=today - datetime.timedelta(days=400),
                )
                for k in range(2)
            ],
        )
        on_path = [(f, p) for f, p in zip(families, plans, strict=True) if p.state == State.IN_CORSO]
        self.bulk(
            Pairing,
            [
                Pairing(support_family=s, family=f, start_date=p.t0 + datetime.timedelta(days=40))
                for s, (f, p) in zip(support, on_path[:2], strict=False)
            ],
        )
        self.bulk(
            SchoolPartnership,
            [
                SchoolPartnership(
                    ambito=ambito,
                    project=project,
                    school=f"Istituto comprensivo {self.code} (sintetico)",
                    kind=SchoolPartnership.Kind.PROTOCOLLO,
                    signed_on=project.start_date + datetime.timedelta(days=60),
                )
            ],
        )
        self.bulk(
            ParentingEvent,
            [
                ParentingEvent(
                    ambito=ambito,
                    project=project,
                    date=today - datetime.timedelta(days=days),
                    topic=topic,
                    participants_count=30,
                    programme_families=6,
                )
                for days, topic in ((90, "Il sonno e le routine serali"), (300, "Schermi e famiglia"))
            ],
        )
        self.bulk(
            StaffTraining,
            [
                StaffTraining(
                    user=u,
                    course="MOOC vicinanza solidale",
                    is_programme_mooc=True,
                    hours=Decimal("12"),
                    completed_on=project.start_date + datetime.timedelta(days=90),
                )
                for u in staff.educators
            ],
        )
        meetings = self.bulk(
            GovernanceMeeting,
            [
                GovernanceMeeting(
                    ambito=ambito,
                    project=project,
                    date=today - datetime.timedelta(days=30 * k + 10),
                    kind=GovernanceMeeting.Kind.TECNICO_MENSILE,
                    minutes="Monitoraggio (sintetico).",
                )
                for k in range(4)
            ],
        )
        self.through(
            GovernanceMeeting.participants,
            [
                {"governancemeeting_id": m.pk, "user_id": u.pk}
                for m in meetings
                for u in (staff.udp, staff.coordinatore)
            ],
            "equipes.GovernanceMeeting_participants",
        )
        self.bulk(
            Complaint,
            [
                Complaint(
                    project=project,
                    received_on=today - datetime.timedelta(days=200),
                    channel=Complaint.Channel.EMAIL,
                    subject="Ritardo nell'avvio dell'educativa domiciliare",
                    organisation=coop,
                    handling_notes="Verificato con la cooperativa, avvio anticipato.",
                    closed_on=today - datetime.timedelta(days=180),
                    outcome=Complaint.Outcome.ACCOLTO,
                    created_by=staff.udp,
                )
            ],
        )
        self.bulk(
            ReportRun,
            [
                ReportRun(
                    project=project,
                    kind=ReportRun.Kind.SEMESTER,
                    label=label,
                    period_start=semester_bounds(label)[0],
                    period_end=semester_bounds(label)[1],
                    render_status=ReportRun.Render.PRONTO,
                    progress=100,
                    created_by=staff.udp,
                )
                for label in past_semesters(today, 2)
            ],
        )
