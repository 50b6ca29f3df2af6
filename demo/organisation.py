"""The organisation part of the synthetic demo (`manage.py seed_demo`).

Ambiti, comuni, CUP codes, amounts and dates come from the public project documents in the design seeds;
every person is invented (names from Faker it_IT with a fixed seed), every organisation other than the
municipalities is fictional. Running it twice leaves the same data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from faker import Faker

from equipes import national_comuni
from equipes.models import (
    Ambito,
    Comune,
    Equipe,
    EquipeMembership,
    FundingSource,
    GovernanceMeeting,
    Implementation,
    Organisation,
    Profile,
    Project,
    Role,
    StaffTraining,
    User,
)

DEMO_PASSWORD = "demo-pippi-2026"
PROJECT_TITLE = (
    "Sostegno alle capacità genitoriali e prevenzione della vulnerabilità delle famiglie e dei bambini (P.I.P.P.I.)"
)
D = datetime.date
FOLLOW_ON_TITLE = "P.I.P.P.I. come livello essenziale (LEPS) nell'Ambito di Seregno"
FOLLOW_ON_START = D(2026, 6, 1)
# T2 of P.I.P.P.I. 13 in the Romagna and Somma Lombardo projects, in months after T0 (invented): 15 rather than the
# default 18, so that the paths of an implementation of nineteen months, in a project that ended on 31/03/2026
# with nothing after it, reach T2 and close within it (003: "portare a termine tre implementazioni").
LAST_T2_OFFSET = 15


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    ambito: str
    note: str


# The logins README.md and `make run` print.
DEMO_LOGINS = [
    DemoLogin("admin", "admin (superuser)", "—", "Django admin e tutti gli ambiti"),
    DemoLogin("udp", "ufficio_piano", "Seregno", "progetto, personale, ore, rendicontazione"),
    DemoLogin("coordinatore", "coordinatore", "Seregno", "tutte le famiglie, pseudonimizzate"),
    DemoLogin("assistente", "case_manager", "Seregno", "famiglie delle sue équipe"),
    DemoLogin("educatore", "operatore", "Seregno", "famiglie assegnate, ore"),
    DemoLogin("psicologo", "operatore", "Seregno", "famiglie assegnate, ore"),
    DemoLogin("referente_coop", "referente_ente", "Seregno", "personale e ore della cooperativa"),
    DemoLogin("assistente_somma", "case_manager", "Somma Lombardo", "un altro ambito"),
    DemoLogin("udp_faenza", "ufficio_piano", "Romagna Faentina", "capofila: tutto il progetto con la Bassa Romagna"),
    DemoLogin("udp_bassa", "ufficio_piano", "Bassa Romagna", "ambito associato: legge le rendicontazioni"),
    DemoLogin("coordinatore_bassa", "coordinatore", "Bassa Romagna", "famiglie della Bassa Romagna"),
    DemoLogin("assistente_bassa", "case_manager", "Bassa Romagna", "famiglie delle sue équipe"),
    DemoLogin("educatore_bassa", "operatore", "Bassa Romagna", "famiglie assegnate, ore"),
]

SEREGNO_COMUNI = [
    "Barlassina",
    "Ceriano Laghetto",
    "Cogliate",
    "Giussano",
    "Lazzate",
    "Lentate sul Seveso",
    "Meda",
    "Misinto",
    "Seregno",
    "Seveso",
]
FAENTINA_COMUNI = ["Brisighella", "Casola Valsenio", "Castel Bolognese", "Faenza", "Riolo Terme", "Solarolo"]
BASSA_ROMAGNA_COMUNI = [
    "Alfonsine",
    "Bagnacavallo",
    "Bagnara di Romagna",
    "Conselice",
    "Cotignola",
    "Fusignano",
    "Lugo",
    "Massa Lombarda",
    "Sant'Agata sul Santerno",
]
SOMMA_COMUNI = [
    "Arsago Seprio",
    "Besnate",
    "Cardano al Campo",
    "Casorate Sempione",
    "Ferno",
    "Golasecca",
    "Lonate Pozzolo",
    "Somma Lombardo",
    "Vizzola Ticino",
]


def seed() -> dict[str, Ambito]:
    """Create or update the organisation of the three demo ambiti; return them by code."""
    faker = Faker("it_IT")
    faker.seed_instance(2026)
    ambiti = {
        "SER": _seregno(faker),
        "URF": _faentina(faker),
        "UBR": _bassa_romagna(),
        "SOM": _somma(faker),
    }
    _admin()
    return ambiti


def _ambito(code: str, name: str, lead: str, comuni: list[str]) -> Ambito:
    ambito, _ = Ambito.objects.update_or_create(code=code, defaults={"name": name, "lead_municipality": lead})
    for comune in comuni:
        # Real places: their cadastral code, province and ISTAT code come from the national list, as in the admin.
        place = national_comuni.find(comune)
        if place is None:
            raise ValueError(f"{comune}: not one current comune of the national list")
        Comune.objects.update_or_create(
            ambito=ambito,
            name=comune,
            defaults={"cadastral_code": place.code, "province": place.province, "istat_code": place.istat},
        )
    return ambito


def _organisation(ambito: Ambito, name: str, kind: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(ambito=ambito, name=name, defaults={"kind": kind})
    return organisation


def _user(
    faker: Faker,
    username: str,
    *,
    ambito: Ambito | None,
    organisation: Organisation | None,
    role: str,
    profile: str = "",
    can_log_in: bool = True,
) -> User:
    # Names are drawn in a fixed order from a seeded generator, so they are the same on every run.
    first_name, last_name = faker.first_name(), faker.last_name()
    user, created = User.objects.update_or_create(
        username=username,
        defaults={
            "ambito": ambito,
            "organisation": organisation,
            "role": role,
            "profile": profile,
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@demo.pippi-portal.invalid",
            "is_active": True,
        },
    )
    if created:
        if can_log_in:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _project(ambito: Ambito, cup: str, start: datetime.date, end: datetime.date, decree: str) -> Project:
    project, _ = Project.objects.update_or_create(
        cup=cup,
        defaults={
            "ambito": ambito,
            "title": PROJECT_TITLE,
            "amount": Decimal("211500.00"),
            "start_date": start,
            "end_date": end,
            "funding_decree": decree,
            "measure_code": "M5C2 I1.1.1",
            "funding_source": FundingSource.PNRR,
        },
    )
    return project


def _implementation(
    project: Project, number: int, module: str, start: datetime.date, end: datetime.date, t2_offset_months: int = 18
) -> Implementation:
    implementation, _ = Implementation.objects.update_or_create(
        project=project,
        number=number,
        defaults={"module": module, "start_date": start, "end_date": end, "t2_offset_months": t2_offset_months},
    )
    return implementation


def _equipe(ambito: Ambito, name: str, comuni: list[str], members: list[tuple[User, str]]) -> Equipe:
    equipe, _ = Equipe.objects.get_or_create(ambito=ambito, name=name)
    equipe.comuni.set(Comune.objects.filter(ambito=ambito, name__in=comuni))
    for user, role in members:
        EquipeMembership.objects.update_or_create(equipe=equipe, user=user, defaults={"role": role})
    return equipe


def _training(
    user: User, course: str, provider: str, hours: str, completed_on: datetime.date, *, mooc: bool = False
) -> None:
    StaffTraining.objects.get_or_create(
        user=user,
        course=course,
        completed_on=completed_on,
        defaults={"provider": provider, "hours": Decimal(hours), "is_programme_mooc": mooc},
    )


def _seregno(faker: Faker) -> Ambito:
    ambito = _ambito("SER", "Ambito di Seregno", "Comune di Seregno", SEREGNO_COMUNI)
    comune = _organisation(ambito, "Comune di Seregno", Organisation.Kind.COMUNE)
    comune_giussano = _organisation(ambito, "Comune di Giussano", Organisation.Kind.COMUNE)
    coop = _organisation(ambito, "Cooperativa sociale Aquilone (demo)", Organisation.Kind.ETS)
    _organisation(ambito, "Servizio di neuropsichiatria infantile (demo)", Organisation.Kind.SANITA)

    udp = _user(faker, "udp", ambito=ambito, organisation=comune, role=Role.UFFICIO_PIANO, profile=Profile.ALTRO)
    coordinatore = _user(
        faker,
        "coordinatore",
        ambito=ambito,
        organisation=comune,
        role=Role.COORDINATORE,
        profile=Profile.ASSISTENTE_SOCIALE,
    )
    assistente = _user(
        faker,
        "assistente",
        ambito=ambito,
        organisation=comune,
        role=Role.CASE_MANAGER,
        profile=Profile.ASSISTENTE_SOCIALE,
    )
    educatore = _user(
        faker, "educatore", ambito=ambito, organisation=coop, role=Role.OPERATORE, profile=Profile.EDUCATORE
    )
    psicologo = _user(
        faker, "psicologo", ambito=ambito, organisation=coop, role=Role.OPERATORE, profile=Profile.PSICOLOGO
    )
    referente = _user(
        faker, "referente_coop", ambito=ambito, organisation=coop, role=Role.REFERENTE_ENTE, profile=Profile.ALTRO
    )
    # Colleagues without a demo login: they fill the staff register, the équipes and (later) the hours.
    assistente_giussano = _user(
        faker,
        "as_giussano",
        ambito=ambito,
        organisation=comune_giussano,
        role=Role.CASE_MANAGER,
        profile=Profile.ASSISTENTE_SOCIALE,
        can_log_in=False,
    )
    educatrice = _user(
        faker,
        "educatrice2",
        ambito=ambito,
        organisation=coop,
        role=Role.OPERATORE,
        profile=Profile.EDUCATORE,
        can_log_in=False,
    )
    educatore3 = _user(
        faker,
        "educatore3",
        ambito=ambito,
        organisation=coop,
        role=Role.OPERATORE,
        profile=Profile.EDUCATORE,
        can_log_in=False,
    )
    pedagogista = _user(
        faker,
        "pedagogista",
        ambito=ambito,
        organisation=coop,
        role=Role.OPERATORE,
        profile=Profile.PEDAGOGISTA,
        can_log_in=False,
    )
    mediatrice = _user(
        faker,
        "mediatrice",
        ambito=ambito,
        organisation=coop,
        role=Role.OPERATORE,
        profile=Profile.MEDIATORE_CULTURALE,
        can_log_in=False,
    )

    project = _project(
        ambito,
        "B24H22000190001",
        D(2023, 6, 1),
        D(2026, 5, 31),
        "Decreto dipartimentale n. 450 del 9/12/2021, Ministero del Lavoro e delle Politiche Sociali",
    )
    project.partners.set([coop])
    _implementation(project, 11, Implementation.Module.BASE, D(2023, 6, 1), D(2025, 5, 31))
    _implementation(project, 12, Implementation.Module.BASE, D(2024, 1, 15), D(2025, 12, 31))
    _implementation(project, 13, Implementation.Module.BASE, D(2024, 9, 2), D(2026, 5, 31))
    # The PNRR project ended on 31/05/2026 (its conclusion, final report and the passage of its families are
    # seeded by `demo.quality`, after the hours they report). P.I.P.P.I. goes on with the national funds for
    # the LEPS: the follow-on project and its implementation 14 start on 01/06/2026 (from the issue); its end
    # date, title and amount are invented, and it has no CUP.
    follow_on, _ = Project.objects.update_or_create(
        predecessor=project,
        defaults={
            "ambito": ambito,
            "title": FOLLOW_ON_TITLE,
            "cup": "",
            "funding_source": FundingSource.LEPS,
            "funding_decree": "Fondo nazionale politiche sociali, quota LEPS (atto inventato per la demo)",
            "amount": Decimal("120000.00"),  # invented
            "start_date": FOLLOW_ON_START,
            "end_date": D(2027, 12, 31),  # invented
            "measure_code": "",
        },
    )
    follow_on.partners.set([coop])
    _implementation(follow_on, 14, Implementation.Module.BASE, FOLLOW_ON_START, D(2027, 12, 31))

    member = EquipeMembership.MemberRole
    _equipe(
        ambito,
        "Équipe Seregno – Seveso",
        ["Seregno", "Seveso", "Barlassina", "Lentate sul Seveso", "Meda"],
        [
            (assistente, member.CASE_MANAGER),
            (coordinatore, member.COACH),
            (educatore, member.OPERATORE),
            (psicologo, member.OPERATORE),
            (mediatrice, member.OPERATORE),
        ],
    )
    _equipe(
        ambito,
        "Équipe Giussano – Lazzate",
        ["Giussano", "Lazzate", "Misinto", "Cogliate", "Ceriano Laghetto"],
        [
            (assistente_giussano, member.CASE_MANAGER),
            (coordinatore, member.COACH),
            (educatrice, member.OPERATORE),
            (educatore3, member.OPERATORE),
            (pedagogista, member.OPERATORE),
        ],
    )

    mooc = "MOOC Vicinanza solidale"
    laboratorio = "Laboratorio formativo P.I.P.P.I. per le EM"
    for user, hours in [(educatore, "24"), (educatrice, "24"), (psicologo, "20"), (assistente, "24")]:
        _training(user, laboratorio, "LabRIEF – Università di Padova", hours, D(2023, 10, 20))
    for user in [educatore, educatrice, mediatrice, pedagogista]:
        _training(user, mooc, "LabRIEF – Università di Padova", "12", D(2024, 2, 28), mooc=True)
    _training(coordinatore, "Formazione coach P.I.P.P.I.", "LabRIEF – Università di Padova", "40", D(2023, 9, 15))

    for day, kind, minutes in [
        (D(2023, 6, 20), GovernanceMeeting.Kind.GRUPPO_TERRITORIALE, "Avvio del progetto e composizione del GT."),
        (D(2023, 9, 12), GovernanceMeeting.Kind.TECNICO_MENSILE, "Individuazione delle famiglie della P.I.P.P.I. 11."),
        (D(2024, 3, 5), GovernanceMeeting.Kind.GOVERNANCE, "Monitoraggio della coprogettazione e delle ore."),
        (D(2024, 11, 19), GovernanceMeeting.Kind.GRUPPO_TERRITORIALE, "Verifica intermedia e avvio P.I.P.P.I. 13."),
        (D(2025, 6, 10), GovernanceMeeting.Kind.TECNICO_MENSILE, "Valutazioni T2 della P.I.P.P.I. 11."),
    ]:
        meeting, _ = GovernanceMeeting.objects.update_or_create(
            ambito=ambito, date=day, kind=kind, defaults={"project": project, "minutes": minutes}
        )
        meeting.participants.set([udp, coordinatore, referente, assistente])
    return ambito


def _faentina(faker: Faker) -> Ambito:
    ambito = _ambito("URF", "Unione della Romagna Faentina", "Unione della Romagna Faentina", FAENTINA_COMUNI)
    unione = _organisation(ambito, "Unione della Romagna Faentina – Servizi sociali", Organisation.Kind.COMUNE)
    assistente = _user(
        faker,
        "assistente_faenza",
        ambito=ambito,
        organisation=unione,
        role=Role.CASE_MANAGER,
        profile=Profile.ASSISTENTE_SOCIALE,
        can_log_in=False,
    )
    project = _project(
        ambito,
        "F14H22000020006",
        D(2022, 10, 11),
        D(2026, 3, 31),
        "Decreto dipartimentale n. 450 del 9/12/2021 (progetto in forma associata con la Bassa Romagna)",
    )
    _implementation(project, 11, Implementation.Module.AVANZATO, D(2022, 10, 11), D(2024, 6, 30))
    _implementation(project, 12, Implementation.Module.BASE, D(2023, 9, 1), D(2025, 6, 30))
    _implementation(project, 13, Implementation.Module.BASE, D(2024, 9, 1), D(2026, 3, 31), LAST_T2_OFFSET)
    educatore = _user(
        faker,
        "educatore_faenza",
        ambito=ambito,
        organisation=unione,
        role=Role.OPERATORE,
        profile=Profile.EDUCATORE,
        can_log_in=False,
    )
    _equipe(
        ambito,
        "Équipe Faenza",
        ["Faenza", "Castel Bolognese", "Solarolo"],
        [(assistente, EquipeMembership.MemberRole.CASE_MANAGER), (educatore, EquipeMembership.MemberRole.OPERATORE)],
    )
    # The lead's Ufficio di Piano, who reports the whole project (names from a generator of its own, so that the
    # other ambiti's people keep theirs).
    _user(_faker(2031), "udp_faenza", ambito=ambito, organisation=unione, role=Role.UFFICIO_PIANO)
    return ambito


def _faker(seed: int) -> Faker:
    faker = Faker("it_IT")
    faker.seed_instance(seed)
    return faker


def _bassa_romagna() -> Ambito:
    """The Bassa Romagna, associated with the Romagna Faentina in its project (CUP F14H22000020006): its Ufficio di
    Piano, a coordinator, a case manager and an educator of the Unione's social services, in one équipe (the
    équipe's comuni are invented; the document does not say how the Unione divides its territory)."""
    ambito = _ambito(
        "UBR", "Unione dei Comuni della Bassa Romagna", "Unione dei Comuni della Bassa Romagna", BASSA_ROMAGNA_COMUNI
    )
    Project.objects.get(cup="F14H22000020006").associated_ambiti.add(ambito)
    unione = _organisation(ambito, "Unione dei Comuni della Bassa Romagna – Servizi sociali", Organisation.Kind.COMUNE)
    faker = _faker(2032)
    _user(faker, "udp_bassa", ambito=ambito, organisation=unione, role=Role.UFFICIO_PIANO)
    coordinatore = _user(faker, "coordinatore_bassa", ambito=ambito, organisation=unione, role=Role.COORDINATORE)
    assistente = _user(
        faker,
        "assistente_bassa",
        ambito=ambito,
        organisation=unione,
        role=Role.CASE_MANAGER,
        profile=Profile.ASSISTENTE_SOCIALE,
    )
    educatore = _user(
        faker, "educatore_bassa", ambito=ambito, organisation=unione, role=Role.OPERATORE, profile=Profile.EDUCATORE
    )
    _equipe(
        ambito,
        "Équipe Lugo",
        ["Lugo", "Bagnacavallo", "Cotignola", "Fusignano"],
        [
            (assistente, EquipeMembership.MemberRole.CASE_MANAGER),
            (educatore, EquipeMembership.MemberRole.OPERATORE),
            (coordinatore, EquipeMembership.MemberRole.COACH),
        ],
    )
    return ambito


def _somma(faker: Faker) -> Ambito:
    ambito = _ambito("SOM", "Ambito di Somma Lombardo", "Comune di Somma Lombardo", SOMMA_COMUNI)
    comune = _organisation(ambito, "Comune di Somma Lombardo", Organisation.Kind.COMUNE)
    assistente = _user(
        faker,
        "assistente_somma",
        ambito=ambito,
        organisation=comune,
        role=Role.CASE_MANAGER,
        profile=Profile.ASSISTENTE_SOCIALE,
    )
    project = _project(
        ambito, "B24H22000050006", D(2022, 10, 1), D(2026, 3, 31), "Decreto dipartimentale n. 450 del 9/12/2021"
    )
    _implementation(project, 11, Implementation.Module.BASE, D(2022, 10, 1), D(2024, 6, 30))
    _implementation(project, 12, Implementation.Module.BASE, D(2023, 9, 1), D(2025, 6, 30))
    _implementation(project, 13, Implementation.Module.BASE, D(2024, 9, 1), D(2026, 3, 31), LAST_T2_OFFSET)
    educatore = _user(
        faker,
        "educatore_somma",
        ambito=ambito,
        organisation=comune,
        role=Role.OPERATORE,
        profile=Profile.EDUCATORE,
        can_log_in=False,
    )
    _equipe(
        ambito,
        "Équipe Somma Lombardo",
        SOMMA_COMUNI,
        [(assistente, EquipeMembership.MemberRole.CASE_MANAGER), (educatore, EquipeMembership.MemberRole.OPERATORE)],
    )
    return ambito


def _admin() -> User:
    user, created = User.objects.update_or_create(
        username="admin",
        defaults={
            "role": Role.ADMIN,
            "ambito": None,
            "organisation": None,
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Amministratore",
            "last_name": "Demo",
            "email": "admin@demo.pippi-portal.invalid",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
