"""The programmes of Somma Lombardo (`004_…`) and of the Romagna project (`003_…`: the Romagna Faentina, lead,
with the Bassa Romagna) as their documents describe them: groups, support families and pairings, school
collaborations, staff training, governance meetings, budget lines, quality records (surveys, complaints,
controls) and the impact indicators the portal computes. Called by `seed_demo` after the other steps and
before the projects' conclusion (`demo.quality.conclude_other_projects`), whose final reports count all this;
idempotent (each record is found by its natural key before it is made, each project's quality records are
skipped once there).

What the documents say, and where it goes:
- 003: "costituzione, in ciascun Ambito Territoriale Sociale, di almeno 1 gruppo di genitori e 1 di bambini per
  ogni implementazione" → a parents' and a children's group per implementation (11, 12, 13) in the Romagna
  Faentina and in the Bassa Romagna; "almeno una modalità strutturata di collaborazione con le scuole" → a
  protocol with a comprehensive school in each ambito, with meetings; "vicinanza solidale" → support families
  in each ambito; "collaborazione con il servizio sanitario (NPI)" → the NPI as an organisation and at the
  meetings; "rafforzando la competenza degli operatori" → the P.I.P.P.I. training of the staff; start of the
  activities 11/10/2022 (the kick-off meeting) and end 31/03/2026 (the closing meeting is before it).
- 004: "Formazione di almeno 10 operatori coinvolti nella progettazione" → eleven operators trained;
  "Creare una rete solidale di persone disponibili ad affidi leggeri e/o a fornire un appoggio" → support
  families and a pairing; "un luogo di incontro dove rielaborare i comportamenti disfunzionali" → a parents'
  group; "sensibilizzare e formare il personale dei nidi e delle scuole della prima infanzia" and "Istituti
  scolastici della prima infanzia e della scuola primaria" → an agreement with a comprehensive school and a
  training meeting with the nursery staff; "esito positivo di almeno la metà" → the computed indicator of
  positive outcomes with target 50 %; the amount € 211.500,00 (already on the project).

Invented (neither document gives them): every date below other than 11/10/2022 and 31/03/2026 — the
meetings, the trainings, the groups' start dates and sessions, the support families' training and pairings,
the schools' signatures and meetings, the surveys' periods, the complaints and controls; Somma Lombardo's
project and implementation dates (the document says only "in corso di sviluppo", updated 25/03/2024); the
budget lines of both projects (the documents give only the total of € 211.500,00, not the profiles, hours or
hourly costs); the impact indicators' baselines and targets other than 004's 50 % of positive outcomes;
every person, support family, school, venue and organisation other than the municipalities and Unioni.

The families are seeded before (`demo.families`, ten per implementation): a group takes as participants the
members of its ambito's families of its implementation, and the support families are paired with families of
the ambito on or at the end of their path, until the path ends.
"""

from __future__ import annotations

import datetime
import random
import re
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from equipes.models import (
    Ambito,
    GovernanceMeeting,
    Implementation,
    Organisation,
    Profile,
    Project,
    Role,
    StaffTraining,
    User,
)
from families.models import Family, Member, State
from families.redaction import fold
from interventions.models import (
    Attendance,
    BudgetLine,
    Group,
    GroupSession,
    InterventionType,
    Pairing,
    SchoolMeeting,
    SchoolPartnership,
    SupportFamily,
)
from reporting import services
from reporting.models import Audience, Complaint, Formula, ImpactIndicator, QualityControl, SatisfactionSurvey

from .quality import BENEFICIARY_STATEMENTS, OPERATOR_STATEMENTS, _scores

D = datetime.date
ROMAGNA_CUP = "F14H22000020006"
SOMMA_CUP = "B24H22000050006"
LABRIEF = "LabRIEF – Università di Padova"
LABORATORIO = "Laboratorio formativo P.I.P.P.I. per le EM"
MOOC = "MOOC Vicinanza solidale"

#: Budget lines (profile: minimum hours, hourly cost), invented within the € 211.500,00 of each project.
BUDGETS = {
    ROMAGNA_CUP: {"educatore": (4800, "22.00"), "psicologo": (1200, "35.00"), "pedagogista": (700, "30.00")},
    SOMMA_CUP: {"educatore": (5000, "22.00"), "psicologo": (1000, "35.00"), "pedagogista": (600, "30.00")},
}
GROUP_TOPICS = ["Accoglienza", "Le routine", "Le emozioni", "Le regole", "Il gioco", "La scuola", "Chiedere aiuto"]


def seed(ambiti: dict[str, Ambito]) -> None:
    romagna = Project.objects.filter(cup=ROMAGNA_CUP).first()
    somma = Project.objects.filter(cup=SOMMA_CUP).first()
    faker = Faker("it_IT")
    faker.seed_instance(2003)
    rng = random.Random(2003)
    reserved = _member_names()
    if romagna is not None:
        _romagna(romagna, ambiti["URF"], ambiti["UBR"], faker, rng, reserved)
    if somma is not None:
        _somma(somma, ambiti["SOM"], faker, rng, reserved)


# --- Helpers ---------------------------------------------------------------------------------------------


def _member_names() -> set[str]:
    """The words of the family members' names: staff and volunteers get none of them, so that a member's name
    found on a pseudonymised page is always a leak (as demo.families does the other way round)."""
    rows = Member.objects.values_list("first_name", "last_name")
    return {fold(word) for row in rows for text in row for word in re.split(r"[\s'’-]+", text) if word}


def _name(make, reserved: set[str]) -> str:
    while True:
        name = make()
        if not {fold(word) for word in re.split(r"[\s'’-]+", name) if word} & reserved:
            return name


def _staff(
    faker: Faker, reserved: set[str], username: str, ambito: Ambito, organisation: Organisation, role: str, profile: str
) -> User:
    """A colleague without a demo login; an existing user of that name is kept as it is."""
    first_name, last_name = _name(faker.first_name, reserved), _name(faker.last_name, reserved)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "ambito": ambito,
            "organisation": organisation,
            "role": role,
            "profile": profile,
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@demo.pippi-portal.invalid",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _udp(faker: Faker, reserved: set[str], username: str, ambito: Ambito, organisation: Organisation) -> User:
    """The Ufficio di Piano of the ambito, who enters the quality records (no demo login)."""
    return _staff(faker, reserved, username, ambito, organisation, Role.UFFICIO_PIANO, Profile.ALTRO)


def _organisation(ambito: Ambito, name: str, kind: str) -> Organisation:
    return Organisation.objects.get_or_create(ambito=ambito, name=name, defaults={"kind": kind})[0]


def _training(users: list[User], course: str, hours: str, completed_on: datetime.date) -> None:
    for user in users:
        StaffTraining.objects.get_or_create(
            user=user, course=course, completed_on=completed_on, defaults={"provider": LABRIEF, "hours": Decimal(hours)}
        )


def _meeting(
    ambito: Ambito, project: Project, day: datetime.date, kind: str, minutes: str, participants, external=""
) -> None:
    meeting, _ = GovernanceMeeting.objects.update_or_create(
        ambito=ambito,
        date=day,
        kind=kind,
        defaults={"project": project, "minutes": minutes, "external_participants": external},
    )
    meeting.participants.set(participants)


def _budget(project: Project) -> None:
    for profile, (minimum, cost) in BUDGETS[project.cup].items():
        BudgetLine.objects.get_or_create(
            project=project, profile=profile, defaults={"minimum_hours": minimum, "hourly_cost": Decimal(cost)}
        )


def _group(
    *,
    ambito: Ambito,
    project: Project,
    implementation: Implementation,
    code: str,
    module: int,
    name: str,
    venue: str,
    start: datetime.date,
    sessions: int,
    facilitators: list[User],
    rng: random.Random,
) -> Group:
    """The one place the programmes' groups are made. A group of an implementation: its participants are the
    parents (or the children) of the ambito's families of that implementation that had started their path by
    the group's start; its sessions are held up to today, each with its attendance (none while it has no
    participants)."""
    kind = Member.Kind.FIGURA_GENITORIALE if code == "gruppo_genitori" else Member.Kind.MINORE
    frequency = Group.Frequency.SETTIMANALE if code == "gruppo_genitori" else Group.Frequency.QUINDICINALE
    group, created = Group.objects.get_or_create(
        ambito=ambito,
        type=InterventionType.objects.get(ambito__isnull=True, code=code),
        module_number=module,
        defaults={
            "project": project,
            "implementation": implementation,
            "name": name,
            "venue": venue,
            "planned_sessions": sessions,
            "frequency": frequency,
            "start_date": start,
        },
    )
    if not created:
        return group
    group.facilitators.set(facilitators)
    families = Family.objects.filter(ambito=ambito, implementation=implementation, referral__date__lte=start).exclude(
        state__in=[State.SEGNALATA, State.PREASSESSMENT, State.NON_INCLUSA]
    )
    members = list(Member.objects.filter(family__in=families, kind=kind).order_by("family__code", "pk")[:8])
    group.participants.set(members)
    if not members:
        return group  # a module planned for families not recorded (yet): no sessions without anyone in them
    step = 7 if frequency == Group.Frequency.SETTIMANALE else 14
    today = timezone.localdate()
    for n in range(sessions):
        day = start + datetime.timedelta(days=step * n)
        if day > today:
            break
        session = GroupSession.objects.create(
            group=group, date=day, duration_minutes=120, topic=(GROUP_TOPICS + ["Festa di chiusura"])[n]
        )
        Attendance.objects.bulk_create(
            Attendance(session=session, member=m, present=rng.random() < 0.8) for m in members
        )
    return group


def _groups(ambito: Ambito, project: Project, place: str, starts: dict[int, datetime.date], facilitators, rng) -> None:
    """A parents' and a children's group for each implementation of the project (003: in each ambito)."""
    for module, implementation in enumerate(project.implementations.order_by("number"), start=1):
        start = starts[implementation.number]
        for code, label, sessions, offset in (
            ("gruppo_genitori", "Gruppo genitori", 8, 0),
            ("gruppo_bambini", "Gruppo bambini", 6, 7),
        ):
            _group(
                ambito=ambito,
                project=project,
                implementation=implementation,
                code=code,
                module=module,
                name=f"{label} {place} – P.I.P.P.I. {implementation.number}",
                venue=f"Centro per le famiglie di {place} (demo)",
                start=start + datetime.timedelta(days=offset),
                sessions=sessions,
                facilitators=facilitators,
                rng=rng,
            )


def _support_families(
    ambito: Ambito, faker: Faker, rng: random.Random, reserved: set[str], count: int, trained_on: datetime.date
) -> list[SupportFamily]:
    existing = list(SupportFamily.objects.filter(ambito=ambito).order_by("pk"))
    if existing:
        return existing
    comuni = list(ambito.comuni.order_by("name"))
    availabilities = [
        "Un pomeriggio a settimana per i compiti",
        "Accompagnamento a scuola due mattine",
        "Pranzo della domenica e tempo libero",
        "Disponibilità nei fine settimana (affido leggero)",
    ]
    return [
        SupportFamily.objects.create(
            ambito=ambito,
            name=f"Famiglia {_name(faker.last_name, reserved)} (volontari)",
            comune=comuni[(i * 3) % len(comuni)],
            availability=availabilities[i % len(availabilities)],
            trained_on=trained_on if i < count - 1 else None,
        )
        for i in range(count)
    ]


def _pairings(supports: list[SupportFamily], ambito: Ambito) -> None:
    """Each support family stands by one family of the ambito on its path (as many as there are of both), from
    40 days after its T0 to the end of its path if it has ended."""
    families = list(
        Family.objects.filter(ambito=ambito, state__in=[State.IN_CORSO, State.VALUTAZIONE_T2, State.CONCLUSA])
        .prefetch_related("assessments", "transitions")
        .order_by("code")
    )
    for support, family in zip(supports, families, strict=False):
        t0 = next((a.date for a in family.assessments.all() if a.time_point == "T0"), None)
        if t0 is None or Pairing.objects.filter(support_family=support).exists():
            continue
        closed = next((t.effective_on for t in family.transitions.all() if t.to_state == State.CONCLUSA), None)
        Pairing.objects.create(
            support_family=support, family=family, start_date=t0 + datetime.timedelta(days=40), end_date=closed
        )


def _school(ambito: Ambito, project: Project, school: str, kind: str, signed_on, meetings, notes="") -> None:
    partnership, created = SchoolPartnership.objects.get_or_create(
        ambito=ambito,
        school=school,
        defaults={"project": project, "kind": kind, "signed_on": signed_on, "notes": notes},
    )
    if created:
        SchoolMeeting.objects.bulk_create(
            SchoolMeeting(partnership=partnership, date=day, participants=who) for day, who in meetings
        )


def _indicators(project: Project, positive_target: str) -> None:
    for name, formula, baseline, target in [
        ("Famiglie solidali attive nella rete", Formula.FAMIGLIE_SOLIDALI, "0", "4"),
        ("Famiglie che concludono il percorso con esito A o B", Formula.ESITI_POSITIVI, "0", positive_target),
        ("Bambini che restano nella propria famiglia a fine percorso", Formula.BAMBINI_A_CASA, "80", "90"),
    ]:
        ImpactIndicator.objects.get_or_create(
            project=project,
            name=name,
            defaults={
                "formula": formula,
                "unit": "famiglie" if formula == Formula.FAMIGLIE_SOLIDALI else "%",
                "baseline": Decimal(baseline),
                "target": Decimal(target),
                "direction": "higher",
                "method": "Calcolato dal portale sui dati delle famiglie del progetto, semestre per semestre.",
            },
        )


def _quality(
    project: Project,
    udp: User,
    organisation: Organisation,
    rng: random.Random,
    survey_year: tuple[datetime.date, datetime.date],
    complaints: list[tuple],
    controls: list[tuple],
) -> None:
    """A beneficiary and an operator survey typed in from paper, the complaints and the controls."""
    if not SatisfactionSurvey.objects.filter(project=project).exists():
        start, end = survey_year
        for audience, title, statements, size in (
            (Audience.BENEFICIARI, f"Soddisfazione delle famiglie {start.year}", BENEFICIARY_STATEMENTS, 6),
            (Audience.OPERATORI, f"Soddisfazione degli operatori {start.year}", OPERATOR_STATEMENTS, 9),
        ):
            survey = services.survey_create(
                survey=SatisfactionSurvey(
                    project=project,
                    audience=audience,
                    title=title,
                    period_start=start,
                    period_end=end,
                    introduction="Questo questionario è anonimo e ci aiuta a migliorare il programma P.I.P.P.I.",
                ),
                statements=statements,
                by=udp,
            )
            items = list(survey.items.order_by("order"))
            for _ in range(size):
                services.survey_response_record(
                    survey=survey,
                    scores=_scores(rng, items, 3.9),
                    comment="",
                    submitted_on=start + datetime.timedelta(days=rng.randint(0, (end - start).days)),
                    by=udp,
                )
    if not Complaint.objects.filter(project=project).exists():
        Complaint.objects.bulk_create(
            Complaint(
                project=project,
                received_on=received,
                channel=channel,
                subject=subject,
                organisation=organisation,
                handling_notes=notes,
                closed_on=closed,
                outcome=outcome,
                created_by=udp,
            )
            for received, channel, subject, notes, closed, outcome in complaints
        )
    if not QualityControl.objects.filter(project=project).exists():
        QualityControl.objects.bulk_create(
            QualityControl(
                project=project,
                checked_on=day,
                organisation=organisation,
                kind=kind,
                scope=scope,
                findings=findings,
                corrective_actions=actions,
                follow_up_on=follow_up,
                status=status,
                created_by=udp,
            )
            for day, kind, scope, findings, actions, follow_up, status in controls
        )


# --- The Romagna project (003) -----------------------------------------------------------------------------


def _romagna(project: Project, faentina: Ambito, bassa: Ambito, faker, rng, reserved) -> None:
    unione_f = _organisation(faentina, "Unione della Romagna Faentina – Servizi sociali", Organisation.Kind.COMUNE)
    coop_f = _organisation(faentina, "Cooperativa sociale Il Ponte (demo)", Organisation.Kind.ETS)
    _organisation(faentina, "Neuropsichiatria infantile AUSL Romagna – Faenza (demo)", Organisation.Kind.SANITA)
    unione_b = _organisation(bassa, "Unione dei Comuni della Bassa Romagna – Servizi sociali", Organisation.Kind.COMUNE)
    coop_b = _organisation(bassa, "Cooperativa sociale La Rete (demo)", Organisation.Kind.ETS)
    _organisation(bassa, "Neuropsichiatria infantile AUSL Romagna – Lugo (demo)", Organisation.Kind.SANITA)
    project.partners.add(coop_f, coop_b)

    staff = lambda *args: _staff(faker, reserved, *args)  # noqa: E731
    udp_f = _udp(faker, reserved, "udp_faenza", faentina, unione_f)
    assistente_f = User.objects.get(username="assistente_faenza")
    educatore_f = User.objects.get(username="educatore_faenza")
    psicologa_f = staff("psicologa_faenza", faentina, coop_f, Role.OPERATORE, Profile.PSICOLOGO)
    educatrice_f = staff("educatrice_faenza", faentina, coop_f, Role.OPERATORE, Profile.EDUCATORE)
    assistente_b = staff("as_lugo", bassa, unione_b, Role.CASE_MANAGER, Profile.ASSISTENTE_SOCIALE)
    educatore_b = staff("educatore_lugo", bassa, coop_b, Role.OPERATORE, Profile.EDUCATORE)
    psicologo_b = staff("psicologo_lugo", bassa, coop_b, Role.OPERATORE, Profile.PSICOLOGO)

    _budget(project)
    first_edition = [assistente_f, educatore_f, psicologa_f, assistente_b, educatore_b, psicologo_b]
    _training(first_edition, LABORATORIO, "24", D(2023, 2, 15))
    _training([educatrice_f], LABORATORIO, "24", D(2023, 10, 18))
    _training([educatore_f, educatrice_f, educatore_b], MOOC, "12", D(2024, 3, 20))
    _training([udp_f], "Formazione del Gruppo Territoriale P.I.P.P.I.", "16", D(2022, 12, 6))

    gt, tecnico = GovernanceMeeting.Kind.GRUPPO_TERRITORIALE, GovernanceMeeting.Kind.TECNICO_MENSILE
    npi = "Neuropsichiatria infantile AUSL Romagna; referenti degli istituti comprensivi"
    for day, kind, minutes in [
        (D(2022, 10, 11), gt, "Avvio delle attività del progetto associato con la Bassa Romagna."),
        (D(2023, 3, 14), tecnico, "Protocollo con la NPI per la prevenzione: invii e valutazioni condivise."),
        (D(2024, 5, 21), gt, "Verifica della P.I.P.P.I. 11 e avvio della P.I.P.P.I. 13 con il modulo BASE."),
        (D(2026, 3, 10), gt, "Chiusura del progetto: risultati delle tre implementazioni nei due ambiti."),
    ]:
        _meeting(faentina, project, day, kind, minutes, [udp_f, assistente_f, assistente_b], npi)
    for day, minutes in [
        (D(2023, 1, 17), "Composizione delle EM della Bassa Romagna e individuazione delle famiglie."),
        (D(2025, 2, 11), "Monitoraggio dei gruppi e della vicinanza solidale in Bassa Romagna."),
    ]:
        _meeting(bassa, project, day, tecnico, minutes, [assistente_b, educatore_b, psicologo_b], npi)

    starts = {11: D(2023, 2, 6), 12: D(2024, 1, 15), 13: D(2025, 1, 13)}
    _groups(faentina, project, "Faenza", starts, [educatore_f, psicologa_f], rng)
    bassa_starts = {11: D(2023, 3, 6), 12: D(2024, 2, 12), 13: D(2025, 2, 10)}
    _groups(bassa, project, "Lugo", bassa_starts, [educatore_b, psicologo_b], rng)

    _pairings(_support_families(faentina, faker, rng, reserved, 3, D(2023, 5, 20)), faentina)
    _pairings(_support_families(bassa, faker, rng, reserved, 2, D(2023, 6, 10)), bassa)

    who = "Dirigente, insegnanti referenti, case manager, educatore"
    _school(
        faentina,
        project,
        "Istituto comprensivo «Carchidio-Strocchi» di Faenza (demo)",
        SchoolPartnership.Kind.PROTOCOLLO,
        D(2023, 9, 25),
        [(D(2023, 10, 17), who), (D(2024, 2, 13), who), (D(2024, 10, 15), who), (D(2025, 3, 11), who)],
        "Protocollo per la collaborazione strutturata con le scuole: un insegnante referente per plesso, "
        "partecipazione alle EM dei bambini in P.I.P.P.I.",
    )
    _school(
        bassa,
        project,
        "Istituto comprensivo di Lugo (demo)",
        SchoolPartnership.Kind.PROTOCOLLO,
        D(2023, 10, 9),
        [(D(2023, 11, 7), who), (D(2024, 4, 16), who)],
    )
    _indicators(project, positive_target="60")
    _quality(
        project,
        udp_f,
        coop_f,
        rng,
        (D(2025, 4, 7), D(2025, 5, 30)),
        [
            (
                D(2024, 2, 6),
                "telefono",
                "Orario del gruppo dei bambini coincidente con il doposcuola",
                "Spostato l'orario del gruppo al sabato mattina.",
                D(2024, 2, 20),
                "accolto",
            ),
            (
                D(2025, 10, 14),
                "email",
                "Educatore cambiato a metà percorso",
                "Spiegato il motivo del cambio; affiancamento di due settimane tra i due educatori.",
                D(2025, 10, 31),
                "parzialmente_accolto",
            ),
        ],
        [
            (
                D(2024, 6, 12),
                "ore",
                "Fogli presenza della cooperativa, gennaio–maggio 2024, a campione.",
                "Ore coerenti con i fogli presenza.",
                "",
                None,
                QualityControl.Status.SVOLTO,
            ),
            (
                D(2025, 6, 18),
                "personale",
                "Elenco del personale e curricula degli operatori nei due ambiti.",
                "Manca il curriculum di un educatore della Bassa Romagna.",
                "Trasmettere il curriculum entro 30 giorni.",
                D(2025, 7, 18),
                QualityControl.Status.CHIUSO,
            ),
        ],
    )


# --- Somma Lombardo (004) ----------------------------------------------------------------------------------


def _somma(project: Project, ambito: Ambito, faker, rng, reserved) -> None:
    comune = _organisation(ambito, "Comune di Somma Lombardo", Organisation.Kind.COMUNE)
    coop = _organisation(ambito, "Cooperativa sociale Ticino (demo)", Organisation.Kind.ETS)
    project.partners.add(coop)
    staff = lambda *args: _staff(faker, reserved, *args)  # noqa: E731
    udp = _udp(faker, reserved, "udp_somma", ambito, comune)
    assistente = User.objects.get(username="assistente_somma")
    educatore = User.objects.get(username="educatore_somma")
    team = [
        assistente,
        educatore,
        staff("as_cardano", ambito, comune, Role.CASE_MANAGER, Profile.ASSISTENTE_SOCIALE),
        staff("as_lonate", ambito, comune, Role.CASE_MANAGER, Profile.ASSISTENTE_SOCIALE),
        staff("as_ferno", ambito, comune, Role.CASE_MANAGER, Profile.ASSISTENTE_SOCIALE),
        staff("educatrice_somma", ambito, coop, Role.OPERATORE, Profile.EDUCATORE),
        staff("educatore_somma2", ambito, coop, Role.OPERATORE, Profile.EDUCATORE),
        staff("educatrice_somma3", ambito, coop, Role.OPERATORE, Profile.EDUCATORE),
        staff("psicologa_somma", ambito, coop, Role.OPERATORE, Profile.PSICOLOGO),
        staff("pedagogista_somma", ambito, coop, Role.OPERATORE, Profile.PEDAGOGISTA),
        staff("coordinatrice_somma", ambito, comune, Role.COORDINATORE, Profile.ASSISTENTE_SOCIALE),
    ]
    psicologa = team[8]

    _budget(project)
    # 004: "Formazione di almeno 10 operatori coinvolti nella progettazione": the eleven of the team.
    _training(team[:8], LABORATORIO, "24", D(2023, 1, 25))
    _training(team[8:], LABORATORIO, "24", D(2023, 11, 15))
    _training(team[5:8], MOOC, "12", D(2024, 2, 28))

    gt, governance = GovernanceMeeting.Kind.GRUPPO_TERRITORIALE, GovernanceMeeting.Kind.GOVERNANCE
    schools = "Dirigenti degli istituti comprensivi e coordinatrici dei nidi dell'ambito"
    for day, kind, minutes in [
        (D(2022, 11, 8), gt, "Avvio del programma nell'ambito e composizione del Gruppo Territoriale."),
        (D(2023, 6, 13), governance, "Rete con le scuole dell'infanzia e primarie; famiglie d'appoggio."),
        (D(2024, 3, 12), gt, "Verifica della P.I.P.P.I. 11: esiti delle famiglie e formazione degli operatori."),
        (D(2025, 5, 20), gt, "Andamento della P.I.P.P.I. 13 e rete solidale."),
    ]:
        _meeting(ambito, project, day, kind, minutes, [udp, assistente, team[10]], schools)

    implementations = list(project.implementations.order_by("number"))
    for module, (implementation, start) in enumerate(
        zip(implementations, [D(2023, 3, 7), D(2024, 2, 6), D(2025, 2, 4)], strict=True), start=1
    ):
        _group(
            ambito=ambito,
            project=project,
            implementation=implementation,
            code="gruppo_genitori",
            module=module,
            name=f"Gruppo genitori «Prendersi cura» – P.I.P.P.I. {implementation.number}",
            venue="Biblioteca civica di Somma Lombardo, sala incontri (demo)",
            start=start,
            sessions=8,
            facilitators=[educatore, psicologa],
            rng=rng,
        )

    _pairings(_support_families(ambito, faker, rng, reserved, 3, D(2023, 9, 30)), ambito)
    _school(
        ambito,
        project,
        "Istituto comprensivo di Somma Lombardo – infanzia e primaria (demo)",
        SchoolPartnership.Kind.ACCORDO,
        D(2023, 9, 11),
        [
            (D(2023, 10, 24), "Coordinatrici dei nidi e insegnanti dell'infanzia: formazione sul metodo P.I.P.P.I."),
            (D(2024, 4, 9), "Insegnanti referenti della primaria, case manager"),
        ],
        "Sensibilizzazione e formazione del personale dei nidi e delle scuole dell'infanzia; insegnanti nelle EM.",
    )
    # 004: "Presa in carico di 10 famiglie per ogni implementazione del programma, con esito positivo di almeno
    # la metà".
    _indicators(project, positive_target="50")
    _quality(
        project,
        udp,
        coop,
        rng,
        (D(2024, 5, 6), D(2024, 6, 28)),
        [
            (
                D(2024, 4, 3),
                "di_persona",
                "Incontri domiciliari spostati più volte",
                "Calendario concordato con la famiglia per il mese successivo.",
                D(2024, 4, 17),
                "accolto",
            ),
        ],
        [
            (
                D(2024, 9, 17),
                "documentale",
                "Attestati della formazione degli operatori coinvolti nella progettazione.",
                "Attestati presenti per tutti gli operatori formati.",
                "",
                None,
                QualityControl.Status.SVOLTO,
            ),
        ],
    )
