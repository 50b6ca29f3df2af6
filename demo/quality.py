"""The reporting part of the synthetic demo (`manage.py seed_demo`): for the Seregno project, a beneficiary
and an operator survey per project year (answers typed in from paper and given through links, through the
real services), the complaints register, the controls on the partner, and the social-impact indicators:
those the data can tell (support families, positive outcomes, children at home) computed by the portal,
the others (satisfaction, waiting time) with a typed value per semester. Everything is invented; nothing
names a person. Idempotent: each part is skipped when the project already has it.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from equipes import services as project_services
from equipes.models import Ambito, Organisation, Project, User
from families.models import Member
from reporting import services
from reporting.indicators import semester_bounds, year_bounds
from reporting.models import (
    FINAL_REPORT_LABEL,
    Audience,
    Complaint,
    Formula,
    ImpactIndicator,
    IndicatorValue,
    QualityControl,
    ReportRun,
    SatisfactionSurvey,
    SurveyLink,
    SurveyLinkBatch,
    SurveyResultsReport,
)
from reporting.reports import run_report

from .path import SIGNED_PDF

D = datetime.date
SEREGNO_CUP = "B24H22000190001"

BENEFICIARY_STATEMENTS = [
    "Mi sono sentito/a ascoltato/a dagli operatori.",
    "Gli incontri con l'équipe sono stati utili per la mia famiglia.",
    "Ho partecipato alla costruzione del progetto per la mia famiglia.",
    "Gli orari e i luoghi degli incontri erano adatti alle mie esigenze.",
    "Le informazioni che ho ricevuto erano chiare.",
    "Oggi mi sento più capace di affrontare le difficoltà con i miei figli.",
    "Consiglierei questo percorso ad altre famiglie.",
]
OPERATOR_STATEMENTS = [
    "Ho ricevuto una formazione adeguata al mio ruolo nel programma.",
    "Il lavoro nell'équipe multidisciplinare funziona bene.",
    "Gli strumenti del metodo (Mondo del Bambino, Progetto Quadro) sono utili nel mio lavoro.",
    "Il carico di lavoro è sostenibile.",
    "La supervisione e il coordinamento sono adeguati.",
    "La collaborazione con i servizi sociali comunali è efficace.",
]
BENEFICIARY_COMMENTS = [
    "Il gruppo con gli altri genitori mi ha aiutato molto.",
    "Vorrei incontri in orari più flessibili.",
    "L'educatrice è stata sempre disponibile.",
    "All'inizio non capivo bene a cosa servissero tutti questi incontri.",
    "Grazie per il sostegno in un periodo difficile.",
]
OPERATOR_COMMENTS = [
    "Servirebbe più tempo per le riunioni di équipe.",
    "Molto utile la formazione sul metodo.",
    "Le sostituzioni sono difficili da organizzare.",
]
# Project years (June–May): the survey runs in the last six weeks of each.
YEARS = [
    (2023, D(2024, 4, 15), D(2024, 5, 31)),
    (2024, D(2025, 4, 14), D(2025, 5, 30)),
    (2025, D(2026, 4, 13), D(2026, 5, 29)),
]


def seed(ambiti: dict[str, Ambito]) -> None:
    """Quality data of the Seregno project (the other projects' are `demo.programmes`'). Then its end."""
    project = Project.objects.filter(cup=SEREGNO_CUP).first()
    if project is None:
        return
    udp = User.objects.get(username="udp")
    referente = User.objects.get(username="referente_coop")
    coop = referente.organisation
    comuni = {o.name: o for o in Organisation.objects.filter(ambito=project.ambito, kind=Organisation.Kind.COMUNE)}
    rng = random.Random(2023)
    if not SatisfactionSurvey.objects.filter(project=project).exists():
        _surveys(project, udp, referente, rng, _a_parent(project))
    if not Complaint.objects.filter(project=project).exists():
        _complaints(project, udp, coop, comuni, _a_parent(project))
    if not QualityControl.objects.filter(project=project).exists():
        _controls(project, udp, coop)
    if not ImpactIndicator.objects.filter(project=project).exists():
        _indicators(project)
    if not SurveyResultsReport.objects.filter(survey__project=project).exists():
        _survey_reports(project, udp, referente)
    if not ReportRun.objects.filter(project=project).exists():
        _report_runs(project, udp, referente)
    _curricula(coop)
    _conclude_seregno(project, udp)


def _conclude_seregno(project: Project, udp: User) -> None:
    """Seregno as it is today: the PNRR project concluded on its end date, 31/05/2026, with its final report
    approved (a month later, as the semester reports); then the families still on their path pass to the
    follow-on project (`demo.organisation`), with their history. Last, because the reports above count the
    families where they were. Idempotent: a second passage moves nobody."""
    project = _conclude(project, udp)
    follow_on = Project.objects.filter(predecessor=project).first()
    if follow_on is not None:
        implementation = follow_on.implementations.order_by("number").first()
        services.project_take_over_families(implementation=implementation, by=udp)


def _conclude(project: Project, udp: User) -> Project:
    """The project concluded on its end date by its lead Ufficio di Piano, and its final report approved by it a
    month later (as the semester reports). Idempotent."""
    if not project.is_concluded:
        project = project_services.project_conclude(project=project, on=project.end_date, by=udp)
    if not ReportRun.objects.filter(project=project, kind=ReportRun.Kind.FINAL).exists():
        _approved_run(project, ReportRun.Kind.FINAL, FINAL_REPORT_LABEL, project.start_date, project.concluded_on, udp)
    return project


#: The projects that ended on 31/03/2026 with no project after them, and the login of their lead ambito's Ufficio
#: di Piano, who concludes them and approves their final report.
ENDED_WITHOUT_FOLLOW_ON = {"F14H22000020006": "udp_faenza", "B24H22000050006": "udp_somma"}


def conclude_other_projects() -> None:
    """The Romagna project (CUP F14H22000020006, lead the Romagna Faentina) and Somma Lombardo's ended on
    31/03/2026: each concluded on that day, every family of it at the end of its path (`demo.families`), and its
    final report approved by the lead ambito's Ufficio di Piano. Called by `seed_demo` after the programmes and
    the targets, which the final report counts."""
    for cup, username in ENDED_WITHOUT_FOLLOW_ON.items():
        project = Project.objects.filter(cup=cup).first()
        if project is not None and project.end_date < timezone.localdate():
            _conclude(project, User.objects.get(username=username))


def _curricula(coop: Organisation) -> None:
    """The partner keeps its staff list with their CVs (001): every professional of the cooperative has one (the
    demo's one-page synthetic PDF)."""
    for member in User.objects.filter(organisation=coop, cv="").order_by("username"):
        member.cv.save("curriculum.pdf", ContentFile(SIGNED_PDF), save=True)


def _survey_reports(project: Project, udp: User, referente: User) -> None:
    """The partner's report on the results of each survey, shared with the operators three weeks after the
    survey closed (invented date) and approved by the Ufficio di Piano; the latest one waits for its review."""
    surveys = list(SatisfactionSurvey.objects.filter(project=project).order_by("period_end", "audience"))
    for survey in surveys:
        written = timezone.make_aware(
            datetime.datetime.combine(survey.period_end + datetime.timedelta(days=20), datetime.time(9))
        )
        latest = survey.period_end == surveys[-1].period_end
        SurveyResultsReport.objects.create(
            survey=survey,
            findings=(
                f"Hanno risposto {survey.responses.count()} persone. Le valutazioni sono in maggioranza positive, "
                "in particolare sull'ascolto degli operatori; meno soddisfacenti gli orari degli incontri."
            ),
            improvements="Proporre gli incontri di gruppo anche il sabato mattina.",
            shared_with_operators_on=survey.period_end + datetime.timedelta(days=18),
            state=SurveyResultsReport.State.INVIATA if latest else SurveyResultsReport.State.APPROVATA,
            written_by=referente,
            written_at=written,
            submitted_at=written,
            approved_by=None if latest else udp,
            approved_at=None if latest else written + datetime.timedelta(days=10),
        )


def _report_runs(project: Project, udp: User, referente: User) -> None:
    """One approved semester report for each past semester of the project, and the annual syntheses; the
    PDFs are rendered here, as the worker would. The partner's referent drafted the texts of the semester
    reports (001: the partner sends the semester report to the Ufficio di Piano, which approves it)."""
    today = timezone.localdate()
    labels = [
        f"{year}-S{half}" for year in range(project.start_date.year, project.end_date.year + 1) for half in (1, 2)
    ]
    for label in labels:
        start, end = semester_bounds(label)
        if end < project.start_date or start > project.end_date or end >= today:
            continue
        _approved_run(project, ReportRun.Kind.SEMESTER, label, start, end, udp, narrator=referente)
    for year in range(project.start_date.year, min(project.end_date.year, today.year - 1) + 1):
        start, end = year_bounds(year)
        _approved_run(project, ReportRun.Kind.ANNUAL, str(year), start, end, udp)


def _approved_run(project, kind, label, start, end, udp, narrator=None) -> None:
    approved_at = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=30), datetime.time(10)))
    narrator = narrator or udp
    run = ReportRun.objects.create(
        project=project,
        kind=kind,
        label=label,
        period_start=start,
        period_end=end,
        created_by=udp,
        state=ReportRun.State.APPROVATO,
        approved_by=udp,
        approved_at=approved_at,
        submitted_at=approved_at - datetime.timedelta(days=5),
        critical_issues="Ritardi nella compilazione di alcune valutazioni T1; turn over di un'educatrice.",
        corrective_actions="Calendario condiviso delle scadenze in EM; affiancamento della nuova educatrice dal coach.",
        overall_evaluation="Il progetto procede secondo il cronoprogramma e con le famiglie previste.",
        narrative_by=narrator,
        narrative_at=approved_at - datetime.timedelta(days=10),
    )
    run_report(run.pk)


def _scores(rng: random.Random, items, mood: float) -> dict[int, int]:
    """Mostly agreeing answers, a little better each year (`mood` around 3.5–4.3); a few left blank."""
    scores = {}
    for item in items:
        if rng.random() < 0.05:
            continue
        scores[item.pk] = max(1, min(5, round(rng.gauss(mood, 0.8))))
    return scores or {items[0].pk: 4}


def _surveys(project: Project, udp: User, referente: User, rng: random.Random, parent: Member | None) -> None:
    # Families write names in free comments too; the Ufficio di Piano reads them hidden.
    named = [f"Grazie a tutti: {parent.first_name} ora si sente meno sola."] if parent else []
    for year_index, (year, start, end) in enumerate(YEARS):
        label = f"{year}/{str(year + 1)[2:]}"
        for audience, title, statements, comments, size, linked in [
            (
                Audience.BENEFICIARI,
                f"Soddisfazione delle famiglie {label}",
                BENEFICIARY_STATEMENTS,
                [*BENEFICIARY_COMMENTS, *named],
                16 + 3 * year_index,
                5,
            ),
            (
                Audience.OPERATORI,
                f"Soddisfazione degli operatori {label}",
                OPERATOR_STATEMENTS,
                OPERATOR_COMMENTS,
                15 + 2 * year_index,
                8,
            ),
        ]:
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
            mood = 3.6 + 0.3 * year_index
            for n in range(size - linked):
                services.survey_response_record(
                    survey=survey,
                    scores=_scores(rng, items, mood),
                    comment=comments[n % len(comments)] if n % 4 == 0 else "",
                    submitted_on=start + datetime.timedelta(days=rng.randint(0, (end - start).days)),
                    by=referente,
                )
            # A batch of links, some of which were answered.
            batch = services.survey_links_generate(
                batch=SurveyLinkBatch(survey=survey, created_on=start, expires_on=end), count=linked + 3, by=udp
            )
            for link in SurveyLink.objects.filter(batch=batch).order_by("number")[:linked]:
                services.survey_answer_by_link(
                    link=link,
                    scores=_scores(rng, items, mood),
                    comment="",
                    on=start + datetime.timedelta(days=rng.randint(0, (end - start).days)),
                )


def _a_parent(project: Project) -> Member:
    """A parent of the project's ambito, whom a complaint names as real ones do (pseudonymised roles read the
    complaint with the name hidden)."""
    return (
        Member.objects.filter(family__ambito=project.ambito_id, kind=Member.Kind.FIGURA_GENITORIALE)
        .order_by("family__code", "pk")
        .first()
    )


def _complaints(
    project: Project, udp: User, coop: Organisation, comuni: dict[str, Organisation], parent: Member | None
) -> None:
    seregno, giussano = comuni.get("Comune di Seregno"), comuni.get("Comune di Giussano")
    rows = [
        (
            D(2023, 10, 12),
            "telefono",
            "Ritardo nell'avvio degli incontri di educativa domiciliare",
            coop,
            "Verificata la disponibilità degli educatori; calendario riprogrammato con la famiglia.",
            D(2023, 10, 26),
            "accolto",
        ),
        (
            D(2024, 1, 22),
            "email",
            "Cambio dell'educatore di riferimento senza preavviso",
            coop,
            "Il cambio era dovuto a una lunga assenza; la cooperativa si impegna ad avvisare le famiglie per iscritto.",
            D(2024, 2, 9),
            "parzialmente_accolto",
        ),
        (
            D(2024, 3, 5),
            "di_persona",
            "Orario del gruppo dei genitori incompatibile con il lavoro",
            coop,
            "Attivato un secondo gruppo in orario serale.",
            D(2024, 3, 20),
            "accolto",
        ),
        (
            D(2024, 6, 18),
            "modulo",
            "Mancata comunicazione dell'esito della valutazione intermedia",
            seregno,
            f"Restituzione fatta in un incontro dell'équipe con {parent.first_name} {parent.last_name}."
            if parent
            else "Restituzione fatta in un incontro dell'équipe con la famiglia.",
            D(2024, 7, 15),
            "accolto",
        ),
        (
            D(2024, 11, 4),
            "pec",
            "Contestazione della decisione di non inclusione nel programma",
            seregno,
            "Riesaminata la pre-valutazione: confermato l'orientamento verso un intervento ordinario.",
            D(2024, 12, 2),
            "non_accolto",
        ),
        (
            D(2025, 2, 11),
            "telefono",
            "Incontro di mediazione culturale annullato senza avviso",
            coop,
            "Incontro recuperato la settimana successiva; definita una procedura per le disdette.",
            D(2025, 2, 18),
            "accolto",
        ),
        (
            D(2025, 5, 27),
            "email",
            "Richiesta di chiarimenti sul trattamento dei dati personali",
            None,
            "Inviata l'informativa e indicato il responsabile della protezione dei dati dell'ambito.",
            D(2025, 6, 6),
            "non_di_competenza",
        ),
        (
            D(2025, 10, 8),
            "lettera",
            "Scarsa puntualità agli appuntamenti domiciliari",
            coop,
            "Richiamo al coordinamento della cooperativa; verifica a campione nei due mesi successivi.",
            D(2025, 11, 5),
            "parzialmente_accolto",
        ),
        (
            D(2026, 5, 20),
            "di_persona",
            "Difficoltà a contattare il servizio sociale di riferimento",
            giussano,
            "Segnalato al Comune; in attesa del nuovo orario di apertura dello sportello.",
            None,
            "",
        ),
    ]
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
        for received, channel, subject, organisation, notes, closed, outcome in rows
    )


def _controls(project: Project, udp: User, coop: Organisation) -> None:
    status = QualityControl.Status
    rows = [
        (
            D(2023, 12, 14),
            "personale",
            "Elenco del personale impiegato, titoli di studio e curricula.",
            "Documentazione completa per cinque operatori su sei; manca un curriculum aggiornato.",
            "Trasmettere il curriculum mancante entro 30 giorni.",
            D(2024, 1, 31),
            status.CHIUSO,
        ),
        (
            D(2024, 5, 21),
            "ore",
            "Fogli presenza di marzo e aprile 2024 a campione, confrontati con le ore rendicontate.",
            "Ore coerenti con i fogli presenza.",
            "",
            None,
            status.SVOLTO,
        ),
        (
            D(2024, 10, 9),
            "in_loco",
            "Sede degli incontri del gruppo genitori e bambini.",
            "Spazi adeguati; manca un angolo attrezzato per i bambini sotto i tre anni.",
            "Allestire un'area per i più piccoli.",
            D(2024, 12, 10),
            status.CHIUSO,
        ),
        (
            D(2025, 4, 16),
            "documentale",
            "Formazione obbligatoria: MOOC Vicinanza solidale e sicurezza sul lavoro (D.Lgs. 81/2008).",
            "Due operatori assunti di recente senza l'attestato sulla sicurezza.",
            "Completare la formazione sulla sicurezza e trasmettere gli attestati.",
            D(2025, 6, 30),
            status.CHIUSO,
        ),
        (
            D(2025, 11, 20),
            "colloquio",
            "Colloqui con le educatrici sull'organizzazione degli interventi domiciliari.",
            "Difficoltà a coprire le sostituzioni nei periodi di ferie.",
            "Predisporre un piano delle sostituzioni e condividerlo con l'Ufficio di Piano.",
            D(2026, 1, 31),
            status.AZIONI_IN_CORSO,
        ),
        (
            D(2026, 5, 12),
            "ore",
            "Ore rendicontate per profilo professionale rispetto ai minimi della coprogettazione.",
            "",
            "",
            None,
            status.SVOLTO,
        ),
    ]
    QualityControl.objects.bulk_create(
        QualityControl(
            project=project,
            checked_on=day,
            organisation=coop,
            kind=kind,
            scope=scope,
            findings=findings,
            corrective_actions=actions,
            follow_up_on=follow_up,
            status=state,
            created_by=udp,
        )
        for day, kind, scope, findings, actions, follow_up, state in rows
    )


SEMESTERS = [
    (D(2023, 6, 1), D(2023, 12, 31)),
    (D(2024, 1, 1), D(2024, 6, 30)),
    (D(2024, 7, 1), D(2024, 12, 31)),
    (D(2025, 1, 1), D(2025, 6, 30)),
    (D(2025, 7, 1), D(2025, 12, 31)),
    (D(2026, 1, 1), D(2026, 5, 31)),
]


def _indicators(project: Project) -> None:
    rows = [
        (
            "Soddisfazione media delle famiglie",
            "punti (1–5)",
            "3.5",
            "4.2",
            "higher",
            ["3.6", "3.8", "3.9", "4.0", "4.1", "4.2"],
        ),
        ("Tempo medio tra segnalazione e avvio del percorso", "giorni", "60", "30", "lower", [58, 52, 45, 40, 36, 33]),
    ]
    # Computed by the portal from the data (reporting.impact), never typed: the support families paired with
    # the project's families, the share of positive outcomes, the children still at home.
    for name, formula, unit, baseline, target in [
        ("Famiglie solidali attive nella rete", Formula.FAMIGLIE_SOLIDALI, "famiglie", "2", "8"),
        ("Famiglie che concludono il percorso con esito A o B", Formula.ESITI_POSITIVI, "%", "60", "80"),
        ("Bambini che restano nella propria famiglia a fine percorso", Formula.BAMBINI_A_CASA, "%", "85", "95"),
    ]:
        ImpactIndicator.objects.create(
            project=project,
            name=name,
            formula=formula,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            direction="higher",
            method="Calcolato dal portale sui dati delle famiglie del progetto, semestre per semestre.",
        )
    for name, unit, baseline, target, direction, values in rows:
        indicator = ImpactIndicator.objects.create(
            project=project,
            name=name,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            direction=direction,
            method="Dati del portale, rilevati a fine semestre dall'Ufficio di Piano.",
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period_start=start, period_end=end, value=Decimal(str(value)))
            for (start, end), value in zip(SEMESTERS, values, strict=True)
        )
