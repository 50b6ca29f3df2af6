"""Seed `004_…`: the project of the Ambito Distrettuale di Somma Lombardo (CUP B24H22000050006), as the portal
and its demo hold it."""

import pytest


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

    def test_every_family_on_its_path_has_a_home_educational_project(self, somma):
        from families.models import Family, State

        on_path = Family.objects.filter(implementation__project=somma, state=State.IN_CORSO)
        assert on_path.exists()
        assert not on_path.exclude(interventions__type__code="sedt").exists()

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
