"""The families of the synthetic demo: about ten included families per Seregno implementation spread over the
path (walked there by `demo.path.walk`, through the real services), and a few referred, not included,
suspended and interrupted ones; ten included families per implementation of Somma Lombardo's project and of the
Romagna project (`OTHER_PLANS`), all at the end of their path: both projects ended on 31/03/2026 and no project
follows them.

Every person is invented: names from Faker it_IT with a fixed seed, codici fiscali computed from those names.
Invented too, since no document gives them: every referral, assessment, closure and interruption date (the
referrals from the tenth day of the implementation, a week apart or closer, so that the paths of the other
projects close before their implementation ends), the outcomes of the closed paths, and the split of the
Romagna project's ten families per implementation between its two ambiti (six and four).
"""

from __future__ import annotations

import datetime
import random
import re

from codicefiscale import codicefiscale
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from faker import Faker

from equipes.models import Ambito, Comune, Implementation, Organisation, User
from families import services
from families.models import DiaryNote, Family, Framework, Member, Preassessment, Referral, State
from families.redaction import fold

from .path import T0_AFTER_REFERRAL, Calendar, main_step, note_names, record_t1, walk


def reserved_words() -> set[str]:
    """Words a page may show for other reasons than a family: the names of the staff, comuni, organisations
    and ambiti (folded as the redactor compares them)."""
    texts = [
        *User.objects.values_list("first_name", "last_name"),
        *Comune.objects.values_list("name"),
        *Organisation.objects.values_list("name"),
        *Ambito.objects.values_list("name", "lead_municipality"),
    ]
    return {fold(word) for row in texts for text in row for word in re.split(r"[\s'’-]+", text) if word}


def _draw(make, reserved: set[str]) -> str:
    """A name from `make` that is none of the reserved words (staff, comuni, organisations): in the demo a
    family member's name found on a page is then always a leak, never a colleague's name."""
    while True:
        name = make()
        if not {fold(word) for word in name.split()} & reserved:
            return name


def _members(
    faker: Faker, rng: random.Random, referral: datetime.date, older_child: bool, reserved: set[str]
) -> list[Member]:
    last_name = _draw(faker.last_name, reserved)
    mother_birth = referral - relativedelta(years=rng.randint(27, 42), days=rng.randint(0, 300))
    members = [
        Member(
            kind=Member.Kind.FIGURA_GENITORIALE,
            first_name=_draw(faker.first_name_female, reserved),
            last_name=last_name,
            birth_date=mother_birth,
            sex="F",
            relationship="madre",
        )
    ]
    if rng.random() < 0.6:
        members.append(
            Member(
                kind=Member.Kind.FIGURA_GENITORIALE,
                first_name=_draw(faker.first_name_male, reserved),
                last_name=last_name,
                birth_date=mother_birth - relativedelta(years=rng.randint(0, 6)),
                sex="M",
                relationship="padre",
            )
        )
    ages = [rng.randint(1, 10) for _ in range(rng.randint(1, 3))]
    if older_child:
        ages[0] = rng.randint(12, 13)
    for i, age in enumerate(sorted(ages)):
        sex = rng.choice("MF")
        first = _draw(faker.first_name_male if sex == "M" else faker.first_name_female, reserved)
        birth = referral - relativedelta(years=age, days=rng.randint(10, 300))
        code = codicefiscale.encode(
            lastname=last_name, firstname=first, gender=sex, birthdate=birth.strftime("%d/%m/%Y"), birthplace="Milano"
        )
        members.append(
            Member(
                kind=Member.Kind.MINORE,
                first_name=first,
                last_name=last_name,
                birth_date=birth,
                sex=sex,
                codice_fiscale=code,
                relationship="figlio" if sex == "M" else "figlia",
                school="Scuola primaria (demo)" if 6 <= age <= 10 else "",
                school_class=f"{age - 5}ª" if 6 <= age <= 10 else "",
                is_reference_child=i == 0,
            )
        )
    return members


def _new_family(
    faker: Faker,
    rng: random.Random,
    *,
    ambito: Ambito,
    implementation: Implementation | None,
    case_manager: User,
    referral: datetime.date,
    reserved: set[str],
    older_child: bool = False,
    reunification: bool = False,
) -> Family:
    equipe = case_manager.equipes.filter(ambito=ambito).first()
    comune = equipe.comuni.order_by("?").first() if equipe.comuni.exists() else ambito.comuni.first()
    family = Family(
        comune=comune,
        equipe=equipe,
        implementation=implementation,
        case_manager=case_manager,
        reunification=reunification,
        address=faker.street_address(),
        phone=faker.phone_number(),
        cultural_mediation=rng.random() < 0.15,
    )
    if family.cultural_mediation:
        family.language = rng.choice(["arabo", "albanese", "rumeno", "spagnolo", "urdu"])
    source = rng.choice(Referral.Source.values[:-1])
    members = _members(faker, rng, referral, older_child, reserved)
    child = next(m for m in members if m.is_reference_child)
    reason = f"Fatiche nella cura quotidiana: {child.first_name} arriva spesso a scuola stanco e senza merenda."
    return services.family_refer(
        by=case_manager,
        family=family,
        referral=Referral(date=referral, source=source, reason=reason),
        members=members,
    )


def seed(ambiti: dict[str, Ambito]) -> None:
    """About ten included families per Seregno implementation, spread over the path, a few referred, not
    included and interrupted ones; ten per implementation in the other projects. Skipped if already there."""
    if Family.objects.filter(ambito__in=ambiti.values()).exists():
        return
    faker = Faker("it_IT")
    faker.seed_instance(11)
    rng = random.Random(11)
    reserved = reserved_words()
    seregno = ambiti["SER"]
    assistente = User.objects.get(username="assistente")
    giussano = User.objects.get(username="as_giussano")
    educatore = User.objects.get(username="educatore")
    educatrice = User.objects.get(username="educatrice2")
    today = timezone.localdate()
    # Per implementation, the included families: (where the path stands, T0 date or None for "by the
    # implementation's calendar"). Implementation 13 is anchored to today so that deadlines fall around it.
    months_ago = lambda months, days=0: today - relativedelta(months=months, days=days)  # noqa: E731
    plans = {
        11: [(State.CONCLUSA, None)] * 8 + [(State.VALUTAZIONE_T2, None), (State.INTERROTTA, None)],
        12: [(State.CONCLUSA, None)] * 5
        + [(State.VALUTAZIONE_T2, None)] * 2
        + [(State.IN_CORSO, None)] * 2
        + [(State.SOSPESA, None)],
        13: [
            ("in_corso_t1", months_ago(17, 10)),
            ("in_corso_t1", months_ago(17, 25)),
            ("in_corso_t1", months_ago(19)),
            (State.IN_CORSO, months_ago(20)),
            (State.VALUTAZIONE_T2, months_ago(17, 15)),
            (State.VALUTAZIONE_T2, months_ago(18, 5)),
            (State.VALUTAZIONE_T0, None),
            (State.VALUTAZIONE_T0, None),
            (State.INCLUSA, None),
            (State.INTERROTTA, None),
        ],
    }
    # The PNRR project's implementations (the follow-on's implementation 14 takes over their families later).
    for implementation in Implementation.objects.filter(project__ambito=seregno, number__in=plans).order_by("number"):
        for i, (final, t0) in enumerate(plans[implementation.number]):
            case_manager, operator = (assistente, educatore) if i % 3 != 2 else (giussano, educatrice)
            referral = implementation.start_date + datetime.timedelta(days=10 + 7 * i)
            if t0 is None:
                t0 = referral + T0_AFTER_REFERRAL
            else:
                referral = t0 - T0_AFTER_REFERRAL
            family = _new_family(
                faker,
                rng,
                reserved=reserved,
                ambito=seregno,
                implementation=implementation,
                case_manager=case_manager,
                referral=referral,
                older_child=i == 3,
                reunification=i == 4,
            )
            walk_to = State.IN_CORSO if final == "in_corso_t1" else main_step(final)
            walk(
                family, walk_to, by=case_manager, operator=operator, t0=t0, rng=rng, outcome="B" if i % 4 == 0 else "A"
            )
            if final == "in_corso_t1":
                record_t1(family, by=case_manager, t0=t0, rng=rng)
            later = min(t0 + datetime.timedelta(days=120), today)
            if final == State.SOSPESA:
                services.family_suspend(
                    family=family,
                    by=case_manager,
                    reason="Ricovero ospedaliero di {parent}.".format(**note_names(family)),
                    on=later,
                )
            if final == State.INTERROTTA:
                services.family_interrupt(
                    family=family,
                    by=case_manager,
                    interruption_reason=Family.InterruptionReason.TRASFERIMENTO,
                    reason="La famiglia si è trasferita fuori ambito.",
                    on=later,
                )
            _diary(family, case_manager, operator)
        # Referred families of the implementation that were not (or not yet) included.
        for j, final in enumerate([State.SEGNALATA, State.PREASSESSMENT, State.NON_INCLUSA]):
            family = _new_family(
                faker,
                rng,
                reserved=reserved,
                ambito=seregno,
                implementation=implementation,
                case_manager=assistente,
                referral=implementation.start_date + datetime.timedelta(days=20 + 9 * j),
            )
            referred = family.referral.date
            calendar = Calendar(referral=referred)
            if final != State.SEGNALATA:
                services.family_start_preassessment(
                    family=family, by=assistente, on=referred + datetime.timedelta(days=5)
                )
            if final == State.NON_INCLUSA:
                services.preassessment_save(
                    family=family,
                    preassessment=Preassessment(
                        date=calendar.preassessed_for_protection,
                        orientation=Preassessment.Orientation.TUTELA,
                        motivation="Situazione di pregiudizio: serve un percorso di tutela.",
                    ),
                    concerns={side.pk: 3 for side in Framework.current().sides.all()},
                    by=assistente,
                )
                services.family_exclude(
                    family=family,
                    by=assistente,
                    reason="Orientamento verso la tutela.",
                    on=calendar.excluded,
                )
            _diary(family, assistente, educatore)
    _other_projects(ambiti, faker, rng, reserved, today)


# The other projects' included families, per ambito and implementation: where each one's path stands today. 003
# asks "almeno n. 10 famiglie target in ciascuna implementazione" of the Romagna project (30 in all) and counts
# its two ambiti together: six families of the Romagna Faentina and four of the Bassa Romagna per implementation
# (the split is invented). 004: "Presa in carico di 10 famiglie per ogni implementazione del programma, con esito
# positivo di almeno la metà". Both projects ended on 31/03/2026 and no project follows them to take over their
# families (003: "avviare e portare a termine tre implementazioni"): the families of every implementation, the
# last one included, have finished their path within it (closed, a few interrupted).
CLOSED, STOPPED = State.CONCLUSA, State.INTERROTTA
OTHER_PLANS: dict[str, dict[int, list[str]]] = {
    "SOM": {11: [CLOSED] * 9 + [STOPPED], 12: [CLOSED] * 10, 13: [CLOSED] * 9 + [STOPPED]},
    "URF": {11: [CLOSED] * 5 + [STOPPED], 12: [CLOSED] * 6, 13: [CLOSED] * 6},
    "UBR": {11: [CLOSED] * 4, 12: [CLOSED] * 3 + [STOPPED], 13: [CLOSED] * 4},
}
PATH_ENDS = {CLOSED, STOPPED}
OTHER_STAFF = {
    "SOM": ("assistente_somma", "educatore_somma"),
    "URF": ("assistente_faenza", "educatore_faenza"),
    "UBR": ("assistente_bassa", "educatore_bassa"),
}


def referral_days(implementation: Implementation, count: int, *, to_close: bool) -> list[datetime.date]:
    """The referral days of `count` families of an implementation, from its tenth day and at most a week apart:
    close enough together, for paths that close within the implementation, that T2 and the closure (T0 45 days
    after the referral, T2 the implementation's months after T0, the closure a week later) fall before its end."""
    first = implementation.start_date + datetime.timedelta(days=10)
    gap = 7
    if to_close and count > 1:
        latest = (
            implementation.end_date
            - relativedelta(months=implementation.t2_offset_months)
            - T0_AFTER_REFERRAL
            - datetime.timedelta(days=14)
        )
        gap = min(7, max(1, (latest - first).days // (count - 1)))
    return [first + datetime.timedelta(days=gap * i) for i in range(count)]


def _other_projects(
    ambiti: dict[str, Ambito], faker: Faker, rng: random.Random, reserved: set[str], today: datetime.date
) -> None:
    """Somma Lombardo's and the Romagna project's families (the Bassa Romagna's are of the Romagna Faentina's
    project, in which the Bassa Romagna is associated), spread over the implementations (`OTHER_PLANS`)."""
    for code, plans in OTHER_PLANS.items():
        case_manager, operator = (User.objects.get(username=name) for name in OTHER_STAFF[code])
        implementations = {i.number: i for i in Implementation.objects.of_ambito(ambiti[code].pk)}
        for number, finals in plans.items():
            implementation = implementations[number]
            days = referral_days(implementation, len(finals), to_close=set(finals) <= PATH_ENDS)
            for i, (final, referral) in enumerate(zip(finals, days, strict=True)):
                family = _new_family(
                    faker,
                    rng,
                    reserved=reserved,
                    ambito=ambiti[code],
                    implementation=implementation,
                    case_manager=case_manager,
                    referral=referral,
                    older_child=i == 3,
                )
                t0 = referral + T0_AFTER_REFERRAL
                # About one path in five closes with outcome C (a protection path), the others with A or B.
                outcome = "C" if i % 5 == 4 else ("B" if i % 3 == 0 else "A")
                walk(family, main_step(final), by=case_manager, operator=operator, t0=t0, rng=rng, outcome=outcome)
                if final == State.INTERROTTA:
                    services.family_interrupt(
                        family=family,
                        by=case_manager,
                        interruption_reason=Family.InterruptionReason.TRASFERIMENTO,
                        reason="La famiglia si è trasferita fuori ambito.",
                        on=min(t0 + datetime.timedelta(days=120), today),
                    )


def _diary(family: Family, case_manager: User, operator: User) -> None:
    start = family.referral.date
    names = note_names(family)
    DiaryNote.objects.create(
        family=family,
        author=case_manager,
        date=start + datetime.timedelta(days=3),
        text="Primo colloquio con {parent}: disponibile a collaborare, chiede aiuto per le routine serali.".format(
            **names
        ),
    )
    if family.state not in (State.SEGNALATA, State.PREASSESSMENT):
        DiaryNote.objects.create(
            family=family,
            author=operator,
            date=start + datetime.timedelta(days=60),
            text="Visita domiciliare: i compiti vengono svolti con più serenità, {child} racconta della scuola.".format(
                **names
            ),
        )
        DiaryNote.objects.create(
            family=family,
            author=case_manager,
            date=start + datetime.timedelta(days=70),
            text="Aggiornamento riservato dalla neuropsichiatria: invio per approfondimento.",
            sensitivity=DiaryNote.Sensitivity.RISERVATA,
        )
