"""The world the fuzzing modules work in (tests/test_form_fuzzing.py, tests/test_endpoint_fuzzing.py): the
conftest's two ambiti and one user per role, with a family on its path and one object of every kind a form or
a page starts from, built once per module inside a transaction rolled back at its end."""

from __future__ import annotations

import contextlib
import datetime
import random
from decimal import Decimal
from types import SimpleNamespace

from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from tests import factories as f
from tests.fuzzing import today


@contextlib.contextmanager
def scene_for_module(django_db_blocker, media):
    """The scene (`build_scene`) inside a transaction rolled back at the end, for a module-scoped fixture:
    each test's own transaction (the `db` fixture) is a savepoint inside it."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_scene()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


T0 = datetime.date(2024, 3, 1)
SEDT_START = datetime.date(2024, 3, 18)
PASSWORD = "fuzz-pippi-password-2026"


def build_scene() -> SimpleNamespace:
    """The conftest's `world` (two ambiti, one user per role), a family on its path with a plan, objectives,
    an educational intervention and a validated timesheet, a group, a school partnership, a support family,
    a survey with single-use links, an impact indicator and a report run in draft. Some names carry markup,
    so that a page printing them unescaped fails too."""
    from demo.path import walk
    from families.models import State, TeamMember
    from interventions import services as hours
    from interventions.models import (
        Group,
        Intervention,
        InterventionType,
        SchoolPartnership,
        SupportFamily,
    )
    from reporting import reports
    from reporting import services as quality
    from reporting.models import (
        Audience,
        ImpactIndicator,
        IndicatorValue,
        ReportRun,
        SatisfactionSurvey,
        SurveyLinkBatch,
    )

    world = f.make_world()
    # Names that carry markup, so that a page printing them unescaped fails too.
    world.coop.name = 'Cooperativa "><img src=x onerror=alert(1)>'
    world.coop.save(update_fields=["name"])
    users = world.users
    users.operatore.last_name = "<script>alert(1)</script>"
    users.operatore.save(update_fields=["last_name"])
    users.case_manager.set_password(PASSWORD)
    users.case_manager.save(update_fields=["password"])
    outsider, other_implementation = world.other.outsider, world.other.implementation
    other_comune, other_equipe = world.other.comune, world.other.equipe
    ambito, comune, project = world.ambito, world.comune, world.project

    family = f.make_family(world, children=2)
    TeamMember.objects.create(family=family, user=users.operatore, role="Educatore")
    walk(family, State.IN_CORSO, by=users.case_manager, operator=users.operatore, t0=T0, rng=random.Random(1))
    other_family = f.make_family(
        world, case_manager=outsider, implementation=other_implementation, comune=other_comune, equipe=other_equipe
    )
    plan = family.plans.get(superseded_at__isnull=True)
    objective = plan.objectives.order_by("pk").first()

    sedt = Intervention.objects.create(
        family=family,
        type=InterventionType.objects.get(code="sedt", ambito__isnull=True),
        start_date=SEDT_START,
        planned_hours_per_week=Decimal("8"),
    )
    sedt.assigned_users.add(users.operatore)
    hours.time_entry_set(
        user=users.operatore,
        day=SEDT_START + datetime.timedelta(days=1),
        activity="diretta_famiglia",
        minutes=120,
        family=family,
    )
    timesheet = hours.timesheet_for(users.operatore, SEDT_START)
    hours.timesheet_confirm(timesheet=timesheet, by=users.operatore)
    timesheet = hours.timesheet_validate(timesheet=timesheet, by=users.referente_ente)

    group = Group.objects.create(
        ambito=ambito,
        project=project,
        type=InterventionType.objects.get(code="gruppo_genitori"),
        module_number=1,
        name="Genitori <script>alert(1)</script>",
        venue="Sala civica",
        frequency="settimanale",
        start_date=SEDT_START,
        planned_sessions=6,
    )
    group.facilitators.add(users.operatore)
    group.participants.set(family.members.all())
    school = SchoolPartnership.objects.create(
        ambito=ambito, school="IC <svg/onload=alert(1)>", kind="protocollo", signed_on=datetime.date(2024, 2, 1)
    )
    SupportFamily.objects.create(ambito=ambito, name="Famiglia R.", comune=comune, availability="Sabato")

    survey = quality.survey_create(
        survey=SatisfactionSurvey(
            project=project,
            audience=Audience.BENEFICIARI,
            title="Soddisfazione <script>alert(1)</script>",
            period_start=datetime.date(2024, 4, 1),
            period_end=datetime.date(2024, 5, 31),
        ),
        statements=["Mi sono sentito ascoltato.", "Utile? <img src=x onerror=alert(1)>", "Lo consiglierei."],
        by=users.ufficio_piano,
    )
    batch = quality.survey_links_generate(
        batch=SurveyLinkBatch(survey=survey, expires_on=today() + datetime.timedelta(days=30)),
        count=2,
        by=users.ufficio_piano,
    )
    link = batch.links.order_by("number").first()
    indicator = ImpactIndicator.objects.create(
        project=project, name="Famiglie con esito A o B", unit="%", baseline=60, target=80, direction="higher"
    )
    IndicatorValue.objects.create(
        indicator=indicator,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 6, 30),
        value=Decimal("65"),
    )
    run = reports.report_start(project=project, kind=ReportRun.Kind.SEMESTER, label="2024-S1", by=users.ufficio_piano)
    # The services worked on their own copies: bring the objects the forms start from up to date.
    for obj in [*vars(users).values(), project, family, plan, objective, timesheet, group, survey, link, run]:
        obj.refresh_from_db()

    return SimpleNamespace(
        **vars(world),
        world=world,
        family=family,
        other_family=other_family,
        plan=plan,
        objective=objective,
        preassessment=family.preassessment,
        sedt=sedt,
        timesheet=timesheet,
        group=group,
        school=school,
        survey=survey,
        link=link,
        indicator=indicator,
        run=run,
        # The world's implementation ended on 31/05/2026: a new referral goes under one running today.
        running_implementation=f.running_implementation(ambito),
    )
