"""Builders of quality data for the world's ambito and for the other ambito."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from reporting import services
from reporting.models import (
    Audience,
    Complaint,
    ImpactIndicator,
    IndicatorValue,
    QualityControl,
    SatisfactionSurvey,
    SurveyLinkBatch,
)

D = datetime.date
ANSWERED_ON = D(2024, 4, 10)
STATEMENTS = ["Mi sono sentito ascoltato.", "Gli incontri sono stati utili.", "Consiglierei il percorso."]


def make_survey(project, by, *, title=None, audience=Audience.BENEFICIARI, statements=STATEMENTS, **fields):
    defaults = {"period_start": D(2024, 4, 1), "period_end": D(2024, 5, 31)}
    defaults.update(fields)
    survey = SatisfactionSurvey(
        project=project,
        audience=audience,
        title=title or f"Questionario {audience} {defaults['period_start']}",
        **defaults,
    )
    return services.survey_create(survey=survey, statements=statements, by=by)


def answer(survey, by, scores: list[int | None], *, on=ANSWERED_ON, comment=""):
    """A paper questionnaire with the given scores, statement by statement (None: left blank)."""
    items = list(survey.items.order_by("order"))
    given = {item.pk: score for item, score in zip(items, scores, strict=False) if score is not None}
    return services.survey_response_record(survey=survey, scores=given, comment=comment, submitted_on=on, by=by)


def make_links(survey, by, count=3, expires_on=None):
    batch = SurveyLinkBatch(survey=survey, expires_on=expires_on or timezone.localdate() + datetime.timedelta(days=30))
    return services.survey_links_generate(batch=batch, count=count, by=by)


def make_complaint(project, by, **fields):
    defaults = {
        "received_on": D(2024, 3, 1),
        "channel": Complaint.Channel.TELEFONO,
        "subject": "Ritardo negli incontri",
    }
    defaults.update(fields)
    return Complaint.objects.create(project=project, created_by=by, **defaults)


def make_control(project, by, organisation, **fields):
    defaults = {
        "checked_on": D(2024, 5, 1),
        "kind": QualityControl.Kind.ORE,
        "scope": "Fogli presenza a campione",
        "status": QualityControl.Status.SVOLTO,
    }
    defaults.update(fields)
    return QualityControl.objects.create(project=project, organisation=organisation, created_by=by, **defaults)


def make_indicator(project, *, name="Famiglie con esito A o B", values=(), **fields):
    defaults = {"unit": "%", "baseline": Decimal("60"), "target": Decimal("80"), "direction": "higher"}
    defaults.update(fields)
    indicator = ImpactIndicator.objects.create(project=project, name=name, **defaults)
    for start, end, value in values:
        IndicatorValue.objects.create(indicator=indicator, period_start=start, period_end=end, value=Decimal(value))
    return indicator


# Statements that are the session's bookkeeping rather than the page's work: the session is saved again on
# a request that refreshes its idle-timeout mark, which depends on the clock, not on the page.
@pytest.fixture
def count_page_queries(count_queries):
    """The project's query counter (conftest.py), under the name these tests have used."""
    return count_queries


@pytest.fixture
def quality(world):
    """`make_quality`, for each test."""
    return make_quality(world)


def make_quality(world) -> SimpleNamespace:
    """One object of each kind in the world's ambito (the complaint concerns the referent's cooperative)
    and in the other ambito."""
    udp, other_udp = world.users.ufficio_piano, world.other.ufficio_piano
    survey = make_survey(world.project, udp, title="Soddisfazione delle famiglie 2024")
    answer(survey, udp, [4, 5, 3], comment="Molto utile il gruppo dei genitori.")
    other_survey = make_survey(world.other.project, other_udp, title="Soddisfazione altrove")
    return SimpleNamespace(
        survey=survey,
        batch=make_links(survey, udp),
        complaint=make_complaint(world.project, udp, organisation=world.coop),
        control=make_control(world.project, udp, world.coop),
        indicator=make_indicator(world.project, values=[(D(2024, 1, 1), D(2024, 6, 30), "65")]),
        other_survey=other_survey,
        other_batch=make_links(other_survey, other_udp),
        other_complaint=make_complaint(world.other.project, other_udp, organisation=world.other.organisation),
        other_control=make_control(world.other.project, other_udp, world.other.organisation),
        other_indicator=make_indicator(world.other.project),
    )
