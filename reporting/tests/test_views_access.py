"""Every page of the quality section: anonymous visitors go to the login (the public questionnaire excepted),
other ambiti get 404, each role gets the page (200) or a refusal (403), and a refused POST changes nothing."""

import pytest
from django.urls import reverse

from reporting.models import Complaint, SatisfactionSurvey
from reporting.tests.conftest import make_complaint, make_survey

ROLES = ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "admin"]
MANAGE = {"ufficio_piano", "admin"}
READ = {"ufficio_piano", "coordinatore", "admin"}
READ_AND_PARTNER = READ | {"referente_ente"}

# name -> (URL from the world and its quality data, roles that get 200; every other role gets 403)
PAGES = {
    "quality-index": (lambda w, q: reverse("reporting:quality-index"), READ_AND_PARTNER),
    "survey-list": (lambda w, q: reverse("reporting:survey-list"), READ_AND_PARTNER),
    "survey-create": (lambda w, q: reverse("reporting:survey-create"), MANAGE),
    "survey-detail": (lambda w, q: reverse("reporting:survey-detail", args=[q.survey.pk]), READ_AND_PARTNER),
    "survey-edit": (lambda w, q: reverse("reporting:survey-edit", args=[q.survey.pk]), MANAGE),
    "survey-results": (lambda w, q: reverse("reporting:survey-results", args=[q.survey.pk]), READ_AND_PARTNER),
    "survey-comments": (lambda w, q: reverse("reporting:survey-comments", args=[q.survey.pk]), MANAGE),
    "survey-response-create": (
        lambda w, q: reverse("reporting:survey-response-create", args=[q.survey.pk]),
        MANAGE | {"referente_ente"},
    ),
    "survey-links-create": (lambda w, q: reverse("reporting:survey-links-create", args=[q.survey.pk]), MANAGE),
    "survey-batch-print": (lambda w, q: reverse("reporting:survey-batch-print", args=[q.batch.pk]), MANAGE),
    "complaint-list": (lambda w, q: reverse("reporting:complaint-list"), READ_AND_PARTNER),
    "complaint-create": (lambda w, q: reverse("reporting:complaint-create"), MANAGE | {"referente_ente"}),
    "complaint-detail": (lambda w, q: reverse("reporting:complaint-detail", args=[q.complaint.pk]), READ_AND_PARTNER),
    "complaint-edit": (lambda w, q: reverse("reporting:complaint-edit", args=[q.complaint.pk]), MANAGE),
    "control-list": (lambda w, q: reverse("reporting:control-list"), READ),
    "control-create": (lambda w, q: reverse("reporting:control-create"), MANAGE),
    "control-detail": (lambda w, q: reverse("reporting:control-detail", args=[q.control.pk]), READ),
    "control-edit": (lambda w, q: reverse("reporting:control-edit", args=[q.control.pk]), MANAGE),
    "indicator-list": (lambda w, q: reverse("reporting:indicator-list"), READ),
    "indicator-create": (lambda w, q: reverse("reporting:indicator-create"), MANAGE),
    "indicator-detail": (lambda w, q: reverse("reporting:indicator-detail", args=[q.indicator.pk]), READ),
    "indicator-edit": (lambda w, q: reverse("reporting:indicator-edit", args=[q.indicator.pk]), MANAGE),
    "indicator-value-create": (
        lambda w, q: reverse("reporting:indicator-value-create", args=[q.indicator.pk]),
        MANAGE,
    ),
    "indicator-value-edit": (
        lambda w, q: reverse("reporting:indicator-value-edit", args=[q.indicator.values.get().pk]),
        MANAGE,
    ),
}

# The same object pages, filled with the other ambito's objects.
OTHER_AMBITO_PAGES = {
    "survey-detail": lambda q: reverse("reporting:survey-detail", args=[q.other_survey.pk]),
    "survey-edit": lambda q: reverse("reporting:survey-edit", args=[q.other_survey.pk]),
    "survey-results": lambda q: reverse("reporting:survey-results", args=[q.other_survey.pk]),
    "survey-comments": lambda q: reverse("reporting:survey-comments", args=[q.other_survey.pk]),
    "survey-response-create": lambda q: reverse("reporting:survey-response-create", args=[q.other_survey.pk]),
    "survey-links-create": lambda q: reverse("reporting:survey-links-create", args=[q.other_survey.pk]),
    "survey-batch-print": lambda q: reverse("reporting:survey-batch-print", args=[q.other_batch.pk]),
    "complaint-detail": lambda q: reverse("reporting:complaint-detail", args=[q.other_complaint.pk]),
    "complaint-edit": lambda q: reverse("reporting:complaint-edit", args=[q.other_complaint.pk]),
    "control-detail": lambda q: reverse("reporting:control-detail", args=[q.other_control.pk]),
    "control-edit": lambda q: reverse("reporting:control-edit", args=[q.other_control.pk]),
    "indicator-detail": lambda q: reverse("reporting:indicator-detail", args=[q.other_indicator.pk]),
    "indicator-edit": lambda q: reverse("reporting:indicator-edit", args=[q.other_indicator.pk]),
    "indicator-value-create": lambda q: reverse("reporting:indicator-value-create", args=[q.other_indicator.pk]),
}
OBJECT_PAGES = sorted(OTHER_AMBITO_PAGES) + ["indicator-value-edit"]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_visitor_is_sent_to_the_login(world, quality, client, name):
    response = client.get(PAGES[name][0](world, quality))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_page_or_a_refusal(world, quality, client_for, name, role):
    build_url, allowed = PAGES[name]
    response = client_for(getattr(world.users, role)).get(build_url(world, quality))
    assert response.status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize("name", sorted(OTHER_AMBITO_PAGES))
@pytest.mark.parametrize("role", ["ufficio_piano", "coordinatore", "referente_ente"])
def test_another_ambitos_object_answers_404(world, quality, client_for, name, role):
    response = client_for(getattr(world.users, role)).get(OTHER_AMBITO_PAGES[name](quality))
    assert response.status_code == 404


@pytest.mark.parametrize("name", OBJECT_PAGES)
@pytest.mark.parametrize("outsider", ["outsider", "ufficio_piano"])
def test_users_of_the_other_ambito_get_404_for_our_objects(world, quality, client_for, name, outsider):
    url = PAGES[name][0](world, quality)
    assert client_for(getattr(world.other, outsider)).get(url).status_code == 404


def test_admin_sees_every_ambitos_objects(world, quality, client_for):
    client = client_for(world.users.admin)
    for name, build_url in OTHER_AMBITO_PAGES.items():
        assert client.get(build_url(quality)).status_code == 200, name


def test_referente_ente_gets_404_for_a_complaint_about_another_organisation(world, quality, client_for):
    complaint = make_complaint(world.project, world.users.ufficio_piano, organisation=world.other_coop)
    client = client_for(world.users.referente_ente)
    assert client.get(reverse("reporting:complaint-detail", args=[complaint.pk])).status_code == 404
    listed = client.get(reverse("reporting:complaint-list")).context["page"]
    assert {c.pk for c in listed} == {quality.complaint.pk}


def test_referente_ente_gets_404_for_a_survey_of_a_project_without_its_organisation(world, client_for):
    from tests import factories as f

    project = f.make_project(world.ambito)  # the cooperative is not a partner of it
    survey = make_survey(project, world.users.ufficio_piano, title="Altro progetto")
    client = client_for(world.users.referente_ente)
    assert client.get(reverse("reporting:survey-detail", args=[survey.pk])).status_code == 404
    assert client_for(world.users.coordinatore).get(survey.get_absolute_url()).status_code == 200


def test_the_public_questionnaire_needs_no_login(world, quality, client):
    link = quality.batch.links.first()
    assert client.get(link.get_absolute_url()).status_code == 200


def test_nav_shows_quality_to_the_roles_that_may_open_it(world, client_for):
    for role in ROLES:
        page = client_for(getattr(world.users, role)).get(reverse("dashboard")).content.decode()
        assert (reverse("reporting:quality-index") in page) == (role in READ_AND_PARTNER), role


# --- Refused writes change nothing ------------------------------------------------------------------------


def complaint_form(world, **fields):
    data = {
        "project": world.project.pk,
        "received_on": "2024-03-01",
        "channel": "email",
        "subject": "Oggetto cambiato",
        "organisation": world.coop.pk,
        "handling_notes": "",
        "closed_on": "2024-03-10",
        "outcome": "accolto",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("role", ["coordinatore", "case_manager", "operatore", "referente_ente"])
def test_refused_post_to_edit_a_complaint_changes_nothing(world, quality, client_for, role):
    url = reverse("reporting:complaint-edit", args=[quality.complaint.pk])
    response = client_for(getattr(world.users, role)).post(url, complaint_form(world))
    assert response.status_code == 403
    quality.complaint.refresh_from_db()
    assert (quality.complaint.subject, quality.complaint.closed_on) == ("Ritardo negli incontri", None)


@pytest.mark.parametrize("role", ["coordinatore", "case_manager", "operatore", "referente_ente"])
def test_refused_post_to_create_a_survey_creates_nothing(world, client_for, role):
    data = {
        "project": world.project.pk,
        "audience": "beneficiari",
        "title": "Non dovrebbe esistere",
        "period_start": "2024-04-01",
        "period_end": "2024-05-31",
        "statements": "Una\nDue",
    }
    response = client_for(getattr(world.users, role)).post(reverse("reporting:survey-create"), data)
    assert response.status_code == 403
    assert not SatisfactionSurvey.objects.filter(title="Non dovrebbe esistere").exists()


@pytest.mark.parametrize("role", ["case_manager", "operatore"])
def test_refused_post_of_a_complaint_creates_nothing(world, client_for, role):
    response = client_for(getattr(world.users, role)).post(
        reverse("reporting:complaint-create"), complaint_form(world, subject="Nuovo")
    )
    assert response.status_code == 403
    assert not Complaint.objects.filter(subject="Nuovo").exists()


def test_outsider_post_to_our_complaint_is_404_and_changes_nothing(world, quality, client_for):
    url = reverse("reporting:complaint-edit", args=[quality.complaint.pk])
    response = client_for(world.other.ufficio_piano).post(url, complaint_form(world))
    assert response.status_code == 404
    quality.complaint.refresh_from_db()
    assert quality.complaint.subject == "Ritardo negli incontri"


def test_refused_paper_entry_records_nothing(world, quality, client_for):
    url = reverse("reporting:survey-response-create", args=[quality.survey.pk])
    item = quality.survey.items.first()
    response = client_for(world.users.coordinatore).post(url, {"submitted_on": "2024-04-10", f"item_{item.pk}": "5"})
    assert response.status_code == 403
    assert quality.survey.responses.count() == 1
