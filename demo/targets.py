"""The demo projects' targets, as their documents state them ("almeno": every target is a minimum). The note of
each target quotes the document; where a document gives no number, the note says where the number comes from.

- 003 (Romagna Faentina with Bassa Romagna, CUP F14H22000020006): at least 10 families in each implementation,
  30 in all, in each ambito at least one parents' and one children's group per implementation, at least one
  structured collaboration with the schools.
- 004 (Somma Lombardo, CUP B24H22000050006): 10 families per implementation with a positive outcome for at least
  half, a home educational project for every family, at least 10 operators trained.
- 000/001 (Seregno, CUP B24H22000190001): a support family for every target family; groups for parents (for
  children only "laddove possibile": no minimum); forms of collaboration between schools, families and services.
  001 gives no number of families: the 10 per implementation are the programme's national standard, not the
  notice's.
"""

from __future__ import annotations

from equipes.models import Project, ProjectTarget, TargetKind, TargetScope

K, S = TargetKind, TargetScope
SOMMA_FAMILIES = (
    "Presa in carico di 10 famiglie per ogni implementazione del programma, con esito positivo di almeno la metà."
)

TARGETS: dict[str, list[tuple[str, str, int, str]]] = {
    "F14H22000020006": [
        (
            K.FAMIGLIE_INCLUSE,
            S.IMPLEMENTAZIONE,
            10,
            "individuare e portare a termine gli obiettivi di lavoro condivisi con le Equipe Multidisciplinari [...] "
            "per almeno n. 10 famiglie target in ciascuna implementazione",
        ),
        (K.FAMIGLIE_INCLUSE, S.PROGETTO, 30, "Famiglie target beneficiarie: n.30"),
        (
            K.GRUPPI_GENITORI,
            S.IMPLEMENTAZIONE_AMBITO,
            1,
            "costituzione, in ciascun Ambito Territoriale Sociale, di almeno 1 gruppo di genitori e 1 di bambini per "
            "ogni implementazione",
        ),
        (
            K.GRUPPI_BAMBINI,
            S.IMPLEMENTAZIONE_AMBITO,
            1,
            "costituzione, in ciascun Ambito Territoriale Sociale, di almeno 1 gruppo di genitori e 1 di bambini per "
            "ogni implementazione",
        ),
        (
            K.COLLABORAZIONI_SCUOLE,
            S.PROGETTO,
            1,
            "realizzare almeno una modalità strutturata di collaborazione con le scuole",
        ),
    ],
    "B24H22000050006": [
        (
            K.FAMIGLIE_INCLUSE,
            S.IMPLEMENTAZIONE,
            10,
            SOMMA_FAMILIES,
        ),
        (
            K.ESITI_POSITIVI,
            S.IMPLEMENTAZIONE,
            50,
            SOMMA_FAMILIES,
        ),
        (
            K.FAMIGLIE_CON_SEDT,
            S.PROGETTO,
            100,
            "Attivazione di progetti educativi domiciliari per ogni famiglia coinvolta nel programma.",
        ),
        (K.OPERATORI_FORMATI, S.PROGETTO, 10, "Formazione di almeno 10 operatori coinvolti nella progettazione."),
    ],
    "B24H22000190001": [
        (
            K.FAMIGLIE_CON_APPOGGIO,
            S.PROGETTO,
            100,
            "attivazione di famiglie d'appoggio per ogni famiglia target la valutazione.",
        ),
        (
            K.GRUPPI_GENITORI,
            S.PROGETTO,
            1,
            "attivazione di gruppi per genitori e, laddove possibile, di gruppi per i bambini",
        ),
        (K.COLLABORAZIONI_SCUOLE, S.PROGETTO, 1, "forme di collaborazione tra scuole-famiglie e servizi"),
        (
            K.FAMIGLIE_INCLUSE,
            S.IMPLEMENTAZIONE,
            10,
            "L'avviso non indica un numero di famiglie: 10 per implementazione è lo standard nazionale del programma.",
        ),
    ],
}


def seed() -> None:
    """Create or update each demo project's targets from its document (idempotent)."""
    for cup, targets in TARGETS.items():
        project = Project.objects.filter(cup=cup).first()
        if project is None:
            continue
        for kind, scope, minimum, note in targets:
            ProjectTarget.objects.update_or_create(
                project=project, kind=kind, scope=scope, defaults={"minimum": minimum, "note": note}
            )
