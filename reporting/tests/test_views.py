"""What the quality pages do: forms that save whole or not at all with an Italian message, the register's
filters, results with Italian numbers, dates as gg/mm/aaaa."""

import datetime

import pytest
from django.urls import reverse

from reporting.models import (
    Complaint,
    ImpactIndicator,
    IndicatorValue,
    QualityControl,
    SatisfactionSurvey,
    SurveyItem,
    SurveyResponse,
)
from reporting.tests.conftest import answer, make_complaint, make_indicator, make_survey

D = datetime.date


def post_form(client, url, data):
    """Post a portal form the way a browser does, with the token of the page just rendered."""
    form = client.get(url).context["form"]
    return client.post(url, {"submission_token": form["submission_token"].initial, **data})


def survey_data(world, **fields):
    data = {
        "project": world.project.pk,
        "audience": "beneficiari",
        "title": "Soddisfazione delle famiglie 2025",
        "period_start": "2025-04-01",
        "period_end": "2025-05-31",
        "introduction": "",
        "statements": "Mi sono sentito ascoltato.\n\n  Gli incontri erano utili.  \nConsiglierei il percorso.",
    }
    data.update(fields)
    return data


# --- Surveys ---------------------------------------------------------------------------------------------


def test_udp_creates_a_survey_with_its_statements_in_order(world, client_for):
    client = client_for(world.users.ufficio_piano)
    response = post_form(client, reverse("reporting:survey-create"), survey_data(world))
    survey = SatisfactionSurvey.objects.get()
    assert response.url == survey.get_absolute_url()
    assert list(survey.items.order_by("order").values_list("order", "text")) == [
        (1, "Mi sono sentito ascoltato."),
        (2, "Gli incontri erano utili."),
        (3, "Consiglierei il percorso."),
    ]
    assert survey.created_by == world.users.ufficio_piano


def test_a_survey_ending_before_it_starts_is_refused_in_italian_and_nothing_is_saved(world, client_for):
    client = client_for(world.users.ufficio_piano)
    response = post_form(client, reverse("reporting:survey-create"), survey_data(world, period_end="2025-03-01"))
    assert response.status_code == 200
    assert "La fine della rilevazione non può precedere l&#x27;inizio." in response.content.decode()
    assert not SatisfactionSurvey.objects.exists() and not SurveyItem.objects.exists()


def test_a_survey_without_statements_is_refused(world, client_for):
    client = client_for(world.users.ufficio_piano)
    response = post_form(client, reverse("reporting:survey-create"), survey_data(world, statements="  \n "))
    assert "Scrivi almeno un&#x27;affermazione." in response.content.decode()
    assert not SatisfactionSurvey.objects.exists()


def test_two_surveys_with_the_same_title_in_a_project_are_refused(world, client_for):
    make_survey(world.project, world.users.ufficio_piano, title="Soddisfazione delle famiglie 2025")
    client = client_for(world.users.ufficio_piano)
    response = post_form(client, reverse("reporting:survey-create"), survey_data(world))
    assert "Esiste già un questionario con questo titolo nel progetto." in response.content.decode()
    assert SatisfactionSurvey.objects.count() == 1


def test_a_double_submit_creates_one_survey(world, client_for):
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:survey-create")
    token = client.get(url).context["form"]["submission_token"].initial
    client.post(url, {"submission_token": token, **survey_data(world)})
    client.post(url, {"submission_token": token, **survey_data(world)})
    assert SatisfactionSurvey.objects.count() == 1


def test_statements_can_change_until_the_first_answer(world, client_for):
    udp = world.users.ufficio_piano
    survey = make_survey(world.project, udp, title="Da rivedere")
    client = client_for(udp)
    url = reverse("reporting:survey-edit", args=[survey.pk])
    client.post(url, survey_data(world, title="Da rivedere", statements="Nuova prima\nNuova seconda"))
    assert list(survey.items.values_list("text", flat=True)) == ["Nuova prima", "Nuova seconda"]
    answer(survey, udp, [4, 4])
    client.post(url, survey_data(world, title="Rivisto", statements="Cambiata ancora"))
    survey.refresh_from_db()
    assert survey.title == "Rivisto"
    assert list(survey.items.values_list("text", flat=True)) == ["Nuova prima", "Nuova seconda"]
    assert "non si possono più cambiare" in client.get(url).content.decode()


def test_referente_types_in_a_paper_questionnaire_and_gets_a_fresh_form(world, client_for):
    survey = make_survey(world.project, world.users.ufficio_piano)
    first, second, third = survey.items.order_by("order")
    client = client_for(world.users.referente_ente)
    url = reverse("reporting:survey-response-create", args=[survey.pk])
    data = {"submitted_on": "2024-04-10", f"item_{first.pk}": "5", f"item_{third.pk}": "2", "comment": "Bene"}
    response = post_form(client, url, data)
    assert response.url == url
    recorded = SurveyResponse.objects.get()
    assert (recorded.channel, recorded.entered_by, recorded.submitted_on) == (
        "carta",
        world.users.referente_ente,
        D(2024, 4, 10),
    )
    assert dict(recorded.answers.values_list("item__order", "score")) == {1: 5, 3: 2}


def test_a_paper_questionnaire_without_scores_or_dated_in_the_future_is_refused(world, client_for):
    survey = make_survey(world.project, world.users.ufficio_piano)
    item = survey.items.first()
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:survey-response-create", args=[survey.pk])
    empty = post_form(client, url, {"submitted_on": "2024-04-10", "comment": "Solo commento"})
    assert "Rispondi ad almeno una delle affermazioni." in empty.content.decode()
    future = post_form(client, url, {"submitted_on": "2099-01-01", f"item_{item.pk}": "3"})
    assert "La data non può essere nel futuro." in future.content.decode()
    assert not SurveyResponse.objects.exists()


def test_results_show_per_statement_n_mean_and_distribution_in_italian(world, client_for):
    udp = world.users.ufficio_piano
    survey = make_survey(world.project, udp)
    answer(survey, udp, [5, 4, 3])
    answer(survey, udp, [4, 4, None])
    answer(survey, udp, [4, 2, 1])
    response = client_for(world.users.coordinatore).get(reverse("reporting:survey-results", args=[survey.pk]))
    results = response.context["results"]
    assert results["responses"] == {"total": 3, "carta": 3, "link": 0}
    assert (results["n"], results["mean"]) == (8, 3.38)  # 27 / 8 = 3.375
    first = results["items"][0]
    assert (first["n"], first["mean"]) == (3, 4.33)
    assert [cell["count"] for cell in first["distribution"]] == [0, 0, 0, 2, 1]
    assert [cell["percent"] for cell in first["distribution"]] == [0, 0, 0, 67, 33]
    page = response.content.decode()
    assert "4,33" in page and "3,38" in page
    assert "Commenti liberi" not in page  # the coordinatore does not read comments


def test_comments_are_read_by_the_ufficio_di_piano_only(world, client_for):
    udp = world.users.ufficio_piano
    survey = make_survey(world.project, udp)
    answer(survey, udp, [4], comment="Il gruppo genitori è stato prezioso.", on=D(2024, 4, 10))
    page = client_for(udp).get(reverse("reporting:survey-comments", args=[survey.pk])).content.decode()
    assert "Il gruppo genitori è stato prezioso." in page
    assert "10/04/2024" in page


# --- Complaints ------------------------------------------------------------------------------------------


def complaint_data(world, **fields):
    data = {
        "project": world.project.pk,
        "received_on": "2024-03-01",
        "channel": "telefono",
        "protocol_number": "",
        "subject": "Incontro annullato senza avviso",
        "organisation": world.coop.pk,
        "handling_notes": "",
        "closed_on": "",
        "outcome": "",
    }
    data.update(fields)
    return data


def test_udp_registers_and_closes_a_complaint_and_sees_the_days_to_close(world, client_for):
    client = client_for(world.users.ufficio_piano)
    post_form(client, reverse("reporting:complaint-create"), complaint_data(world))
    complaint = Complaint.objects.get()
    assert complaint.is_open and complaint.created_by == world.users.ufficio_piano
    edit = reverse("reporting:complaint-edit", args=[complaint.pk])
    client.post(edit, complaint_data(world, closed_on="2024-03-15", outcome="accolto", handling_notes="Recuperato."))
    complaint.refresh_from_db()
    assert (complaint.outcome, complaint.days_to_close) == ("accolto", 14)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "01/03/2024" in page and "15/03/2024" in page and "Accolto" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"closed_on": "2024-02-01", "outcome": "accolto"},
            "La data di chiusura non può precedere la data di ricezione.",
        ),
        ({"closed_on": "2024-03-10"}, "Un reclamo chiuso ha sia la data di chiusura sia l&#x27;esito"),
        ({"outcome": "accolto"}, "Un reclamo chiuso ha sia la data di chiusura sia l&#x27;esito"),
        ({"received_on": "2099-01-01"}, "La data non può essere nel futuro."),
        ({"subject": ""}, "Questo campo è obbligatorio."),
    ],
)
def test_a_wrong_complaint_is_refused_in_italian_and_nothing_is_saved(world, client_for, fields, message):
    client = client_for(world.users.ufficio_piano)
    response = post_form(client, reverse("reporting:complaint-create"), complaint_data(world, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_referente_registers_complaints_about_its_own_organisation_only(world, client_for):
    client = client_for(world.users.referente_ente)
    url = reverse("reporting:complaint-create")
    form = client.get(url).context["form"]
    assert "closed_on" not in form.fields and "outcome" not in form.fields
    refused = post_form(client, url, complaint_data(world, organisation=world.other_coop.pk))
    assert "Scegli un&#x27;opzione valida" in refused.content.decode()
    post_form(client, url, complaint_data(world))
    complaint = Complaint.objects.get()
    assert complaint.organisation == world.coop
    assert client.get(complaint.get_absolute_url()).status_code == 200


def test_an_organisation_of_another_ambito_cannot_be_chosen(world, client_for):
    client = client_for(world.users.ufficio_piano)
    response = post_form(
        client, reverse("reporting:complaint-create"), complaint_data(world, organisation=world.other.organisation.pk)
    )
    assert response.status_code == 200
    assert not Complaint.objects.exists()


def test_the_register_filters_by_state_channel_and_text(world, client_for):
    udp = world.users.ufficio_piano
    open_one = make_complaint(world.project, udp, subject="Orari del gruppo", channel="email")
    closed = make_complaint(world.project, udp, subject="Ritardo", closed_on=D(2024, 3, 5), outcome="accolto")
    client = client_for(world.users.coordinatore)

    def listed(query):
        return [c.pk for c in client.get(reverse("reporting:complaint-list") + query).context["page"]]

    assert listed("?status=aperti") == [open_one.pk]
    assert listed("?status=chiusi") == [closed.pk]
    assert listed("?channel=email") == [open_one.pk]
    assert listed("?q=orari") == [open_one.pk]
    assert listed("?received_from=2099-01-01") == []


# --- Controls and indicators -----------------------------------------------------------------------------


def test_a_control_with_actions_in_progress_needs_the_actions_described(world, client_for):
    client = client_for(world.users.ufficio_piano)
    data = {
        "project": world.project.pk,
        "checked_on": "2024-05-01",
        "organisation": world.coop.pk,
        "kind": "ore",
        "scope": "Fogli presenza di aprile",
        "findings": "Due giornate senza firma",
        "corrective_actions": "",
        "follow_up_on": "2024-04-01",
        "status": "azioni_in_corso",
    }
    response = post_form(client, reverse("reporting:control-create"), data)
    page = response.content.decode()
    assert "descrivi le azioni correttive" in page
    assert "La verifica successiva non può precedere la data del controllo." in page
    assert not QualityControl.objects.exists()
    data.update(corrective_actions="Far firmare i fogli mancanti", follow_up_on="2024-06-01")
    post_form(client, reverse("reporting:control-create"), data)
    assert QualityControl.objects.get().status == "azioni_in_corso"


def test_an_indicator_target_must_follow_its_direction(world, client_for):
    client = client_for(world.users.ufficio_piano)
    data = {
        "project": world.project.pk,
        "name": "Tempo di attesa",
        "unit": "giorni",
        "direction": "lower",
        "baseline": "60",
        "target": "90",
        "method": "",
    }
    response = post_form(client, reverse("reporting:indicator-create"), data)
    assert "L&#x27;obiettivo deve andare nella direzione indicata" in response.content.decode()
    assert not ImpactIndicator.objects.exists()
    post_form(client, reverse("reporting:indicator-create"), {**data, "target": "30,5"})
    assert str(ImpactIndicator.objects.get().target) == "30.50"


def test_indicator_values_are_typed_the_italian_way_and_one_per_period_end(world, client_for):
    indicator = make_indicator(world.project)
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:indicator-value-create", args=[indicator.pk])
    data = {"period_start": "2024-01-01", "period_end": "2024-06-30", "value": "72,5", "notes": ""}
    post_form(client, url, data)
    assert IndicatorValue.objects.get().value == pytest.approx(72.5)
    again = post_form(client, url, {**data, "value": "73"})
    assert "già un valore per un periodo che finisce in questa data" in again.content.decode()
    assert IndicatorValue.objects.count() == 1


def test_the_indicator_list_compares_the_latest_value_with_the_target(world, client_for):
    make_indicator(
        world.project,
        values=[(D(2023, 6, 1), D(2023, 12, 31), "62"), (D(2024, 1, 1), D(2024, 6, 30), "70")],
    )
    page = client_for(world.users.coordinatore).get(reverse("reporting:indicator-list")).content.decode()
    assert "70,00" in page and "80,00" in page and "60,00" in page
    assert "01/01/2024 – 30/06/2024" in page
    assert "non ancora raggiunto" in page and "50% del percorso" in page


def test_quality_index_shows_open_complaints(world, client_for):
    make_complaint(world.project, world.users.ufficio_piano)
    page = client_for(world.users.referente_ente).get(reverse("reporting:quality-index")).content.decode()
    assert "reclami aperti" in page or "reclamo aperto" in page
    assert reverse("reporting:control-list") not in page  # the referent does not see the controls
