"""The family part of the synthetic demo, and `walk()`, which takes a family along the path through the real
services (the tests use it too, so the demo and the tests exercise the same guards).

Every person is invented: names from Faker it_IT with a fixed seed, codici fiscali computed from those names.
"""

from __future__ import annotations

import datetime
import random
import re

from codicefiscale import codicefiscale
from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.utils import timezone
from faker import Faker

from equipes.models import Ambito, Comune, Implementation, Organisation, User

from . import services
from .models import (
    Closure,
    ClosureOutcome,
    Consent,
    DiaryNote,
    Family,
    Framework,
    Member,
    Objective,
    Preassessment,
    Referral,
    SDQScore,
    State,
    SubDimension,
    TeamMeeting,
    TeamMember,
    TimePoint,
)
from .redaction import fold

PATH = [
    State.SEGNALATA,
    State.PREASSESSMENT,
    State.INCLUSA,
    State.VALUTAZIONE_T0,
    State.IN_CORSO,
    State.VALUTAZIONE_T2,
    State.CONCLUSA,
]
# A one-page PDF standing in for a scanned, signed consent.
SIGNED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _ratings(rng: random.Random, base: int, spread: int = 1) -> dict[int, dict]:
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
    referral_date = family.referral.date
    t1 = implementation.t1_due(t0)
    t2 = implementation.t2_due(t0)
    steps = PATH[PATH.index(family.state) + 1 : PATH.index(target) + 1]
    names = _names(family)
    for step in steps:
        if step == State.PREASSESSMENT:
            services.family_start_preassessment(family=family, by=by, on=referral_date + datetime.timedelta(days=7))
        elif step == State.INCLUSA:
            services.preassessment_save(
                family=family,
                preassessment=Preassessment(
                    date=referral_date + datetime.timedelta(days=14),
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
                consent = Consent(
                    family=family, kind=kind, signed_on=referral_date + datetime.timedelta(days=15), signed_by=parent
                )
                consent.file.save("consenso.pdf", ContentFile(SIGNED_PDF), save=True)
            services.family_include(family=family, by=by, on=referral_date + datetime.timedelta(days=16))
        elif step == State.VALUTAZIONE_T0:
            if not family.team.filter(user=operator).exists():
                TeamMember.objects.create(
                    family=family, user=operator, role=operator.get_profile_display() or "Operatore"
                )
            parent = family.members.exclude(kind=Member.Kind.MINORE).first()
            TeamMember.objects.get_or_create(family=family, member=parent, defaults={"role": "Figura genitoriale"})
            services.family_start_t0(family=family, by=by, on=referral_date + datetime.timedelta(days=20))
        elif step == State.IN_CORSO:
            services.assessment_save(family=family, time_point=TimePoint.T0, date=t0, ratings=_ratings(rng, 3), by=by)
            child = family.members.filter(kind=Member.Kind.MINORE).first()
            _sdq(child, TimePoint.T0, t0, rng, worse=True)
            plan = services.plan_create(
                family=family,
                date=t0 + datetime.timedelta(days=10),
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
                    deadline=t1,
                )
                objective.actions.create(
                    description="Accompagnamento educativo di {parent} sulle routine di {child}.".format(**names),
                    responsible_user=operator,
                    frequency="2 volte a settimana",
                )
            plan.shared_with_family, plan.shared_on = True, t0 + datetime.timedelta(days=12)
            plan.save()
            TeamMeeting.objects.create(
                family=family,
                date=t0 + datetime.timedelta(days=12),
                minutes="Condivisione del Progetto Quadro con {parent}; {child} era presente.".format(**names),
            ).participants.set(family.team.all())
            services.family_start_path(family=family, by=by, on=t0 + datetime.timedelta(days=12))
        elif step == State.VALUTAZIONE_T2:
            record_t1(family, by=by, t0=t0, rng=rng)
            services.family_start_t2(family=family, by=by, on=t1 + datetime.timedelta(days=7))
        elif step == State.CONCLUSA:
            services.assessment_save(family=family, time_point=TimePoint.T2, date=t2, ratings=_ratings(rng, 5), by=by)
            for objective in services.current_plan(family).objectives.all():
                services.verification_save(
                    objective=objective,
                    time_point=TimePoint.T2,
                    date=t2,
                    outcome=rng.choice(["raggiunto", "raggiunto", "parzialmente", "non_raggiunto"]),
                    notes="Verificato in EM con {parent}.".format(**names),
                )
            for child in services.sdq_children_missing_t2(family):
                _sdq(child, TimePoint.T2, t2, rng, worse=False)
            Closure.objects.create(
                family=family,
                date=t2 + datetime.timedelta(days=7),
                outcome=ClosureOutcome.objects.get(code=outcome),
                child_at_home=outcome != "C",
                notes="Percorso concluso, valutazione condivisa in EM con {parent} e {child}.".format(**names),
            )
            services.family_close(family=family, by=by, on=t2 + datetime.timedelta(days=7))
        family.refresh_from_db()
    return family


def _names(family: Family) -> dict[str, str]:
    """First names and surname as the notes of a real case name them: the first parent and the reference child."""
    members = list(family.members.order_by("kind", "birth_date", "pk"))
    parent = next((m for m in members if m.kind != Member.Kind.MINORE), members[0])
    children = [m for m in members if m.kind == Member.Kind.MINORE]
    child = next((m for m in children if m.is_reference_child), children[0] if children else parent)
    return {"parent": parent.first_name, "child": child.first_name, "surname": parent.last_name}


def _sdq(child: Member, time_point: str, day: datetime.date, rng: random.Random, *, worse: bool) -> None:
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


# --- The demo ------------------------------------------------------------------------------------------


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
    for implementation in Implementation.objects.filter(project__ambito=seregno).order_by("number"):
        for i, (final, t0) in enumerate(plans[implementation.number]):
            case_manager, operator = (assistente, educatore) if i % 3 != 2 else (giussano, educatrice)
            referral = implementation.start_date + datetime.timedelta(days=10 + 7 * i)
            if t0 is None:
                t0 = referral + datetime.timedelta(days=45)
            else:
                referral = t0 - datetime.timedelta(days=45)
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
            walk_to = {
                State.SOSPESA: State.IN_CORSO,
                State.INTERROTTA: State.IN_CORSO,
                "in_corso_t1": State.IN_CORSO,
            }.get(final, final)
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
                    reason="Ricovero ospedaliero di {parent}.".format(**_names(family)),
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
            if final != State.SEGNALATA:
                services.family_start_preassessment(
                    family=family, by=assistente, on=referred + datetime.timedelta(days=5)
                )
            if final == State.NON_INCLUSA:
                services.preassessment_save(
                    family=family,
                    preassessment=Preassessment(
                        date=family.referral.date + datetime.timedelta(days=10),
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
                    on=referred + datetime.timedelta(days=12),
                )
            _diary(family, assistente, educatore)
    for code, case_manager_name, operator_name in (
        ("SOM", "assistente_somma", "educatore_somma"),
        ("URF", "assistente_faenza", "educatore_faenza"),
    ):
        case_manager = User.objects.get(username=case_manager_name)
        operator = User.objects.get(username=operator_name)
        implementation = Implementation.objects.filter(project__ambito=ambiti[code]).order_by("-number").first()
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
            t0 = family.referral.date + datetime.timedelta(days=45)
            walk(family, final, by=case_manager, operator=operator, t0=t0, rng=rng)


def record_t1(family: Family, *, by: User, t0: datetime.date, rng: random.Random) -> None:
    """The T1 assessment and verifications of a family still in progress (its T2 phase not yet opened)."""
    t1 = family.implementation.t1_due(t0)
    services.assessment_save(family=family, time_point=TimePoint.T1, date=t1, ratings=_ratings(rng, 4), by=by)
    for objective in services.current_plan(family).objectives.all():
        services.verification_save(
            objective=objective,
            time_point=TimePoint.T1,
            date=t1,
            outcome="parzialmente",
            notes="{child} ha fatto passi avanti, da consolidare.".format(**_names(family)),
        )


def _diary(family: Family, case_manager: User, operator: User) -> None:
    start = family.referral.date
    names = _names(family)
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
