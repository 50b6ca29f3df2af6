"""The quality part of the synthetic demo: plausible for Seregno and open to its Ufficio di Piano (that a second
`seed_demo` changes nothing is demo/tests/test_seed_demo.py's check over every model)."""

import datetime

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from equipes.models import Project, User
from reporting.models import Complaint, ImpactIndicator, QualityControl, SatisfactionSurvey
from reporting.quality import quality_section

pytestmark = pytest.mark.demo_seed


@pytest.fixture
def seregno(db, seeded_demo):
    """The Seregno project of the demo, seeded once for the module."""
    return Project.objects.get(cup="B24H22000190001")


def test_seregno_has_plausible_surveys_complaints_controls_and_indicators(seregno):
    surveys = SatisfactionSurvey.objects.filter(project=seregno).annotate(n=Count("responses"))
    assert sorted(surveys.values_list("audience", flat=True)) == ["beneficiari"] * 3 + ["operatori"] * 3
    assert all(15 <= survey.n <= 25 for survey in surveys)
    assert set(surveys.values_list("responses__channel", flat=True)) == {"carta", "link"}
    complaints = Complaint.objects.filter(project=seregno)
    assert 6 <= complaints.count() <= 10
    assert not complaints.filter(handling_notes="").exists()
    assert QualityControl.objects.filter(project=seregno).count() >= 3
    indicators = ImpactIndicator.objects.filter(project=seregno).annotate(n=Count("values"))
    assert 4 <= indicators.count() <= 6
    assert all(indicator.n >= 5 for indicator in indicators if not indicator.formula)
    assert all(indicator.n == 0 for indicator in indicators if indicator.formula)
    assert indicators.exclude(formula="").count() == 3
    # The second project year (June 2024 – May 2025), as the annual synthesis will ask for it.
    year = quality_section(project=seregno, start=datetime.date(2024, 6, 1), end=datetime.date(2025, 5, 31))
    assert year["satisfaction"]["beneficiari"]["responses"] == 19
    assert 3 <= year["satisfaction"]["beneficiari"]["mean"] <= 5
    # Received 18/06/2024, 04/11/2024, 11/02/2025, 27/05/2025; the last one closed in June 2025.
    assert (year["complaints"]["received"], year["complaints"]["closed"], year["complaints"]["open"]) == (4, 3, 1)


def test_the_ufficio_di_piano_of_seregno_opens_every_quality_page(seregno):
    client = Client()
    client.force_login(User.objects.get(username="udp"))
    survey = SatisfactionSurvey.objects.filter(project=seregno).first()
    urls = [
        reverse("reporting:quality-index"),
        reverse("reporting:survey-list"),
        reverse("reporting:survey-results", args=[survey.pk]),
        reverse("reporting:survey-comments", args=[survey.pk]),
        survey.link_batches.first().get_absolute_url(),
        reverse("reporting:complaint-list"),
        Complaint.objects.filter(project=seregno).first().get_absolute_url(),
        reverse("reporting:control-list"),
        reverse("reporting:indicator-list"),
        ImpactIndicator.objects.filter(project=seregno).first().get_absolute_url(),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    other = Client()
    other.force_login(User.objects.get(username="assistente_somma"))
    assert other.get(survey.get_absolute_url()).status_code == 404
