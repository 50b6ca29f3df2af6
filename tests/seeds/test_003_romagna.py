"""Seed 003: the project of the Unione della Romagna Faentina with the Unione dei Comuni della Bassa Romagna
(CUP F14H22000020006), as its document reads."""

import pytest
from django.utils import timezone

# --- TestTargets (issue 13 §2: targets are minimums, and each project has its own) ------------------------------
from equipes.models import Project, TargetKind, TargetScope
from families.models import Family, State
from interventions.models import Group, InterventionType, SchoolPartnership
from reporting import indicators
from reporting.targets import project_target_progress

ROMAGNA = "F14H22000020006"


def romagna_progress(kind, scope):
    project = Project.objects.get(cup=ROMAGNA)
    (progress,) = [p for p in project_target_progress([project])[project.pk] if (p.kind, p.scope) == (kind, scope)]
    return project, progress


def included_in(**filters) -> int:
    return Family.objects.filter(transitions__to_state=State.INCLUSA, **filters).distinct().count()


@pytest.mark.demo_seed
@pytest.mark.django_db
class TestTargets:
    """RISULTATI ATTESI: "individuare e portare a termine gli obiettivi di lavoro condivisi con le Equipe
    Multidisciplinari [...] per almeno n. 10 famiglie target in ciascuna implementazione"; "costituzione, in
    ciascun Ambito Territoriale Sociale, di almeno 1 gruppo di genitori e 1 di bambini per ogni implementazione";
    "realizzare almeno una modalità strutturata di collaborazione con le scuole"; "Famiglie target beneficiarie:
    n.30"."""

    def test_at_least_10_target_families_in_each_implementation(self, seeded_demo):
        project, progress = romagna_progress(TargetKind.FAMIGLIE_INCLUSE, TargetScope.IMPLEMENTAZIONE)
        assert progress.minimum == 10 and "almeno n. 10 famiglie target" in progress.note
        implementations = list(project.implementations.order_by("number"))
        assert [c.where for c in progress.checks] == [str(i) for i in implementations]
        for check, implementation in zip(progress.checks, implementations, strict=True):
            assert check.value == included_in(implementation=implementation)
            assert check.missing == max(0, 10 - check.value)
            assert bool(check.warning) == (check.value < 10)

    def test_30_target_families_in_all(self, seeded_demo):
        project, progress = romagna_progress(TargetKind.FAMIGLIE_INCLUSE, TargetScope.PROGETTO)
        (check,) = progress.checks
        assert check.minimum == 30
        assert check.value == included_in(implementation__project=project)

    def test_a_parents_and_a_childrens_group_per_implementation_in_each_ambito(self, seeded_demo):
        for kind in (TargetKind.GRUPPI_GENITORI, TargetKind.GRUPPI_BAMBINI):
            project, progress = romagna_progress(kind, TargetScope.IMPLEMENTAZIONE_AMBITO)
            assert progress.minimum == 1
            wheres = [c.where for c in progress.checks]
            assert len(wheres) == project.implementations.count() * len(project.ambito_ids)
            assert any("Bassa Romagna" in w for w in wheres) and any("Romagna Faentina" in w for w in wheres)

    def test_a_missing_childrens_group_in_an_implementation_of_an_ambito_is_a_shortfall(self, seeded_demo):
        project = Project.objects.get(cup=ROMAGNA)
        children = InterventionType.objects.get(code="gruppo_bambini", ambito__isnull=True)
        implementations = list(project.implementations.order_by("number"))
        ambiti = [project.ambito, *project.associated_ambiti.all()]
        bassa = next(a for a in ambiti if "Bassa" in a.name)
        last = implementations[-1]
        for n, implementation in enumerate(implementations):
            for ambito in ambiti:
                if (implementation, ambito) == (last, bassa):
                    Group.objects.filter(implementation=last, ambito=bassa, type=children).delete()
                    continue
                Group.objects.create(
                    ambito=ambito,
                    project=project,
                    implementation=implementation,
                    type=children,
                    module_number=900 + n,
                    name="Gruppo bambini di prova",
                    venue="Sala",
                    frequency="settimanale",
                    start_date=implementation.start_date,
                )
        _project, progress = romagna_progress(TargetKind.GRUPPI_BAMBINI, TargetScope.IMPLEMENTAZIONE_AMBITO)
        short = [c for c in progress.checks if c.missing]
        assert [c.where for c in short] == [f"{last} · {bassa.name}"]
        assert "mancano 1 gruppi di bambini" in short[0].warning

    def test_at_least_one_structured_collaboration_with_the_schools(self, seeded_demo):
        project, progress = romagna_progress(TargetKind.COLLABORAZIONI_SCUOLE, TargetScope.PROGETTO)
        structured = (
            SchoolPartnership.objects.filter(project=project, signed_on__lte=timezone.localdate())
            .exclude(kind=SchoolPartnership.Kind.INFORMALE)
            .count()
        )
        assert progress.minimum == 1 and progress.checks[0].value == structured

    def test_the_semester_report_shows_the_progress_of_every_target(self, seeded_demo):
        project = Project.objects.get(cup=ROMAGNA)
        snapshot = indicators.compute(project, project.start_date, project.end_date)
        assert {(t["kind"], t["scope"]) for t in snapshot["targets"]} == {
            (TargetKind.FAMIGLIE_INCLUSE, TargetScope.IMPLEMENTAZIONE),
            (TargetKind.FAMIGLIE_INCLUSE, TargetScope.PROGETTO),
            (TargetKind.GRUPPI_GENITORI, TargetScope.IMPLEMENTAZIONE_AMBITO),
            (TargetKind.GRUPPI_BAMBINI, TargetScope.IMPLEMENTAZIONE_AMBITO),
            (TargetKind.COLLABORAZIONI_SCUOLE, TargetScope.PROGETTO),
        }
