"""Each named figure of the report, alone, on the hand-built families of test_indicators (A whole path, closed
08/09/2025; B in progress; C interrupted before inclusion; all referred 10/01/2024, A and B pre-assessed
24/01/2024 and included 26/01/2024), with what a figure needs added here. Figures are raw counts: labels and
small-cell suppression belong to the snapshot, so the values below are exact."""

import datetime

import pytest

from families.models import AssessmentRating, Family, Member, SDQScore, Side, State
from interventions.models import (
    Attendance,
    Group,
    GroupSession,
    Intervention,
    InterventionType,
    Pairing,
    ParentingEvent,
    SchoolMeeting,
    SchoolPartnership,
    SupportFamily,
)
from reporting.indicators import semester_bounds
from reporting.indicators.outcome_figures import (
    children_at_home,
    closures_by_outcome,
    families_with_t0_and_t2,
    mdb_change_by_side,
    objectives_by_outcome,
    sdq_total_change,
)
from reporting.indicators.path_figures import (
    children_by_age_band,
    children_by_comune,
    completed_years,
    families_active,
    families_by_step,
    families_interrupted_by_reason,
    families_preassessed,
    families_referred,
    reunification_paths,
)
from reporting.indicators.work_figures import (
    active_pairings,
    families_by_intervention_type,
    group_attendance_rate,
    group_modules,
    group_sessions,
    parenting_events,
    school_agreements,
    school_meetings,
    sedt_hours,
)

from .test_indicators import fixture  # noqa: F401 — the hand-built families, hours and outcomes

D = datetime.date
S2_2023, S1_2024, S2_2024 = semester_bounds("2023-S2"), semester_bounds("2024-S1"), semester_bounds("2024-S2")
S1_2025, S2_2025, S1_2026 = semester_bounds("2025-S1"), semester_bounds("2025-S2"), semester_bounds("2026-S1")
YEAR_2024 = (D(2024, 1, 1), D(2024, 12, 31))
SEDT = "Educativa domiciliare e territoriale (SEDT)"
OUTCOME_A = "A — La famiglia prosegue senza sostegno intensivo"


@pytest.fixture
def families(fixture):  # noqa: F811
    """A, B and C."""
    return fixture


def parent(family):
    return family.members.get(kind=Member.Kind.FIGURA_GENITORIALE)


# --- The families' path ---------------------------------------------------------------------------------------


def test_families_referred_by_the_referral_date(world, families):
    implementation = world.implementation.pk
    assert families_referred(world.project, *S1_2024) == {implementation: {"period": 3, "cumulative": 3}}
    assert families_referred(world.project, *S2_2024) == {implementation: {"period": 0, "cumulative": 3}}


def test_families_referred_leave_out_other_projects(world, families, other_family):
    assert families_referred(world.project, *S1_2024)[world.implementation.pk]["cumulative"] == 3
    assert families_referred(world.other.project, *S1_2024) == {
        world.other.implementation.pk: {"period": 1, "cumulative": 1}
    }


def test_families_preassessed_are_a_and_b(world, families):
    implementation = world.implementation.pk
    assert families_preassessed(world.project, *S1_2024) == {implementation: {"period": 2, "cumulative": 2}}
    assert families_preassessed(world.project, *S2_2024) == {implementation: {"period": 0, "cumulative": 2}}


def test_families_by_step_count_inclusions_closures_and_interruptions(world, families):
    implementation = world.implementation.pk
    first = families_by_step(world.project, *S1_2024)
    assert first[implementation, State.INCLUSA] == {"period": 2, "cumulative": 2}  # A and B, 26/01/2024
    assert first[implementation, State.INTERROTTA] == {"period": 1, "cumulative": 1}  # C, 15/02/2024
    assert first[implementation, State.CONCLUSA] == {"period": 0, "cumulative": 0}  # A, 08/09/2025
    later = families_by_step(world.project, *S2_2025)
    assert later[implementation, State.INCLUSA] == {"period": 0, "cumulative": 2}
    assert later[implementation, State.CONCLUSA] == {"period": 1, "cumulative": 1}


def test_families_active_are_included_and_not_ended(world, families):
    assert families_active(world.project, D(2024, 1, 20)) == {}  # nobody included yet
    assert families_active(world.project, D(2024, 6, 30)) == {world.implementation.pk: 2}  # A and B
    assert families_active(world.project, D(2025, 12, 31)) == {world.implementation.pk: 1}  # B; A closed


def test_families_interrupted_by_reason(world, families):
    assert families_interrupted_by_reason(world.project, D(2024, 2, 14)) == {}
    assert families_interrupted_by_reason(world.project, D(2024, 2, 15)) == {"rinuncia": 1}  # C


def test_children_by_age_band_are_aged_on_inclusion(world, families):
    assert children_by_age_band(world.project, D(2024, 1, 20)) == {}
    # 26/01/2024: A's children (born 06/05/2016 and 06/05/2017) are 7 and 6, B's (06/05/2016) 7; C's is not
    # included.
    assert children_by_age_band(world.project, D(2024, 6, 30)) == {"7-11": 2, "4-6": 1}


def test_children_of_age_fall_in_their_own_band(world, families):
    _a, b, _c = families
    b.members.filter(kind=Member.Kind.MINORE).update(birth_date=D(2005, 1, 1))  # 19 on 26/01/2024
    assert children_by_age_band(world.project, D(2024, 6, 30)) == {"7-11": 1, "4-6": 1, "18+": 1}


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (D(2016, 5, 6), D(2024, 5, 5), 7),
        (D(2016, 5, 6), D(2024, 5, 6), 8),  # the birthday itself
        (D(2016, 2, 29), D(2025, 2, 28), 8),  # born on 29 February: a year is complete on 1 March
        (D(2016, 2, 29), D(2025, 3, 1), 9),
        (D(2024, 1, 26), D(2024, 1, 26), 0),
    ],
)
def test_completed_years_as_postgresql_counts_them(born, on, years):
    assert completed_years(born, on) == years


def test_children_by_comune(world, families):
    assert children_by_comune(world.project, D(2024, 6, 30)) == {"Comune Alfa": 3}  # A's two, B's one


def test_reunification_paths_count_included_families_only(world, families):
    a, _b, c = families
    assert reunification_paths(world.project, D(2024, 6, 30)) == 0
    Family.objects.filter(pk__in=[a.pk, c.pk]).update(reunification=True)
    assert reunification_paths(world.project, D(2024, 1, 20)) == 0  # before the inclusion
    assert reunification_paths(world.project, D(2024, 6, 30)) == 1  # A; C was never included


# --- What was done for them -----------------------------------------------------------------------------------


def test_families_by_intervention_type_active_in_the_period(world, families):
    a, _b, _c = families
    # B's SEDT from 11/03/2024, open; A's from 01/02/2024 to 28/02/2024.
    Intervention.objects.create(
        family=a,
        type=InterventionType.objects.get(code="sedt"),
        start_date=D(2024, 2, 1),
        end_date=D(2024, 2, 28),
        planned_hours_per_week=8,
    )
    assert families_by_intervention_type(world.project, *S2_2023) == {}
    assert families_by_intervention_type(world.project, *S1_2024) == {SEDT: 2}
    assert families_by_intervention_type(world.project, *S2_2024) == {SEDT: 1}


def test_sedt_hours_are_validated_hours_only(world, families):
    # 10 h on 19/03/2024 in a validated March; April's 4 h are not validated.
    assert sedt_hours(world.project, *S2_2023) == {"period": 0.0, "cumulative": 0.0}
    assert sedt_hours(world.project, *S1_2024) == {"period": 10.0, "cumulative": 10.0}
    assert sedt_hours(world.project, *S2_2024) == {"period": 0.0, "cumulative": 10.0}


@pytest.fixture
def groups(world, families):
    """Module 1 meets on 05/03 and 12/03/2024 (attendance 2 of 3, then 1 of 2), module 2 on 10/09/2024
    (no attendance taken); the other ambito's group meets on 05/03/2024."""
    a, b, c = families
    kind = InterventionType.objects.get(code="gruppo_genitori")

    def group(ambito, number, *days):
        made = Group.objects.create(
            ambito=ambito,
            project=world.project if ambito == world.ambito else world.other.project,
            type=kind,
            module_number=number,
            name=f"Genitori {number}",
            venue="Sala civica",
            frequency="settimanale",
            start_date=D(2024, 3, 1),
        )
        return [GroupSession.objects.create(group=made, date=day, duration_minutes=90) for day in days]

    first, second = group(world.ambito, 1, D(2024, 3, 5), D(2024, 3, 12))
    group(world.ambito, 2, D(2024, 9, 10))
    (elsewhere,) = group(world.other.ambito, 1, D(2024, 3, 5))
    for session, family, present in (
        (first, a, True),
        (first, b, True),
        (first, c, False),
        (second, a, True),
        (second, b, False),
    ):
        Attendance.objects.create(session=session, member=parent(family), present=present)
    Attendance.objects.create(session=elsewhere, member=parent(a), present=False)


def test_group_modules_that_met_in_the_period(world, groups):
    assert group_modules(world.project, *S1_2024) == 1
    assert group_modules(world.project, *S2_2024) == 1
    assert group_modules(world.project, *YEAR_2024) == 2


def test_group_sessions_in_the_period(world, groups):
    assert group_sessions(world.project, *S2_2023) == 0
    assert group_sessions(world.project, *S1_2024) == 2
    assert group_sessions(world.project, *YEAR_2024) == 3


def test_group_attendance_rate(world, groups):
    assert group_attendance_rate(world.project, *S1_2024) == 60.0  # 3 present of 5 expected
    assert group_attendance_rate(world.project, *S2_2024) is None  # no attendance taken


def test_active_pairings_overlap_the_period(world, families, other_family):
    a, b, _c = families
    support = SupportFamily.objects.create(
        ambito=world.ambito, name="Famiglia R.", comune=world.comune, availability="-"
    )
    Pairing.objects.create(support_family=support, family=a, start_date=D(2024, 2, 1), end_date=D(2024, 3, 31))
    Pairing.objects.create(support_family=support, family=b, start_date=D(2024, 7, 1))
    other_support = SupportFamily.objects.create(
        ambito=world.other.ambito, name="Famiglia S.", comune=world.other.comune, availability="-"
    )
    Pairing.objects.create(support_family=other_support, family=other_family, start_date=D(2024, 2, 1))
    assert active_pairings(world.project, *S2_2023) == 0
    assert active_pairings(world.project, *S1_2024) == 1  # A
    assert active_pairings(world.project, *S2_2024) == 1  # B
    assert active_pairings(world.project, *YEAR_2024) == 2


@pytest.fixture
def schools(world):
    """A protocol signed 01/02/2024 (meetings 10/03 and 10/09/2024), one signed 01/09/2024 (meeting 15/09/2024),
    and the other ambito's signed 15/01/2024 (meeting 10/03/2024)."""
    for ambito, signed_on, days in (
        (world.ambito, D(2024, 2, 1), [D(2024, 3, 10), D(2024, 9, 10)]),
        (world.ambito, D(2024, 9, 1), [D(2024, 9, 15)]),
        (world.other.ambito, D(2024, 1, 15), [D(2024, 3, 10)]),
    ):
        partnership = SchoolPartnership.objects.create(
            ambito=ambito,
            project=world.project if ambito == world.ambito else world.other.project,
            school="IC Alfa",
            kind="protocollo",
            signed_on=signed_on,
        )
        for day in days:
            SchoolMeeting.objects.create(partnership=partnership, date=day, participants="Dirigente, insegnanti")


def test_school_agreements_signed_by_the_end(world, schools):
    assert school_agreements(world.project, D(2024, 1, 31)) == 0
    assert school_agreements(world.project, D(2024, 6, 30)) == 1
    assert school_agreements(world.project, D(2024, 12, 31)) == 2


def test_school_meetings_in_the_period(world, schools):
    assert school_meetings(world.project, *S1_2024) == 1
    assert school_meetings(world.project, *S2_2024) == 2


def test_parenting_events_in_the_period(world):
    for ambito, day, participants, programme_families in (
        (world.ambito, D(2024, 4, 20), 12, 3),
        (world.ambito, D(2024, 5, 18), 8, 2),
        (world.ambito, D(2024, 10, 5), 20, 5),
        (world.other.ambito, D(2024, 3, 30), 30, 9),
    ):
        ParentingEvent.objects.create(
            ambito=ambito,
            project=world.project if ambito == world.ambito else world.other.project,
            date=day,
            topic="Regole e routine",
            participants_count=participants,
            programme_families=programme_families,
        )
    assert parenting_events(world.project, *S2_2023) == {"count": 0, "participants": 0, "programme_families": 0}
    assert parenting_events(world.project, *S1_2024) == {"count": 2, "participants": 20, "programme_families": 5}


# --- Outcomes -------------------------------------------------------------------------------------------------


def test_objectives_by_outcome_at_t2(world, families):
    # A's two objectives verified at T2 (01/09/2025): one reached, one not. B has no T2.
    assert objectives_by_outcome(world.project, D(2025, 8, 31)) == {
        "raggiunto": 0,
        "parzialmente": 0,
        "non_raggiunto": 0,
    }
    assert objectives_by_outcome(world.project, D(2025, 12, 31)) == {
        "raggiunto": 1,
        "parzialmente": 0,
        "non_raggiunto": 1,
    }


def test_families_with_t0_and_t2(world, families):
    a, _b, _c = families
    assert families_with_t0_and_t2(world.project, D(2025, 8, 31)) == []  # A's T2 is on 01/09/2025
    assert families_with_t0_and_t2(world.project, D(2025, 12, 31)) == [a.pk]


def test_mdb_change_by_side(world, families):
    a, b, _c = families
    AssessmentRating.objects.filter(assessment__family=b, assessment__time_point="T0").update(rating=4)
    sides = list(
        Side.objects.filter(framework__is_current=True).order_by("number").values_list("short_title", flat=True)
    )
    assert len(sides) == 3
    # A: every rating 3 at T0 and 5 at T2.
    assert mdb_change_by_side([a.pk]) == [{"side": side, "t0": 3.0, "t2": 5.0, "change": 2.0} for side in sides]
    # B has no T2: no change.
    assert mdb_change_by_side([b.pk]) == [{"side": side, "t0": 4.0, "change": None} for side in sides]
    # Both: T0 (3 + 4) / 2 = 3.5, T2 5 (A's), change 1.5.
    assert mdb_change_by_side([a.pk, b.pk]) == [{"side": side, "t0": 3.5, "t2": 5.0, "change": 1.5} for side in sides]
    assert mdb_change_by_side([]) == []


def test_sdq_total_change_reads_the_parents_questionnaire(world, families):
    a, _b, _c = families
    child = a.members.filter(kind=Member.Kind.MINORE).order_by("birth_date").first()
    # A teacher's T2 of the same child is left out.
    SDQScore.objects.create(
        member=child,
        time_point="T2",
        respondent="insegnante",
        date=D(2024, 3, 1),
        emotional=9,
        conduct=9,
        hyperactivity=9,
        peer=9,
        prosocial=1,
    )
    # The parent's: T0 5+4+6+3 = 18, T2 2+2+3+1 = 8, both on 01/03/2024.
    assert sdq_total_change(world.project, D(2024, 2, 29)) == {"children": 0, "t0": None, "t2": None, "change": None}
    assert sdq_total_change(world.project, D(2025, 12, 31)) == {"children": 1, "t0": 18.0, "t2": 8.0, "change": -10.0}


def test_closures_by_outcome(world, families):
    assert closures_by_outcome(world.project, *S1_2025) == {}
    assert closures_by_outcome(world.project, *S2_2025) == {OUTCOME_A: {"period": 1, "cumulative": 1}}  # A
    assert closures_by_outcome(world.project, *S1_2026) == {OUTCOME_A: {"period": 0, "cumulative": 1}}


def test_children_at_home_after_closure(world, families):
    assert children_at_home(world.project, D(2025, 6, 30)) == {"sì": 0, "no": 0}
    assert children_at_home(world.project, D(2025, 12, 31)) == {"sì": 1, "no": 0}  # A, outcome A
