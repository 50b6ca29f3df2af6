"""Seed 004: the project of the Ambito Distrettuale di Somma Lombardo (CUP B24H22000050006), as its document
reads."""

import datetime

import pytest
from django.utils import timezone

from equipes.models import Project, StaffTraining, TargetKind, TargetScope
from families.models import Family, State
from reporting.targets import project_target_progress

# --- TestTargets (issue 13 §2: targets are minimums, and each project has its own) ------------------------------

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


# Seed `004_…`: the project of the Ambito Distrettuale di Somma Lombardo (CUP B24H22000050006), as the portal
# and its demo hold it.


@pytest.mark.demo_seed
class TestDemoRecords:
    """004: "Formazione di almeno 10 operatori coinvolti nella progettazione. Creare una rete solidale di
    persone disponibili ad affidi leggeri e/o a fornire un appoggio a nuclei in difficoltà. […] Attivazione di
    progetti educativi domiciliari per ogni famiglia coinvolta nel programma. […] Presa in carico di 10
    famiglie per ogni implementazione del programma, con esito positivo di almeno la metà." — and the groups,
    schools, meetings, budget and quality records the demo gives the project (demo/programmes.py)."""

    @pytest.fixture
    def somma(self, db, seeded_demo):
        from equipes.models import Project

        return Project.objects.get(cup="B24H22000050006")

    def test_somma_lombardo_trains_its_operators(self, somma):
        from equipes.models import StaffTraining

        trained = StaffTraining.objects.filter(user__ambito=somma.ambito).values("user").distinct().count()
        assert trained >= 10

    def test_somma_lombardo_builds_a_network_of_support_families(self, somma):
        from interventions.models import Pairing, SupportFamily

        assert SupportFamily.objects.filter(ambito=somma.ambito).count() >= 2
        assert Pairing.objects.filter(family__implementation__project=somma).exists()

    def test_the_project_ended_on_31_march_2026_with_no_family_left_on_its_path(self, somma):
        """The project's end date is past and no project follows it: the demo keeps it concluded on that day by
        its Ufficio di Piano, every family of it at the end of its path (closed or interrupted), and its final
        report, over the whole project, approved."""
        from families.models import ENDED_STATES
        from reporting.models import ReportRun

        assert somma.end_date == datetime.date(2026, 3, 31) < timezone.localdate()
        assert somma.concluded_on == somma.end_date and not somma.successors.exists()
        assert somma.concluded_by.username == "udp_somma"
        families = Family.objects.filter(implementation__project=somma)
        assert families.count() == 30 and not families.exclude(state__in=ENDED_STATES).exists()
        run = ReportRun.objects.get(project=somma, kind=ReportRun.Kind.FINAL)
        assert (run.state, run.approved_by) == (ReportRun.State.APPROVATO, somma.concluded_by)
        assert (run.period_start, run.period_end) == (somma.start_date, somma.concluded_on)

    def test_ten_families_are_taken_in_charge_in_every_implementation(self, somma):
        """ "Presa in carico di 10 famiglie per ogni implementazione del programma": the demo has them, so the
        target shows no shortfall."""
        for implementation in somma.implementations.all():
            assert included(implementation=implementation, ambito=somma.ambito).count() == 10, implementation
        _project, progress = somma_progress(TargetKind.FAMIGLIE_INCLUSE, TargetScope.IMPLEMENTAZIONE)
        assert [c.value for c in progress.checks] == [10, 10, 10]
        assert not any(c.missing for c in progress.checks)

    def test_the_families_of_every_implementation_ended_their_path_within_it(self, somma):
        """The three implementations are over, as the project is: the families of each were referred and ended
        their path (closed, T2 included, or interrupted) between the implementation's first and last day."""
        for implementation in somma.implementations.order_by("number"):
            families = Family.objects.filter(implementation=implementation)
            assert families.exists()
            assert set(families.values_list("state", flat=True)) <= {State.CONCLUSA, State.INTERROTTA}
            for family in families.select_related("referral"):
                ended = family.transitions.get(to_state=family.state).effective_on
                assert implementation.start_date <= family.referral.date < ended <= implementation.end_date, family
                if family.state == State.CONCLUSA:
                    assert family.assessments.get(time_point="T2").date < ended, family

    def test_at_least_half_of_the_ended_paths_have_a_positive_outcome(self, somma):
        """ "con esito positivo di almeno la metà": met in each of the three implementations, all over, where every
        family's path has ended: the target shows neither a shortfall nor a warning."""
        _project, progress = somma_progress(TargetKind.ESITI_POSITIVI, TargetScope.IMPLEMENTAZIONE)
        assert len(progress.checks) == 3
        for check in progress.checks:
            assert check.denominator == 10 and 2 * check.numerator >= check.denominator
            assert not check.missing and not check.warning

    def test_every_family_taken_in_charge_had_a_home_educational_project(self, somma):
        """ "Attivazione di progetti educativi domiciliari per ogni famiglia coinvolta nel programma": each SEDT
        ends with the family's path."""
        _project, progress = somma_progress(TargetKind.FAMIGLIE_CON_SEDT, TargetScope.PROGETTO)
        (check,) = progress.checks
        assert check.denominator == 30 and not check.missing
        for family in Family.objects.filter(implementation__project=somma, state=State.CONCLUSA):
            sedt = family.interventions.get(type__code="sedt")
            assert sedt.end_date == family.transitions.get(to_state=State.CONCLUSA).effective_on

    def test_somma_lombardo_offers_the_parents_a_group_in_each_implementation(self, somma):
        from families.models import Member
        from interventions.models import Group

        groups = Group.objects.filter(project=somma, type__code="gruppo_genitori")
        assert groups.count() == somma.implementations.count()
        with_families = groups.filter(participants__isnull=False).distinct()
        assert with_families.exists()
        assert not with_families.filter(sessions__isnull=True).exists()
        assert not Member.objects.filter(groups__in=groups).exclude(family__ambito=somma.ambito).exists()

    def test_somma_lombardo_works_with_the_nurseries_and_primary_schools(self, somma):
        from interventions.models import SchoolPartnership

        partnership = SchoolPartnership.objects.get(ambito=somma.ambito)
        assert "infanzia" in partnership.school
        assert partnership.meetings.filter(participants__icontains="nidi").exists()

    def test_half_of_the_paths_with_a_positive_outcome_is_an_indicator_the_portal_computes(self, somma):
        from reporting.models import Formula, ImpactIndicator

        indicator = ImpactIndicator.objects.get(project=somma, formula=Formula.ESITI_POSITIVI)
        assert indicator.target == 50
        assert not indicator.values.exists()

    def test_the_support_families_indicator_equals_the_support_families_in_the_data(self, somma):
        from interventions.models import Pairing
        from reporting import impact
        from reporting.models import Formula, ImpactIndicator

        assert ImpactIndicator.objects.filter(project=somma, formula=Formula.FAMIGLIE_SOLIDALI).exists()
        for period in impact.semesters(somma):
            paired = (
                Pairing.objects.active_between(period.start, period.end)
                .filter(family__implementation__project=somma)
                .values("support_family")
                .distinct()
                .count()
            )
            assert impact.value_for(Formula.FAMIGLIE_SOLIDALI, somma, period.start, period.end) == paired

    def test_somma_lombardo_holds_its_governance_meetings(self, somma):
        from equipes.models import GovernanceMeeting

        meetings = GovernanceMeeting.objects.filter(project=somma)
        assert meetings.filter(kind=GovernanceMeeting.Kind.GRUPPO_TERRITORIALE).count() >= 2
        assert not meetings.exclude(date__range=(somma.start_date, somma.end_date)).exists()

    def test_the_budget_lines_stay_within_the_financed_amount(self, somma):
        lines = list(somma.budget_lines.all())
        assert {line.profile for line in lines} >= {"educatore", "psicologo"}
        assert sum(line.minimum_hours * line.hourly_cost for line in lines) <= somma.amount == 211500

    def test_somma_lombardo_keeps_quality_records(self, somma):
        from reporting.models import Audience, Complaint, QualityControl, SatisfactionSurvey

        surveys = SatisfactionSurvey.objects.filter(project=somma)
        assert set(surveys.values_list("audience", flat=True)) == {Audience.BENEFICIARI, Audience.OPERATORI}
        assert not surveys.filter(responses__isnull=True).exists()
        assert Complaint.objects.filter(project=somma).exists()
        assert QualityControl.objects.filter(project=somma).exists()
