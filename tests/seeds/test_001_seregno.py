"""The Seregno co-design notice (`001_…`) as the portal keeps it, on the demo data and on factories."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from equipes.models import FundingSource, Project, User
from families.models import ENDED_STATES, Family, ProjectTakeover, TransitionLog
from interventions.models import TimeEntry, Timesheet
from reporting.models import ReportRun

SEREGNO_CUP = "B24H22000190001"
PNRR_END = datetime.date(2026, 5, 31)


@pytest.mark.demo_seed
class TestProjectLifecycle:
    """Issue 13 §5 on `001_…`: the PNRR funds are "pari ad € 211.500,00 per il triennio: giugno 2023 – maggio
    2026", for P.I.P.P.I. "considerato un LEPS"; the programme goes on in the ambito with the national funds for
    the LEPS. The demo shows Seregno today: the PNRR project concluded on 31/05/2026 with its final report approved,
    a follow-on project running since 01/06/2026 with the families that carried over and current hours."""

    @pytest.fixture(autouse=True)
    def _demo(self, db, seeded_demo):
        self.pnrr = Project.objects.get(cup=SEREGNO_CUP)
        self.follow_on = Project.objects.get(predecessor=self.pnrr)

    def test_a_concluded_project_takes_no_new_hours(self):
        assert (self.pnrr.concluded_on, self.pnrr.funding_source) == (PNRR_END, FundingSource.PNRR)
        assert not TimeEntry.objects.filter(timesheet__project=self.pnrr, date__gt=PNRR_END).exists()
        current = TimeEntry.objects.filter(timesheet__project=self.follow_on)
        assert current.exists()
        assert current.earliest("date").date >= datetime.date(2026, 6, 1)
        entry = current.filter(family__isnull=False).first()
        sheet = Timesheet.objects.create(user=User.objects.get(username="pedagogista"), month=datetime.date(2026, 6, 1))
        Timesheet.objects.filter(pk=sheet.pk).update(project=self.pnrr)
        with pytest.raises(IntegrityError), transaction.atomic():
            TimeEntry.objects.create(
                timesheet=sheet, user=sheet.user, date=datetime.date(2026, 6, 2), minutes=60, activity="coordinamento"
            )
        # A family that stayed with the concluded project (its path ended there) takes no hours after it either.
        stayed = Family.objects.filter(implementation__project=self.pnrr, state="conclusa").first()
        with pytest.raises(IntegrityError), transaction.atomic():
            TimeEntry.objects.create(
                timesheet=entry.timesheet,
                user=entry.user,
                date=entry.date,
                minutes=30,
                activity="riunione_em",
                family=stayed,
            )

    def test_the_families_on_their_path_carry_over_to_the_follow_on_project_with_their_history(self):
        assert (self.follow_on.cup, self.follow_on.funding_source) == ("", FundingSource.LEPS)
        assert self.follow_on.start_date == datetime.date(2026, 6, 1)
        still_on_path = Family.objects.filter(ambito__code="SER").exclude(state__in=ENDED_STATES)
        assert still_on_path.exists()
        assert set(still_on_path.values_list("implementation__project", flat=True)) == {self.follow_on.pk}
        assert not Family.objects.filter(implementation__project=self.pnrr).exclude(state__in=ENDED_STATES).exists()
        for family in still_on_path:
            takeover = ProjectTakeover.objects.get(family=family)
            assert takeover.from_implementation.project == self.pnrr
            assert takeover.state == family.state
            assert takeover.effective_on == datetime.date(2026, 6, 1)
        carried = still_on_path.filter(assessments__time_point="T0").distinct().first()
        assert TransitionLog.objects.filter(family=carried, effective_on__lte=PNRR_END).exists()
        client = Client()
        client.force_login(carried.case_manager)
        page = client.get(carried.get_absolute_url()).content.decode()
        assert "Passaggio al progetto successivo" in page
        # The interventions still running go on under the new project, with its hours.
        assert TimeEntry.objects.filter(family__in=still_on_path, timesheet__project=self.follow_on).exists()

    def test_the_final_report_covers_the_whole_duration(self):
        final = ReportRun.objects.get(project=self.pnrr, kind=ReportRun.Kind.FINAL)
        assert final.state == ReportRun.State.APPROVATO
        assert (final.period_start, final.period_end) == (datetime.date(2023, 6, 1), PNRR_END)
        assert final.snapshot_sha256 and final.pdf_sha256
        rows = final.snapshot["physical"]["families"]["rows"]
        assert [row["implementation"] for row in rows] == ["P.I.P.P.I. 11", "P.I.P.P.I. 12", "P.I.P.P.I. 13"]
        # Frozen before the families left: it counts those that passed to the follow-on project too.
        included = (
            Family.objects.filter(transitions__to_state="inclusa").filter(implementation__project=self.pnrr).count()
            + ProjectTakeover.objects.filter(
                from_implementation__project=self.pnrr, family__transitions__to_state="inclusa"
            ).count()
        )
        assert sum(row["included"]["cumulative"] for row in rows) == included
