"""`quality_section` against a hand-built project whose every expected figure is worked out by hand below,
for the first semester of 2024 (01/01/2024 – 30/06/2024, both days included)."""

import datetime
import itertools
import json

import pytest

from reporting import services
from reporting.quality import quality_section
from reporting.tests.conftest import answer, make_complaint, make_control, make_indicator, make_links, make_survey

D = datetime.date
START, END = D(2024, 1, 1), D(2024, 6, 30)
_numbers = itertools.count(1)


@pytest.fixture
def section(world):
    udp, coop = world.users.ufficio_piano, world.coop
    project = world.project

    # Complaints. Days to close of those closed in the period: 30, 10, 20 -> mean 20.0.
    make_complaint(
        project, udp, received_on=D(2023, 12, 10), channel="email", closed_on=D(2024, 1, 9), outcome="accolto"
    )
    make_complaint(
        project, udp, received_on=D(2024, 2, 1), channel="telefono", closed_on=D(2024, 2, 11), outcome="non_accolto"
    )
    make_complaint(
        project, udp, received_on=D(2024, 3, 1), channel="telefono", closed_on=D(2024, 3, 21), outcome="accolto"
    )
    make_complaint(
        project, udp, received_on=D(2024, 5, 15), channel="pec", handling_notes="Telefonata con la signora X"
    )
    make_complaint(
        project, udp, received_on=D(2024, 6, 20), channel="email", closed_on=D(2024, 7, 5), outcome="accolto"
    )
    make_complaint(project, udp, received_on=D(2024, 7, 10), channel="telefono")  # after the period
    make_complaint(
        project, udp, received_on=D(2023, 11, 1), channel="email", closed_on=D(2023, 11, 20), outcome="ritirato"
    )
    make_complaint(world.other.project, world.other.ufficio_piano, received_on=D(2024, 2, 1), channel="telefono")

    # Beneficiaries: three questionnaires in the period (one before it does not count).
    families = make_survey(project, udp, title="Famiglie 2024", statements=["Ascolto", "Utilità", "Orari"])
    answer(families, udp, [5, 4, 3], on=D(2024, 4, 10))
    answer(families, udp, [4, 4, None], on=D(2024, 4, 12))
    answer(families, udp, [3, 2, 1], on=D(2024, 5, 1), comment="Commento privato di una mamma")
    answer(families, udp, [1, 1, 1], on=D(2023, 12, 31))
    make_survey(project, udp, title="Famiglie 2023", statements=["Ascolto"])  # nobody answered in the period
    # Operators: one through a link on the last day, one on paper on the first day.
    operators = make_survey(
        project, udp, title="Operatori 2024", audience="operatori", statements=["Formazione", "Carico"]
    )
    items = list(operators.items.order_by("order"))
    link = make_links(operators, udp, count=1).links.get()
    services.survey_answer_by_link(link=link, scores={items[0].pk: 5, items[1].pk: 5}, comment="", on=END)
    answer(operators, udp, [4, None], on=START)
    other = make_survey(world.other.project, world.other.ufficio_piano, title="Altrove")
    answer(other, world.other.ufficio_piano, [1, 1, 1], on=D(2024, 3, 1))

    # Controls: three in the period, two of which asked for corrective actions.
    make_control(project, udp, coop, checked_on=D(2024, 2, 10), status="chiuso", corrective_actions="Inviare i CV")
    make_control(project, udp, coop, checked_on=D(2024, 3, 15), status="svolto", kind="in_loco")
    make_control(project, udp, coop, checked_on=END, status="azioni_in_corso", corrective_actions="Piano sostituzioni")
    make_control(project, udp, coop, checked_on=D(2024, 7, 1), status="programmato")

    # Indicators.
    make_indicator(
        project,
        name="Famiglie con esito A o B",
        values=[
            (D(2023, 6, 1), D(2023, 12, 31), "62"),
            (D(2024, 1, 1), D(2024, 6, 30), "70"),
            (D(2024, 7, 1), D(2024, 12, 31), "85"),
        ],
    )
    make_indicator(
        project,
        name="Tempo medio di attesa",
        unit="giorni",
        baseline=60,
        target=30,
        direction="lower",
        values=[(D(2023, 6, 1), D(2023, 12, 31), "28")],
    )
    make_indicator(project, name="Famiglie solidali", unit="famiglie", baseline=2, target=8)
    make_indicator(
        project, name="Stabilità dei servizi", unit="servizi", baseline=5, target=5, values=[(START, END, "6")]
    )
    make_indicator(world.other.project, name="Altro indicatore", values=[(START, END, "99")])

    return quality_section(project=project, start=START, end=END)


def test_the_section_is_plain_json(section):
    assert json.loads(json.dumps(section)) == section
    assert section["period"] == {"start": "2024-01-01", "end": "2024-06-30"}


def test_complaints_received_closed_and_open(section):
    complaints = section["complaints"]
    assert complaints["received"] == 4  # 01/02, 01/03, 15/05, 20/06
    assert complaints["closed"] == 3  # 09/01, 11/02, 21/03
    assert complaints["open"] == 2  # the one of 15/05, and the one of 20/06 closed only in July


def test_complaints_by_channel_and_by_outcome(section):
    complaints = section["complaints"]
    assert complaints["by_channel"] == {
        "telefono": 2,
        "email": 1,
        "pec": 1,
        "di_persona": 0,
        "modulo": 0,
        "lettera": 0,
        "altro": 0,
    }
    assert complaints["by_outcome"] == {
        "accolto": 2,
        "parzialmente_accolto": 0,
        "non_accolto": 1,
        "non_di_competenza": 0,
        "ritirato": 0,
    }


def test_mean_days_to_close(section):
    assert section["complaints"]["mean_days_to_close"] == 20.0  # (30 + 10 + 20) / 3


def test_satisfaction_of_beneficiaries(section):
    families = section["satisfaction"]["beneficiari"]
    assert families["responses"] == 3
    assert families["n"] == 8  # 3 + 2 + 3 scores
    assert families["mean"] == 3.25  # (12 + 8 + 6) / 8
    [survey] = families["surveys"]  # the 2023 survey had no answer in the period
    assert survey["title"] == "Famiglie 2024"
    assert (survey["responses"], survey["n"], survey["mean"]) == (3, 8, 3.25)
    assert [(i["order"], i["text"], i["n"], i["mean"]) for i in survey["items"]] == [
        (1, "Ascolto", 3, 4.0),  # 5, 4, 3
        (2, "Utilità", 3, 3.33),  # 4, 4, 2 -> 10 / 3
        (3, "Orari", 2, 2.0),  # 3, 1 (left blank once)
    ]


def test_satisfaction_of_operators(section):
    operators = section["satisfaction"]["operatori"]
    assert (operators["responses"], operators["n"], operators["mean"]) == (2, 3, 4.67)  # 14 / 3
    [survey] = operators["surveys"]
    assert [(i["n"], i["mean"]) for i in survey["items"]] == [(2, 4.5), (1, 5.0)]


def test_quality_controls(section):
    controls = section["quality_controls"]
    assert controls["total"] == 3
    assert controls["by_status"] == {"programmato": 0, "svolto": 1, "azioni_in_corso": 1, "chiuso": 1}
    assert controls["by_kind"]["ore"] == 2 and controls["by_kind"]["in_loco"] == 1
    assert sum(controls["by_kind"].values()) == 3
    assert controls["with_corrective_actions"] == 2


def test_impact_indicators_take_the_latest_value_by_the_end_of_the_period(section):
    indicators = {i["name"]: i for i in section["impact_indicators"]}
    assert list(indicators) == [
        "Famiglie con esito A o B",
        "Famiglie solidali",
        "Stabilità dei servizi",
        "Tempo medio di attesa",
    ]
    outcome = indicators["Famiglie con esito A o B"]
    assert (outcome["baseline"], outcome["target"], outcome["unit"]) == (60.0, 80.0, "%")
    assert outcome["latest"] == {"value": 70.0, "period_start": "2024-01-01", "period_end": "2024-06-30"}
    assert (outcome["reached"], outcome["progress_percent"]) == (False, 50.0)  # (70 - 60) / (80 - 60)
    waiting = indicators["Tempo medio di attesa"]
    assert waiting["latest"]["value"] == 28.0  # the value of 2023 is the latest by June 2024
    assert (waiting["direction"], waiting["reached"], waiting["progress_percent"]) == ("lower", True, 106.7)
    assert indicators["Famiglie solidali"]["latest"] is None
    assert indicators["Famiglie solidali"]["reached"] is None
    stable = indicators["Stabilità dei servizi"]
    assert (stable["reached"], stable["progress_percent"]) == (True, None)  # target equals baseline


def test_no_free_text_about_people_reaches_the_section(section):
    text = json.dumps(section, ensure_ascii=False)
    assert "Commento privato" not in text
    assert "signora X" not in text
    assert "Ritardo negli incontri" not in text  # complaint subjects stay in the register


def add_rows(world, n):
    udp = world.users.ufficio_piano
    for _ in range(n):
        k = next(_numbers)
        make_complaint(world.project, udp, received_on=D(2024, 2, 1), closed_on=D(2024, 2, 5), outcome="accolto")
        survey = make_survey(world.project, udp, title=f"Questionario {k}")
        answer(survey, udp, [4, 5, 3], on=D(2024, 3, 1), comment="Bene")
        make_control(world.project, udp, world.coop, checked_on=D(2024, 3, 1))
        make_indicator(world.project, name=f"Indicatore {k}", values=[(START, END, "65")])


def test_the_number_of_queries_does_not_grow_with_the_data(world, count_queries):
    add_rows(world, 1)
    with_one = count_queries(lambda: quality_section(project=world.project, start=START, end=END))
    add_rows(world, 29)
    with_thirty = count_queries(lambda: quality_section(project=world.project, start=START, end=END))
    assert with_one == with_thirty <= 8
    result = quality_section(project=world.project, start=START, end=END)
    assert result["complaints"]["received"] == 30
    assert result["satisfaction"]["beneficiari"]["responses"] == 30
