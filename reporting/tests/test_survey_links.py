"""The anonymous single-use link: it opens without login, takes one answer, then refuses kindly; unknown and
expired tokens are 404; the database never holds a token, and the answer is tied to nobody."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from reporting.models import SurveyLink, SurveyResponse, hash_token
from reporting.tests.conftest import make_links, make_survey

D = datetime.date


@pytest.fixture
def survey(world):
    return make_survey(world.project, world.users.ufficio_piano, title="Soddisfazione delle famiglie")


@pytest.fixture
def link(world, survey):
    return make_links(survey, world.users.ufficio_piano, count=1).links.get()


def answers_for(survey, scores, comment=""):
    data = {f"item_{item.pk}": str(score) for item, score in zip(survey.items.order_by("order"), scores, strict=False)}
    data["comment"] = comment
    return data


def test_anonymous_visitor_answers_once_and_is_thanked(client, survey, link):
    response = client.post(link.get_absolute_url(), answers_for(survey, [5, 4, 3], "Tutto bene"))
    assert response.status_code == 302
    assert response.url == reverse("reporting:survey-thanks")
    assert "Grazie" in client.get(response.url).content.decode()
    answer = SurveyResponse.objects.get()
    assert answer.channel == "link"
    assert answer.submitted_on == timezone.localdate()
    assert sorted(answer.answers.values_list("score", flat=True)) == [3, 4, 5]
    link.refresh_from_db()
    assert link.used


def test_a_used_link_is_refused_with_a_kind_message_and_records_nothing_more(client, survey, link):
    client.post(link.get_absolute_url(), answers_for(survey, [5, 4, 3]))
    again = client.post(link.get_absolute_url(), answers_for(survey, [1, 1, 1]))
    assert again.status_code == 410
    assert "già stato compilato" in again.content.decode()
    assert "Grazie" in again.content.decode()
    assert client.get(link.get_absolute_url()).status_code == 410
    assert SurveyResponse.objects.count() == 1


def test_the_printed_token_works_typed_in_lower_case_and_without_hyphens(client, survey, link):
    typed = link.printed_token.replace("-", "").lower()
    assert client.get(reverse("reporting:survey-answer", args=[typed])).status_code == 200


def test_an_unknown_token_answers_404(client, link):
    assert client.get(reverse("reporting:survey-answer", args=["AAAA-BBBB-CCCC-DDDD-EEEE"])).status_code == 404


def test_an_expired_link_answers_404(client, link):
    link.batch.created_on = link.batch.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    link.batch.save()
    assert client.get(link.get_absolute_url()).status_code == 404
    assert client.post(link.get_absolute_url(), {"comment": "tardi"}).status_code == 404


def test_an_answer_without_any_score_is_refused_in_italian_and_keeps_the_link(client, survey, link):
    response = client.post(link.get_absolute_url(), {"comment": "Solo un commento"})
    assert response.status_code == 200
    assert "Rispondi ad almeno una delle affermazioni" in response.content.decode()
    assert not SurveyResponse.objects.exists()
    link.refresh_from_db()
    assert not link.used


def test_a_score_outside_the_scale_is_refused(client, survey, link):
    response = client.post(link.get_absolute_url(), answers_for(survey, [7, 4, 3]))
    assert response.status_code == 200
    assert not SurveyResponse.objects.exists()


def test_the_database_holds_only_the_tokens_hash(world, survey):
    batch = make_links(survey, world.users.ufficio_piano, count=5)
    for link in batch.links.all():
        assert link.token_hash == hash_token(link.token)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM reporting_surveylink WHERE row_to_json(reporting_surveylink)::text ILIKE %s",
                [f"%{link.token}%"],
            )
            assert cursor.fetchone()[0] == 0
    assert len({link.token for link in batch.links.all()}) == 5


def test_the_answer_is_linked_to_no_person_and_no_link(client, survey, link):
    client.post(link.get_absolute_url(), answers_for(survey, [5, 4, 3]))
    answer = SurveyResponse.objects.get()
    assert answer.entered_by is None
    relations = {f.name for f in SurveyResponse._meta.get_fields() if f.is_relation}
    assert relations == {"survey", "entered_by", "answers"}
    assert not hasattr(SurveyLink, "used_on")


def test_udp_generates_a_batch_and_prints_qr_codes_without_external_resources(world, survey, client_for):
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:survey-links-create", args=[survey.pk])
    form = client.get(url).context["form"]
    data = {"count": "4", "expires_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat()}
    data["submission_token"] = form["submission_token"].initial
    response = client.post(url, data)
    batch = survey.link_batches.get()
    assert response.url == batch.get_absolute_url()
    sheet = client.get(response.url).content.decode()
    assert sheet.count("<svg") == 4
    for link in batch.links.all():
        assert link.printed_token in sheet
    assert "http://cdn" not in sheet and "https://cdn" not in sheet
    assert "<script>" not in sheet
    # A second submission of the same form makes no second batch.
    client.post(url, data)
    assert survey.link_batches.count() == 1


def test_used_links_are_not_printed_again(world, survey, client_for):
    batch = make_links(survey, world.users.ufficio_piano, count=2)
    first = batch.links.get(number=1)
    client_for(None).post(first.get_absolute_url(), answers_for(survey, [4, 4, 4]))
    sheet = client_for(world.users.ufficio_piano).get(batch.get_absolute_url()).content.decode()
    assert first.printed_token not in sheet
    assert batch.links.get(number=2).printed_token in sheet


def test_links_cannot_be_generated_with_an_expiry_in_the_past(world, survey, client_for):
    url = reverse("reporting:survey-links-create", args=[survey.pk])
    response = client_for(world.users.ufficio_piano).post(url, {"count": "3", "expires_on": "2020-01-01"})
    assert response.status_code == 200
    assert "non può essere nel passato" in response.content.decode()
    assert not survey.link_batches.exists()


def test_an_expired_batch_prints_no_links(world, survey, client_for):
    batch = make_links(survey, world.users.ufficio_piano, count=2)
    batch.created_on = batch.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    batch.save()
    sheet = client_for(world.users.ufficio_piano).get(batch.get_absolute_url()).content.decode()
    assert "<svg" not in sheet
    assert "sono scaduti" in sheet


def test_after_a_key_change_old_links_still_open_but_are_not_reprinted(world, survey, client_for, settings):
    batch = make_links(survey, world.users.ufficio_piano, count=2)
    printed = [link.get_absolute_url() for link in batch.links.all()]
    settings.SECRET_KEY = "another-secret-key-after-a-rotation-0123456789-abcdefghij"
    assert all(client_for(None).get(url).status_code == 200 for url in printed)
    sheet = client_for(world.users.ufficio_piano).get(batch.get_absolute_url()).content.decode()
    assert "<svg" not in sheet
    assert "non si possono ristampare" in sheet


# --- "Valid until" and the collection period (issue 14 §5) -----------------------------------------------------


def links_page(world, survey, client_for):
    client = client_for(world.users.ufficio_piano)
    return client, reverse("reporting:survey-links-create", args=[survey.pk])


@freeze_time("2026-12-02")
def test_valid_until_defaults_to_the_end_of_the_collection_period(world, client_for):
    survey = make_survey(
        world.project, world.users.ufficio_piano, period_start=datetime.date(2026, 11, 1), period_end=D(2027, 1, 31)
    )
    client, url = links_page(world, survey, client_for)
    page = client.get(url)
    assert page.context["form"]["expires_on"].value() == D(2027, 1, 31)
    html = page.content.decode()
    assert "La rilevazione va dal 01/11/2026 al 31/01/2027." in html
    assert "si è chiusa" not in html


@freeze_time("2026-12-02")
def test_the_form_warns_when_the_collection_period_is_over_and_proposes_no_date(world, survey, client_for):
    client, url = links_page(world, survey, client_for)
    page = client.get(url)
    assert page.context["form"]["expires_on"].value() is None
    html = page.content.decode()
    assert 'id="form-warning"' in html
    assert "La rilevazione di questo questionario si è chiusa il 31/05/2024" in html


@freeze_time("2026-12-02")
def test_a_success_message_says_how_many_links_and_until_when(world, client_for):
    survey = make_survey(
        world.project, world.users.ufficio_piano, period_start=datetime.date(2026, 11, 1), period_end=D(2027, 1, 31)
    )
    client, url = links_page(world, survey, client_for)
    for count, expected in [
        ("4", "Generati 4 link validi fino al 31/01/2027: stampali e consegnali, uno per persona."),
        ("1", "Generato 1 link valido fino al 31/01/2027: stampalo e consegnalo."),
    ]:
        token = client.get(url).context["form"]["submission_token"].initial
        data = {"count": count, "expires_on": "2027-01-31", "submission_token": token}
        response = client.post(url, data, follow=True)
        assert [str(m) for m in response.context["messages"]] == [expected]
    assert sorted(b.links.count() for b in survey.link_batches.all()) == [1, 4]
