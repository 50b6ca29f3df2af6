"""Seeds 000 and 001: the co-design notices of the Ambito di Seregno (CUP B24H22000190001), as they read."""

import pytest

# --- TestTargets (issue 13 §2: targets are minimums, and each project has its own) ------------------------------
from demo import targets as demo_targets
from equipes.models import Project, TargetKind, TargetScope
from families.models import Family, State
from reporting.targets import project_target_progress

SEREGNO = "B24H22000190001"


def seregno_targets():
    project = Project.objects.get(cup=SEREGNO)
    return project, {(p.kind, p.scope): p for p in project_target_progress([project])[project.pk]}


@pytest.mark.demo_seed
@pytest.mark.django_db
class TestTargets:
    """ "I sopra elencati servizi si dovranno realizzare attraverso quattro principali tipologie di azione: forme di
    collaborazione tra scuole-famiglie e servizi; [...] attivazione di gruppi per genitori e, laddove possibile, di
    gruppi per i bambini; attivazione di famiglie d'appoggio per ogni famiglia target". The notice gives no number
    of families."""

    def test_a_support_family_for_every_target_family(self, seeded_demo):
        project, targets = seregno_targets()
        (check,) = targets[TargetKind.FAMIGLIE_CON_APPOGGIO, TargetScope.PROGETTO].checks
        families = Family.objects.filter(implementation__project=project, transitions__to_state=State.INCLUSA)
        families = families.distinct()
        paired = families.filter(pairings__isnull=False).distinct().count()
        assert (check.minimum, check.numerator, check.denominator) == (100, paired, families.count())
        assert check.missing == families.count() - paired
        assert bool(check.warning) == (paired < families.count())

    def test_groups_for_parents_and_for_children_only_where_possible(self, seeded_demo):
        _project, targets = seregno_targets()
        parents = targets[TargetKind.GRUPPI_GENITORI, TargetScope.PROGETTO]
        assert parents.minimum == 1 and parents.met  # the demo has the parents' modules "Crescere insieme"
        assert not any(kind == TargetKind.GRUPPI_BAMBINI for kind, _scope in targets)  # "laddove possibile"

    def test_forms_of_collaboration_between_schools_families_and_services(self, seeded_demo):
        _project, targets = seregno_targets()
        assert targets[TargetKind.COLLABORAZIONI_SCUOLE, TargetScope.PROGETTO].minimum == 1

    def test_the_families_of_an_implementation_are_the_implementations_own_target(self, seeded_demo):
        project, targets = seregno_targets()
        families = targets[TargetKind.FAMIGLIE_INCLUSE, TargetScope.IMPLEMENTAZIONE]
        assert "non indica un numero" in families.note
        assert {families.minimum} == set(project.implementations.values_list("target_families", flat=True))

    def test_seeding_the_demo_again_changes_no_target(self, seeded_demo):
        project, before = seregno_targets()
        demo_targets.seed()
        assert project.targets.count() == len(before)
