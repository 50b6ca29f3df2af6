import datetime
from decimal import Decimal

from django.urls import reverse

from interventions import services
from interventions.forms import InterventionForm
from interventions.models import InterventionType
from interventions.selectors import sedt_flagged_families, sedt_weeks

from .conftest import SEDT_START


def form_data(**overrides):
    data = {
        "type": InterventionType.objects.get(code="sedt", ambito__isnull=True).pk,
        "start_date": "2024-03-18",
        "planned_hours_per_week": "6",
    }
    data.update(overrides)
    return data


def test_planning_an_educational_intervention_below_8_hours_is_refused(world, family):
    form = InterventionForm(
        form_data(assigned_users=[world.users.operatore.pk]), family=family, user=world.users.case_manager
    )
    assert not form.is_valid()
    assert "almeno 8 ore settimanali" in form.errors["planned_hours_per_week"][0]
    assert "non ammette deroghe" in form.errors["planned_hours_per_week"][0]


def test_an_exception_reason_does_not_let_fewer_hours_pass_by_default(world, family):
    form = InterventionForm(
        form_data(assigned_users=[world.users.operatore.pk], sedt_exception_reason="Turni di lavoro della madre"),
        family=family,
        user=world.users.case_manager,
    )
    assert "sedt_exception_reason" not in form.fields
    assert not form.is_valid()
    assert "non ammette deroghe" in form.errors["planned_hours_per_week"][0]


def test_where_the_project_allows_exceptions_a_reason_allows_fewer_hours(world, family):
    world.project.sedt_exception_allowed = True
    world.project.save()
    data = form_data(assigned_users=[world.users.operatore.pk])
    refused = InterventionForm(data, family=family, user=world.users.case_manager)
    assert not refused.is_valid()
    assert "scrivi il motivo della deroga" in refused.errors["planned_hours_per_week"][0]
    form = InterventionForm(
        {**data, "sedt_exception_reason": "Turni di lavoro della madre"}, family=family, user=world.users.case_manager
    )
    assert form.is_valid(), form.errors


def test_other_interventions_have_no_weekly_minimum(world, family):
    psy = InterventionType.objects.get(code="psicologico", ambito__isnull=True)
    form = InterventionForm(
        form_data(type=psy.pk, planned_hours_per_week="1", assigned_users=[world.users.operatore.pk]),
        family=family,
        user=world.users.case_manager,
    )
    assert form.is_valid(), form.errors


def test_the_view_refuses_and_saves_nothing(world, client_for, family):
    response = client_for(world.users.case_manager).post(
        reverse("interventions:intervention-create", args=[family.pk]),
        form_data(assigned_users=[world.users.operatore.pk]),
    )
    assert response.status_code == 200
    assert "almeno 8 ore settimanali" in response.content.decode().replace("&#x27;", "'")
    assert not family.interventions.exists()


def log_week(user, family, monday, hours_per_day):
    for offset, hours in enumerate(hours_per_day):
        if hours:
            services.time_entry_set(
                user=user,
                day=monday + datetime.timedelta(days=offset),
                activity="diretta_famiglia",
                minutes=int(hours * 60),
                family=family,
            )


def test_delivered_weeks_below_8_hours_are_flagged(world, sedt):
    family, educator = sedt.family, world.users.operatore
    log_week(educator, family, SEDT_START, [3, 0, 3, 0, 2])  # 8 hours
    second = SEDT_START + datetime.timedelta(days=7)
    log_week(educator, family, second, [3, 0, 3])  # 6 hours
    services.time_entry_set(
        user=educator, day=second + datetime.timedelta(days=3), activity="riunione_em", minutes=60, family=family
    )  # + EM = 7 hours
    weeks = sedt_weeks(family, today=SEDT_START + datetime.timedelta(days=21))
    assert [(w.week, w.hours, w.below_minimum) for w in weeks] == [
        (SEDT_START, Decimal("8.0"), False),
        (second, Decimal("7.0"), True),
        (SEDT_START + datetime.timedelta(days=14), Decimal("0.0"), True),
    ]


def test_with_an_allowed_exception_the_week_is_checked_against_the_planned_hours(world, sedt):
    world.project.sedt_exception_allowed = True
    world.project.save()
    sedt.planned_hours_per_week, sedt.sedt_exception_reason = Decimal("6"), "Turni"
    sedt.save()
    log_week(world.users.operatore, sedt.family, SEDT_START, [3, 0, 3])
    (week,) = sedt_weeks(sedt.family, today=SEDT_START + datetime.timedelta(days=8))
    assert not week.below_minimum


def log_last_week_below_minimum(world, sedt) -> datetime.date:
    """Four hours last week (its Monday is returned): a delivered week below the minimum, flagged."""
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    log_week(world.users.operatore, sedt.family, monday, [2, 0, 2])
    return monday


def test_flags_show_on_the_family_page(world, client_for, sedt):
    monday = log_last_week_below_minimum(world, sedt)
    flagged = sedt_flagged_families([sedt.family])
    assert flagged and flagged[0]["code"] == sedt.family.code and monday in flagged[0]["weeks"]
    page = client_for(world.users.case_manager).get(reverse("interventions:family", args=[sedt.family.pk]))
    assert "sotto le 8 ore" in page.content.decode()
