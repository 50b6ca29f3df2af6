"""Seed `003_…`: the project of the Unione della Romagna Faentina with the Unione dei Comuni della Bassa Romagna
(CUP F14H22000020006), as the portal and its demo hold it."""

import datetime

import pytest


@pytest.mark.demo_seed
class TestDemoRecords:
    """003: "costituzione, in ciascun Ambito Territoriale Sociale, di almeno 1 gruppo di genitori e 1 di bambini
    per ogni implementazione; realizzare almeno una modalità strutturata di collaborazione con le scuole; […]
    ampliare la rete di supporto e riferimento, anche informale, alle famiglie […] promozione della vicinanza
    solidale; […] perfezionare e rendere efficace la collaborazione con il servizio sanitario (NPI) […]
    DATA INIZIO ATTIVITA': 11 OTTOBRE 2022 — DATA FINE ATTIVITA' PREVISTA: 31 MARZO 2026" — and the training,
    budget and quality records the demo gives the project (demo/programmes.py)."""

    @pytest.fixture
    def romagna(self, db, seeded_demo):
        from equipes.models import Project

        return Project.objects.get(cup="F14H22000020006")

    @pytest.fixture
    def ambiti(self, romagna):
        from equipes.models import Ambito

        return [Ambito.objects.get(code="URF"), Ambito.objects.get(code="UBR")]

    def test_each_romagna_ambito_has_parents_and_childrens_groups_in_every_implementation(self, romagna, ambiti):
        from interventions.models import Group

        for ambito in ambiti:
            groups = Group.objects.filter(project=romagna, ambito=ambito)
            for implementation in romagna.implementations.all():
                edition = f"P.I.P.P.I. {implementation.number}"
                assert groups.filter(type__code="gruppo_genitori", name__endswith=edition).exists()
                assert groups.filter(type__code="gruppo_bambini", name__endswith=edition).exists()

    def test_a_group_takes_the_families_of_its_own_ambito_and_meets_only_with_them(self, romagna, ambiti):
        from families.models import Member
        from interventions.models import Group

        for ambito in ambiti:
            groups = Group.objects.filter(project=romagna, ambito=ambito)
            assert not Member.objects.filter(groups__in=groups).exclude(family__ambito=ambito).exists()
            assert not groups.filter(participants__isnull=True, sessions__isnull=False).exists()
        faentina = Group.objects.filter(project=romagna, ambito=ambiti[0], participants__isnull=False).distinct()
        assert faentina.filter(sessions__attendances__present=True).exists()

    def test_each_ambito_has_a_structured_collaboration_with_the_schools(self, romagna, ambiti):
        from interventions.models import SchoolPartnership

        for ambito in ambiti:
            partnership = SchoolPartnership.objects.get(project=romagna, ambito=ambito)
            assert partnership.kind == SchoolPartnership.Kind.PROTOCOLLO
            assert partnership.meetings.exists()

    def test_each_ambito_promotes_solidarity_between_families(self, romagna, ambiti):
        from interventions.models import Pairing, SupportFamily

        for ambito in ambiti:
            assert SupportFamily.objects.filter(ambito=ambito).count() >= 2
        assert Pairing.objects.filter(family__ambito=ambiti[0], family__implementation__project=romagna).exists()

    def test_the_operators_of_both_ambiti_are_trained(self, romagna, ambiti):
        from equipes.models import StaffTraining

        for ambito in ambiti:
            assert StaffTraining.objects.filter(user__ambito=ambito, course__icontains="P.I.P.P.I.").count() >= 3

    def test_the_health_service_npi_takes_part(self, romagna, ambiti):
        from equipes.models import GovernanceMeeting, Organisation

        for ambito in ambiti:
            assert Organisation.objects.filter(ambito=ambito, kind=Organisation.Kind.SANITA).exists()
            meetings = GovernanceMeeting.objects.filter(project=romagna, ambito=ambito)
            assert meetings.filter(external_participants__icontains="Neuropsichiatria").exists()

    def test_activities_start_on_11_october_2022_and_end_by_31_march_2026(self, romagna):
        from equipes.models import GovernanceMeeting

        assert (romagna.start_date, romagna.end_date) == (datetime.date(2022, 10, 11), datetime.date(2026, 3, 31))
        meetings = GovernanceMeeting.objects.filter(project=romagna).order_by("date")
        assert meetings.first().date == datetime.date(2022, 10, 11)
        assert meetings.last().date <= datetime.date(2026, 3, 31)

    def test_the_budget_lines_stay_within_the_financed_amount(self, romagna):
        lines = list(romagna.budget_lines.all())
        assert lines
        assert sum(line.minimum_hours * line.hourly_cost for line in lines) <= romagna.amount == 211500

    def test_the_project_keeps_quality_records(self, romagna):
        from reporting.models import Audience, Complaint, QualityControl, SatisfactionSurvey

        surveys = SatisfactionSurvey.objects.filter(project=romagna)
        assert set(surveys.values_list("audience", flat=True)) == {Audience.BENEFICIARI, Audience.OPERATORI}
        assert Complaint.objects.filter(project=romagna).exists()
        assert QualityControl.objects.filter(project=romagna).exists()

    def test_the_support_families_indicator_equals_the_support_families_in_the_data(self, romagna):
        from interventions.models import Pairing
        from reporting import impact
        from reporting.models import Formula, ImpactIndicator

        assert ImpactIndicator.objects.filter(project=romagna, formula=Formula.FAMIGLIE_SOLIDALI).exists()
        for period in impact.semesters(romagna):
            paired = (
                Pairing.objects.active_between(period.start, period.end)
                .filter(family__implementation__project=romagna)
                .values("support_family")
                .distinct()
                .count()
            )
            assert impact.value_for(Formula.FAMIGLIE_SOLIDALI, romagna, period.start, period.end) == paired
