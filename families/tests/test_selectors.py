import datetime
import random

from django.urls import reverse
from django.utils import timezone

from families.models import Family, Member, State
from families.selectors import family_warnings, implementation_stats
from tests import factories as f


def included_family(world, advance, **kwargs):
    family = f.make_family(world, **kwargs)
    return advance(family, State.INCLUSA)


def test_no_warnings_for_a_typical_implementation(world, advance):
    for _ in range(5):
        included_family(world, advance)
    (stats,) = implementation_stats([world.implementation])
    assert (stats.included, stats.older_children, stats.reunification, stats.warnings) == (5, 0, 0, [])


def test_warns_when_more_than_a_fifth_of_families_have_a_child_over_11(world, advance):
    for i in range(4):
        family = included_family(world, advance)
        if i < 1:
            Member.objects.create(
                family=family,
                kind="minore",
                first_name="Grande",
                last_name="X",
                birth_date=datetime.date(2011, 6, 1),
                sex="M",
            )
    (stats,) = implementation_stats([world.implementation])
    assert stats.older_children == 1 and stats.warnings  # 1 of 4 = 25 %
    assert "1 famiglia su 4 ha figli sopra gli 11 anni" in stats.warnings[0]


def test_a_child_who_is_exactly_11_is_still_in_the_target(world, advance):
    family = included_family(world, advance)
    # Referral on 10/01/2024: born 11/01/2012 -> 11 years old, not yet 12.
    Member.objects.create(
        family=family, kind="minore", first_name="Quasi", last_name="X", birth_date=datetime.date(2012, 1, 11), sex="F"
    )
    (stats,) = implementation_stats([world.implementation])
    assert stats.older_children == 0


def test_warns_on_reunification_paths_over_a_fifth(world, advance):
    included_family(world, advance, reunification=True)
    for _ in range(3):
        included_family(world, advance)
    (stats,) = implementation_stats([world.implementation])
    assert stats.reunification == 1
    assert any("1 percorso di riunificazione su 4 famiglie" in w for w in stats.warnings)


def test_more_families_than_the_target_is_no_warning(world, advance):
    f.make_target(world.project, "famiglie_incluse", 2, "implementazione")
    for _ in range(3):
        included_family(world, advance)
    f.make_family(world)  # referred, not included: does not count
    (stats,) = implementation_stats([world.implementation])
    assert stats.included == 3
    assert not any("obiettivo" in w for w in stats.warnings)


def test_a_family_under_the_judicial_authority_is_not_warned_about_by_default(world):
    family = f.make_family(world, under_judicial_authority=True)
    assert family_warnings(family) == []


def test_warns_about_a_family_under_the_judicial_authority_where_the_project_asks(world):
    world.project.judicial_authority_warning = True
    world.project.save()
    family = f.make_family(world, under_judicial_authority=True)
    assert "autorità giudiziaria" in family_warnings(family)[0]


def test_due_dates_follow_the_implementation_offsets(world, family, advance):
    world.implementation.t1_offset_months, world.implementation.t2_offset_months = 6, 12
    world.implementation.save()
    family = advance(family, State.IN_CORSO, t0=datetime.date(2024, 3, 31))
    row = Family.objects.with_due_dates().values("t0_date", "t1_due", "t2_due", "next_due").get(pk=family.pk)
    assert row == {
        "t0_date": datetime.date(2024, 3, 31),
        "t1_due": datetime.date(2024, 9, 30),
        "t2_due": datetime.date(2025, 3, 31),
        "next_due": datetime.date(2024, 9, 30),
    }


def test_due_dates_move_to_t2_once_t1_is_complete_and_keep_one_row_per_family(world, family, advance, record_t1):
    """T0's date is joined on the unique (family, time point) key and T1, T2 are read by the same key: a family
    with T0 and T1 is still one row, T1 complete makes T2 the next one, a family without T0 owes nothing yet."""
    world.implementation.t1_offset_months, world.implementation.t2_offset_months = 6, 12
    world.implementation.save()
    family = advance(family, State.IN_CORSO, t0=datetime.date(2024, 3, 31))
    not_started = f.make_family(world)
    record_t1(family, by=family.case_manager, t0=datetime.date(2024, 3, 31), rng=random.Random(1))
    rows = Family.objects.with_due_dates().filter(pk__in=[family.pk, not_started.pk])
    values = {row["pk"]: row for row in rows.values("pk", "t1_done", "t2_done", "next_due", "next_due_point")}
    assert rows.count() == len(values) == 2
    assert values[family.pk] == {
        "pk": family.pk,
        "t1_done": True,
        "t2_done": False,
        "next_due": datetime.date(2025, 3, 31),
        "next_due_point": "T2",
    }
    assert values[not_started.pk] == {
        "pk": not_started.pk,
        "t1_done": False,
        "t2_done": False,
        "next_due": None,
        "next_due_point": "T1",
    }
    assert set(Family.objects.overdue(datetime.date(2025, 4, 1)).filter(pk=family.pk)) == {family}
    assert not Family.objects.overdue(datetime.date(2025, 3, 31)).filter(pk=family.pk).exists()


def families_by_deadline(world, advance) -> tuple[Family, Family, Family]:
    """Three families on their path: T1 overdue, T1 due within 30 days, T1 due later."""
    today = timezone.localdate()
    overdue = advance(
        f.make_family(world, referral_date=today - datetime.timedelta(days=400)),
        State.IN_CORSO,
        t0=today - datetime.timedelta(days=300),
    )
    t0_soon = today - datetime.timedelta(days=260)  # T1 (9 months) falls within 30 days
    upcoming = advance(
        f.make_family(world, referral_date=t0_soon - datetime.timedelta(days=60)), State.IN_CORSO, t0=t0_soon
    )
    later = advance(  # referred after the world's implementation ended (31/05/2026): on a running one
        f.make_family(
            world,
            referral_date=today - datetime.timedelta(days=60),
            implementation=f.running_implementation(world.ambito),
        ),
        State.IN_CORSO,
        t0=today - datetime.timedelta(days=20),
    )
    return overdue, upcoming, later


def test_overdue_and_upcoming_deadlines_are_found_and_listed(world, client_for, advance):
    overdue, upcoming, _later = families_by_deadline(world, advance)
    assert set(Family.objects.overdue()) == {overdue}
    assert set(Family.objects.due_within(30)) == {overdue, upcoming}
    listing = client_for(world.users.coordinatore).get(reverse("families:family-list") + "?overdue=on").content.decode()
    assert overdue.code in listing and upcoming.code not in listing
