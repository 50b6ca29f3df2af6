"""The families of the synthetic demo: about ten included families per Seregno implementation spread over the
path (walked there by `demo.path.walk`, through the real services), and a few referred, not included,
suspended and interrupted ones, in Seregno and in the other ambiti.

Every person is invented: names from Faker it_IT with a fixed seed, codici fiscali computed from those names.
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
    included and interrupted ones; a few families in the other ambiti. Skipped if already there."""
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
    # The Bassa Romagna's families are of the Romagna Faentina's project, in which the Bassa Romagna is associated.
    for code, case_manager_name, operator_name in (
        ("SOM", "assistente_somma", "educatore_somma"),
        ("URF", "assistente_faenza", "educatore_faenza"),
        ("UBR", "assistente_bassa", "educatore_bassa"),
    ):
        case_manager = User.objects.get(username=case_manager_name)
        operator = User.objects.get(username=operator_name)
        implementation = Implementation.objects.of_ambito(ambiti[code].pk).order_by("-number").first()
        for i, final in enumerate([State.IN_CORSO, State.INCLUSA, State.SEGNALATA]):
            family = _new_family(
                faker,
                rng,
                reserved=reserved,
                ambito=ambiti[code],
                implementation=implementation,
                case_manager=case_manager,
                referral=implementation.start_date + datetime.timedelta(days=15 + 10 * i),
            )
            t0 = family.referral.date + T0_AFTER_REFERRAL
            walk(family, final, by=case_manager, operator=operator, t0=t0, rng=rng)


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
