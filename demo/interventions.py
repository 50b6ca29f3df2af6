"""The interventions part of the synthetic demo: budget lines, the interventions of the families, three group
modules with sessions and attendance, solidarity pairings, school partnerships, parenting events and the
hours of the Seregno staff over the last 18 months of the project, most of them validated.

Two families still on their path keep their educational intervention after the PNRR project's end on
31/05/2026: they pass to the follow-on project (national funds for the LEPS, from 01/06/2026) and their hours
from that day are the follow-on's, so that the dashboard's weekly check has something current to show."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from faker import Faker

from demo.path import SIGNED_PDF
from equipes.models import Ambito, Project, User
from families.models import Family, Member, State, TeamMember, TransitionLog
from families.selectors import current_plan
from interventions import services
from interventions.models import (
    DAY_CEILING_MINUTES,
    Activity,
    Attendance,
    BudgetLine,
    CostItem,
    Group,
    GroupSession,
    Intervention,
    InterventionType,
    Pairing,
    ParentingEvent,
    SchoolMeeting,
    SchoolPartnership,
    SupportFamily,
    TimeEntry,
    Timesheet,
    month_start,
)

D = datetime.date
HOURS_FROM = D(2024, 12, 1)  # the last 18 months of the Seregno project
# profile: (minimum hours, hourly cost). The minimum hours are those of the Seregno co-design notice (001_…: "non
# inferiore a n. 6.000 ore … educatore, n. 1.400 … psicologo/a, n. 900 … pedagogo, n. 100 … mediatore culturale").
# The notice gives no hourly cost: these are invented, chosen so that the lines (€ 210.500,00) stay within the
# € 211.500,00 it finances.
BUDGET = {
    "educatore": (6000, Decimal("22.00")),
    "psicologo": (1400, Decimal("35.00")),
    "pedagogista": (900, Decimal("30.00")),
    "mediatore_culturale": (100, Decimal("25.00")),
}
PATH_END_STATES = (State.CONCLUSA, State.INTERROTTA)
# A non-staff cost within the € 1.000,00 the lines leave free. Invented (the notice lists no such cost), as are
# its date, its document's reference and the document itself (a one-page synthetic PDF).
COST_ITEMS = [
    (
        "Materiali per i gruppi dei genitori e dei bambini",
        "materiali",
        Decimal("640.00"),
        D(2024, 10, 7),
        "Fattura n. 118/2024 del 07/10/2024",
    ),
]
# The one-page synthetic PDF of the demo, standing in for a scanned receipt.
COST_DOCUMENT = SIGNED_PDF


def _cost_items(project: Project) -> None:
    for description, category, amount, day, reference in COST_ITEMS:
        item, created = CostItem.objects.get_or_create(
            project=project,
            description=description,
            defaults={"category": category, "amount": amount, "date": day, "document_reference": reference},
        )
        if created:
            item.document.save("giustificativo.pdf", ContentFile(COST_DOCUMENT), save=True)


def seed(ambiti: dict[str, Ambito]) -> None:
    seregno = ambiti["SER"]
    project = Project.objects.get(cup="B24H22000190001")
    for profile, (minimum, cost) in BUDGET.items():
        BudgetLine.objects.get_or_create(
            project=project, profile=profile, defaults={"minimum_hours": minimum, "hourly_cost": cost}
        )
    _cost_items(project)
    if Intervention.objects.filter(family__ambito__in=ambiti.values()).exists():
        return
    rng = random.Random(4)
    faker = Faker("it_IT")
    faker.seed_instance(4)
    types = {t.code: t for t in InterventionType.objects.filter(ambito__isnull=True)}
    staff = {u.username: u for u in User.objects.filter(ambito=seregno)}
    educators = [staff["educatore"], staff["educatore3"], staff["educatrice2"]]
    today = timezone.localdate()
    last_week_end = today - datetime.timedelta(days=today.weekday() + 1)

    plans = _interventions(seregno, project, types, staff, educators, rng, last_week_end)
    groups = _groups(seregno, project, types, staff, rng)
    _community(seregno, project, faker, rng)
    _hours(plans, groups, staff, project, rng, last_week_end)
    # The other projects: a home educational project (SEDT) for every family that reached T0 (004: "per ogni
    # famiglia coinvolta nel programma"), to the end of its path; the Bassa Romagna's under the Romagna project.
    others = (
        Family.objects.filter(ambito__in=[ambiti[code] for code in ("SOM", "URF", "UBR")], assessments__time_point="T0")
        .distinct()
        .order_by("code")
    )
    for family in others:
        operator = family.team.exclude(user=family.case_manager).filter(user__isnull=False).first().user
        intervention = Intervention.objects.create(
            family=family,
            type=types["sedt"],
            start_date=_t0(family) + datetime.timedelta(days=14),
            end_date=_path_end(family),
            planned_hours_per_week=Decimal("8"),
        )
        intervention.assigned_users.add(operator)


def _t0(family: Family) -> datetime.date:
    return family.assessments.get(time_point="T0").date


def _path_end(family: Family) -> datetime.date | None:
    """The day the family's path ended (closure or interruption)."""
    log = TransitionLog.objects.filter(family=family, to_state__in=PATH_END_STATES).order_by("effective_on").first()
    return log.effective_on if log else None


def _interventions(seregno, project, types, staff, educators, rng, last_week_end) -> list[dict]:
    """An educational intervention for every family that reached its path, psychological support for some,
    cultural mediation where needed. Returns what the hours need: who works for which family, when."""
    plans = []
    families = (
        Family.objects.filter(ambito=seregno, assessments__time_point="T0")
        .select_related("implementation")
        .order_by("code")
        .distinct()
    )
    ongoing = [f for f in families if f.state == State.IN_CORSO][:2]
    for i, family in enumerate(families):
        start = _t0(family) + datetime.timedelta(days=14)
        end = _path_end(family)
        if end is None and family not in ongoing:
            end = project.end_date
        # Turns among the three educators: five or so families each, about a working week of visits (with all
        # of them on one educator a day passed 24 hours). The educator joins the family's équipe if not in it.
        educator = educators[i % len(educators)]
        TeamMember.objects.get_or_create(
            family=family, user=educator, defaults={"role": educator.get_profile_display() or "Educatore"}
        )
        # 001: "non possono essere inferiori ad otto ore settimanali", and no demo project allows exceptions.
        sedt = Intervention.objects.create(
            family=family,
            type=types["sedt"],
            start_date=start,
            end_date=end,
            planned_hours_per_week=project.sedt_minimum_weekly_hours,
        )
        sedt.assigned_users.add(educator)
        plan = current_plan(family)
        if plan:
            sedt.objectives.set(plan.objectives.all())
            sedt.actions.set([a for o in plan.objectives.all() for a in o.actions.all()])
        plans.append(
            {
                "family": family,
                "user": educator,
                "start": start,
                "end": end,
                "weekly": 8,
                "ongoing": family in ongoing,
            }
        )
        if i % 5 in (0, 2):
            psy = Intervention.objects.create(
                family=family,
                type=types["psicologico"],
                start_date=start,
                end_date=end,
                planned_hours_per_week=Decimal("1.5"),
            )
            psy.assigned_users.add(staff["psicologo"])
            plans.append({"family": family, "user": staff["psicologo"], "start": start, "end": end, "weekly": 1.5})
        if family.cultural_mediation:
            mediation = Intervention.objects.create(
                family=family,
                type=types["mediazione_culturale"],
                start_date=start,
                end_date=end,
                planned_hours_per_week=Decimal("1"),
            )
            mediation.assigned_users.add(staff["mediatrice"])
            plans.append({"family": family, "user": staff["mediatrice"], "start": start, "end": end, "weekly": 1})
    return plans


def _groups(seregno, project, types, staff, rng) -> list[Group]:
    """Three modules: parents (two editions) and children, with sessions and attendance."""
    specs = [
        (
            "gruppo_genitori",
            1,
            "Gruppo genitori «Crescere insieme»",
            D(2025, 1, 15),
            "settimanale",
            8,
            "figura_genitoriale",
        ),
        ("gruppo_bambini", 1, "Gruppo bambini «Il cortile dei giochi»", D(2025, 2, 5), "quindicinale", 6, "minore"),
        (
            "gruppo_genitori",
            2,
            "Gruppo genitori «Crescere insieme»",
            D(2025, 10, 1),
            "settimanale",
            7,
            "figura_genitoriale",
        ),
    ]
    # The implementation each module served (invented: the notice does not say): the 2025 modules the families
    # of P.I.P.P.I. 12, the autumn parents' module those of P.I.P.P.I. 13.
    implementations = {i.number: i for i in project.implementations.all()}
    served = {("gruppo_genitori", 1): 12, ("gruppo_bambini", 1): 12, ("gruppo_genitori", 2): 13}
    groups = []
    for code, module, name, start, frequency, sessions, kind in specs:
        group = Group.objects.create(
            ambito=seregno,
            project=project,
            implementation=implementations[served[code, module]],
            type=types[code],
            module_number=module,
            name=name,
            venue="Centro per le famiglie di Seregno (demo)",
            planned_sessions=sessions,
            frequency=frequency,
            start_date=start,
        )
        group.facilitators.set([staff["educatore"], staff["psicologo"]])
        families = [
            f
            for f in Family.objects.filter(ambito=seregno, assessments__time_point="T0").distinct()
            if _t0(f) <= start and (_path_end(f) or D(2100, 1, 1)) >= start
        ]
        members = list(Member.objects.filter(family__in=families, kind=kind).order_by("family__code")[:9])
        group.participants.set(members)
        step = 7 if frequency == "settimanale" else 14
        for n in range(sessions):
            session = GroupSession.objects.create(
                group=group,
                date=start + datetime.timedelta(days=step * n),
                duration_minutes=120,
                topic=[
                    "Accoglienza",
                    "Le routine",
                    "Le emozioni",
                    "Le regole",
                    "Il gioco",
                    "La scuola",
                    "Chiedere aiuto",
                    "Festa di chiusura",
                ][n],
            )
            Attendance.objects.bulk_create(
                Attendance(session=session, member=m, present=rng.random() < 0.8) for m in members
            )
        groups.append(group)
    return groups


def _community(seregno, project, faker, rng) -> None:
    comuni = list(seregno.comuni.all())
    support = []
    for i in range(4):
        support.append(
            SupportFamily.objects.create(
                ambito=seregno,
                name=f"Famiglia {faker.last_name()} (volontari)",
                comune=comuni[i * 2],
                phone=faker.phone_number(),
                availability=rng.choice(
                    [
                        "Accompagnamento a scuola due mattine",
                        "Un pomeriggio a settimana per i compiti",
                        "Pranzo della domenica e tempo libero",
                        "Disponibilità nei fine settimana",
                    ]
                ),
                trained_on=D(2024, 4, 20) if i < 3 else None,
            )
        )
    families = list(Family.objects.filter(ambito=seregno, state__in=[State.IN_CORSO, State.VALUTAZIONE_T2]))
    for support_family, family in zip(support[:3], families[:3], strict=False):
        Pairing.objects.create(
            support_family=support_family, family=family, start_date=_t0(family) + datetime.timedelta(days=40)
        )
    school = SchoolPartnership.objects.create(
        ambito=seregno,
        project=project,
        school="Istituto comprensivo di Seregno (demo)",
        kind=SchoolPartnership.Kind.PROTOCOLLO,
        signed_on=D(2023, 10, 2),
        notes="Referente per ogni plesso, incontri di équipe con gli insegnanti dei bambini in P.I.P.P.I.",
    )
    second = SchoolPartnership.objects.create(
        ambito=seregno,
        project=project,
        school="Istituto comprensivo di Giussano (demo)",
        kind=SchoolPartnership.Kind.ACCORDO,
        signed_on=D(2024, 9, 16),
    )
    pupils = list(
        Member.objects.filter(family__in=families, kind=Member.Kind.MINORE).order_by("family__code", "pk")[:3]
    )
    for partnership, days in (
        (school, [D(2023, 11, 8), D(2024, 3, 13), D(2024, 10, 9), D(2025, 3, 12)]),
        (second, [D(2024, 10, 22), D(2025, 4, 2)]),
    ):
        for day in days:
            SchoolMeeting.objects.create(
                partnership=partnership,
                date=day,
                participants="Dirigente, insegnanti referenti, pedagogista, case manager",
                # Minutes name the children, as real ones do (the coordinator reads them redacted).
                notes=f"Aggiornamento sull'inserimento in classe di {pupils[0].first_name}." if pupils else "",
            )
            pupils = pupils[1:]
    for day, topic, total, programme in [
        (D(2024, 2, 21), "Le emozioni dei bambini: riconoscerle e accompagnarle", 34, 7),
        (D(2024, 11, 13), "Schermi e famiglia: regole condivise", 41, 9),
        (D(2025, 5, 14), "Il sonno e le routine serali", 28, 6),
        (D(2025, 11, 19), "Genitori e scuola: alleati nella crescita", 37, 8),
    ]:
        ParentingEvent.objects.create(
            ambito=seregno,
            project=project,
            date=day,
            topic=topic,
            venue="Sala civica (demo)",
            participants_count=total,
            programme_families=programme,
        )


#: The days of the week (0 = Monday) of a plan's visits: three for an educational intervention, one for the
#: others; a person's plans take them in turn, so that their days are about equally full. The EM meets on
#: the weekday (EM_DAY) that the three visits leave free.
VISIT_DAYS = {3: [(0, 2, 4), (1, 3, 4), (0, 1, 3), (1, 2, 4), (0, 2, 3)], 1: [(1,), (3,), (2,), (0,), (4,)]}
EM_DAY = [3, 2, 4, 0, 1]


def _hours(plans, groups, staff, project, rng, last_week_end) -> None:
    """Weekly hours per plan, group sessions, coordination; then confirm and validate most months. A cell
    holds at most 10 hours and a day at most 24 (what would pass them is left out); a few days pass the
    warning threshold of 10 hours, so that the grid and the timesheets show it."""
    entries: dict[tuple, int] = {}
    days: dict[tuple, int] = {}

    def add(user, day, activity, minutes, family=None, group=None):
        if minutes <= 0 or day > last_week_end:
            return
        key = _key(user, day, activity, family, group)
        minutes = min(minutes, 600 - entries.get(key, 0), DAY_CEILING_MINUTES - days.get((user.pk, day), 0))
        if minutes > 0:
            entries[key] = entries.get(key, 0) + minutes
            days[(user.pk, day)] = days.get((user.pk, day), 0) + minutes

    turns: dict[int, int] = {}
    for plan in plans:
        turn = turns[plan["user"].pk] = turns.get(plan["user"].pk, -1) + 1
        start = max(plan["start"], HOURS_FROM)
        end = min(plan["end"] or last_week_end, last_week_end)
        monday = start - datetime.timedelta(days=start.weekday())
        while monday <= end:
            weekly = plan["weekly"]
            if monday.month == 8 or (monday.month == 12 and monday.day > 20):
                weekly = weekly * rng.choice([0, 0.25, 0.5])  # holidays
            elif rng.random() < 0.08:
                weekly = weekly * 0.6
            if plan.get("ongoing") and monday >= last_week_end - datetime.timedelta(days=13):
                weekly = weekly * (0.5 if plan["family"].pk % 2 else 1)
            minutes = int(weekly * 60)
            visits = VISIT_DAYS[3 if minutes >= 240 else 1][turn % 5]
            em = 60 if minutes >= 240 and monday.isocalendar().week % 2 == 0 else 0
            per_visit = (minutes - em) // len(visits)
            for offset in visits:
                day = monday + datetime.timedelta(days=offset)
                if plan["start"] <= day <= end:
                    add(plan["user"], day, Activity.DIRETTA_FAMIGLIA, per_visit, family=plan["family"])
            meeting = monday + datetime.timedelta(days=EM_DAY[turn % 5])
            if em and plan["start"] <= meeting <= end:
                add(plan["user"], meeting, Activity.RIUNIONE_EM, em, family=plan["family"])
            monday += datetime.timedelta(days=7)
    for group in groups:
        for session in group.sessions.all():
            for facilitator in group.facilitators.all():
                add(facilitator, session.date, Activity.GRUPPO, session.duration_minutes + 60, group=group)
    monday = HOURS_FROM - datetime.timedelta(days=HOURS_FROM.weekday())
    while monday <= min(project.end_date, last_week_end):
        if monday.month != 8:
            add(staff["pedagogista"], monday + datetime.timedelta(days=1), Activity.COORDINAMENTO, 150)
            add(staff["pedagogista"], monday + datetime.timedelta(days=3), Activity.COORDINAMENTO, 90)
            for educator in ("educatore", "educatore3", "educatrice2"):
                add(staff[educator], monday + datetime.timedelta(days=4), Activity.DOCUMENTAZIONE, 90)
            if monday.day <= 7:
                for person in ("educatore", "educatore3", "educatrice2", "psicologo"):
                    add(staff[person], monday + datetime.timedelta(days=2), Activity.SUPERVISIONE, 120)
        monday += datetime.timedelta(days=7)

    users = {u.pk: u for u in User.objects.filter(pk__in={k[0] for k in entries})}
    assigned: dict[tuple[int, int], list[Intervention]] = {}
    for intervention in Intervention.objects.filter(family__ambito=project.ambito).prefetch_related("assigned_users"):
        for user in intervention.assigned_users.all():
            assigned.setdefault((user.pk, intervention.family_id), []).append(intervention)

    def intervention_for(user_pk: int, family_id: int | None, day: datetime.date) -> Intervention | None:
        for intervention in assigned.get((user_pk, family_id), []):
            if intervention.start_date <= day and (intervention.end_date is None or day <= intervention.end_date):
                return intervention
        return None

    # Hours go to the project of their day: the PNRR project to its end, then the project that follows it.
    projects = [project, *Project.objects.filter(predecessor=project)]

    def project_on(day: datetime.date) -> Project | None:
        return next((p for p in projects if p.start_date <= day <= p.end_date), None)

    sheets = {}
    for user_pk, day, *_rest in entries:
        month = month_start(day)
        if (user_pk, month) not in sheets:
            sheets[(user_pk, month)] = Timesheet.objects.create(
                user=users[user_pk], month=month, project=project_on(day)
            )
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                timesheet=sheets[(user_pk, month_start(day))],
                user_id=user_pk,
                date=day,
                activity=activity,
                family_id=family_id,
                group_id=group_id,
                minutes=minutes,
                eligible=sheets[(user_pk, month_start(day))].project_id is not None,
                intervention=intervention_for(user_pk, family_id, day),
            )
            for (user_pk, day, activity, family_id, group_id), minutes in entries.items()
        ],
        batch_size=2000,
    )
    referente = User.objects.get(username="referente_coop")
    udp = User.objects.get(username="udp")
    this_month = month_start(last_week_end)
    project_last_month = month_start(project.end_date)
    for (user_pk, month), sheet in sorted(sheets.items(), key=lambda item: item[0][1]):
        user = users[user_pk]
        state = _demo_state(month, project_last_month, this_month)
        if state == Timesheet.State.BOZZA:
            continue
        services.timesheet_confirm(timesheet=sheet, by=user)
        if state == Timesheet.State.VALIDATO:
            validator = referente if user.organisation_id == referente.organisation_id else udp
            services.timesheet_validate(timesheet=sheet, by=validator)


def _key(user, day, activity, family, group) -> tuple:
    return (user.pk, day, activity, family.pk if family else None, group.pk if group else None)


def _previous_month(month: datetime.date) -> datetime.date:
    return month_start(month - datetime.timedelta(days=1))


def _demo_state(month: datetime.date, project_last_month: datetime.date, this_month: datetime.date) -> str:
    """The concluded PNRR project's months are all validated (its final report is approved); after it, the
    current month is still being filled in, the one before waits for validation, the rest are validated."""
    if month <= project_last_month:
        return Timesheet.State.VALIDATO
    if month == this_month:
        return Timesheet.State.BOZZA
    if month == _previous_month(this_month):
        return Timesheet.State.CONFERMATO
    return Timesheet.State.VALIDATO
