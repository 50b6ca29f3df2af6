"""Seed 004: the project of the Ambito Distrettuale di Somma Lombardo (CUP B24H22000050006), as its document
reads."""

import pytest
from django.utils import timezone

# --- TestTargets (issue 13 §2: targets are minimums, and each project has its own) ------------------------------
from equipes.models import Project, StaffTraining, TargetKind, TargetScope
from families.models import Family, State
from reporting.targets import project_target_progress

SOMMA = "B24H22000050006"


def somma_progress(kind, scope):
    project = Project.objects.get(cup=SOMMA)
    (progress,) = [p for p in project_target_progress([project])[project.pk] if (p.kind, p.scope) == (kind, scope)]
    return project, progress


def included(**filters):
    return Family.objects.filter(transitions__to_state=State.INCLUSA, **filters).distinct()


@pytest.mark.demo_seed
@pytest.mark.django_db
class TestTargets:
    """Risultati attesi: "Presa in carico di 10 famiglie per ogni implementazione del programma, con esito
    positivo di almeno la metà."; "Attivazione di progetti educativi domiciliari per ogni famiglia coinvolta nel
    programma."; "Formazione di almeno 10 operatori coinvolti nella progettazione."."""

    def test_10_families_taken_in_charge_per_implementation(self, seeded_demo):
        project, progress = somma_progress(TargetKind.FAMIGLIE_INCLUSE, TargetScope.IMPLEMENTAZIONE)
        assert progress.minimum == 10
        for check, implementation in zip(progress.checks, project.implementations.order_by("number"), strict=True):
            assert check.value == included(implementation=implementation).count()
            assert check.missing == max(0, 10 - check.value)

    def test_a_positive_outcome_for_at_least_half_of_the_paths(self, seeded_demo):
        project, progress = somma_progress(TargetKind.ESITI_POSITIVI, TargetScope.IMPLEMENTAZIONE)
        assert progress.minimum == 50 and progress.unit == "%"
        for check, implementation in zip(progress.checks, project.implementations.order_by("number"), strict=True):
            paths = included(implementation=implementation)
            ended = paths.filter(state__in=[State.CONCLUSA, State.INTERROTTA]).count()
            positive = paths.filter(state=State.CONCLUSA, closure__outcome__code__in=["A", "B"]).count()
            assert (check.numerator, check.denominator or 0) == (positive, ended)
            if ended:
                assert check.value == 100 * positive // ended
                assert bool(check.missing) == (2 * positive < ended)
            else:
                assert check.value is None and not check.warning  # nothing ended: not yet measurable

    def test_a_home_educational_project_for_every_family(self, seeded_demo):
        project, progress = somma_progress(TargetKind.FAMIGLIE_CON_SEDT, TargetScope.PROGETTO)
        (check,) = progress.checks
        families = included(implementation__project=project)
        with_sedt = families.filter(
            interventions__type__code="sedt", interventions__start_date__lte=timezone.localdate()
        ).distinct()
        assert (check.minimum, check.numerator, check.denominator) == (100, with_sedt.count(), families.count())
        assert check.missing == families.count() - with_sedt.count()

    def test_at_least_10_operators_trained(self, seeded_demo):
        project, progress = somma_progress(TargetKind.OPERATORI_FORMATI, TargetScope.PROGETTO)
        (check,) = progress.checks
        trained = (
            StaffTraining.objects.filter(
                user__ambito_id__in=project.ambito_ids,
                completed_on__gte=project.start_date,
                completed_on__lte=min(project.end_date, timezone.localdate()),
            )
            .values("user")
            .distinct()
            .count()
        )
        assert (check.minimum, check.value, check.missing) == (10, trained, max(0, 10 - trained))
