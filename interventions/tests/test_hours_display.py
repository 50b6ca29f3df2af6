"""Recorded time shown one way (h:mm) and the answer of a saved grid cell: the cell, then its row's, day's and week's
totals out of band (issue 14, §1); the cell's save costs the same queries whatever the number of families."""

import datetime
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions import services
from interventions.models import TimeEntry
from pippi_portal.formatting import format_minutes
from pippi_portal.templatetags.portal import minutes_as_hours, minutes_as_hours_blank

from .conftest import SEDT_START
from .test_query_counts import add_sedt_families

DAY = SEDT_START + datetime.timedelta(days=1)  # Tuesday 19/03/2024


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(90, "1:30"), (100, "1:40"), (5, "0:05"), (60, "1:00"), (600, "10:00"), (1440, "24:00"), (45_030, "750:30")],
)
def test_minutes_are_shown_as_hours_and_minutes(minutes, shown):
    assert format_minutes(minutes) == shown
    assert minutes_as_hours(minutes) == shown
    assert minutes_as_hours_blank(minutes) == shown


def test_a_third_of_an_hour_and_more_is_never_a_decimal():
    assert [format_minutes(m) for m in (20, 40, 100, 110)] == ["0:20", "0:40", "1:40", "1:50"]


def test_no_minutes_are_zero_in_a_total_and_blank_in_a_cell():
    assert (minutes_as_hours(0), minutes_as_hours(None)) == ("0:00", "0:00")
    assert (minutes_as_hours_blank(0), minutes_as_hours_blank(None), format_minutes(0)) == ("", "", "")


def test_the_filters_read_the_same_in_a_template():
    template = Template(
        "{% load portal %}{{ a|minutes_as_hours }} {{ b|minutes_as_hours }} [{{ c|minutes_as_hours_blank }}]"
    )
    assert template.render(Context({"a": 100, "b": 0, "c": 0})) == "1:40 0:00 []"


class Elements(HTMLParser):
    """Each element with an id: its tag, attributes and text (enough to read an htmx answer)."""

    def __init__(self, html: str):
        super().__init__()
        self.found, self.open = {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.found[attrs["id"]] = {"tag": tag, "attrs": attrs, "text": ""}
        if tag != "input":
            self.open.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag != "input" and self.open:
            self.open.pop()

    def handle_data(self, data):
        for element_id in filter(None, self.open):
            self.found[element_id]["text"] += data


def post_cell(client, row: str, value: str, day: datetime.date = DAY):
    return client.post(
        reverse("interventions:cell-save"),
        {"row": row, "date": day.isoformat(), "value": value},
        HTTP_HX_REQUEST="true",
    )


def test_a_saved_cell_comes_back_with_its_totals_out_of_band(world, client_for, sedt):
    educator = world.users.operatore
    services.time_entry_set(user=educator, day=DAY, activity="coordinamento", minutes=40)
    services.time_entry_set(user=educator, day=DAY + datetime.timedelta(days=2), activity="coordinamento", minutes=60)
    row = f"diretta_famiglia:{sedt.family.pk}"
    response = post_cell(client_for(educator), row, "1,5")
    assert response.status_code == 200
    html = response.content.decode()
    found = Elements(html).found
    cell = found[f"cell-diretta_famiglia{sedt.family.pk}-20240319"]
    assert (cell["tag"], cell["attrs"]["value"]) == ("input", "1:30")
    assert "is-saved" in cell["attrs"]["class"] and "salvato" in html
    oob = {key: value for key, value in found.items() if "hx-swap-oob" in value["attrs"]}
    assert {key: (value["tag"], value["text"].strip()) for key, value in oob.items()} == {
        f"total-diretta_famiglia{sedt.family.pk}": ("td", "1:30"),
        "day-total-20240319": ("td", "2:10"),
        "week-total": ("td", "3:10"),
    }
    # A <td> cannot stand alone in an HTML fragment: each is wrapped in a <template>, which htmx unwraps.
    assert html.count("<template><td") == 3
    assert "table-warning" not in html


def test_the_totals_ids_are_those_of_the_page(world, client_for, sedt):
    client = client_for(world.users.operatore)
    page = Elements(client.get(reverse("interventions:week") + f"?settimana={SEDT_START.isoformat()}").content.decode())
    answer = Elements(post_cell(client, "coordinamento:", "2").content.decode())
    for element_id in ("total-coordinamento", "day-total-20240319", "week-total", "cell-coordinamento-20240319"):
        assert element_id in page.found and element_id in answer.found
    assert answer.found["total-coordinamento"]["text"].strip() == "2:00"


def test_a_refused_cell_keeps_its_value_and_the_totals_stay_as_saved(world, client_for, sedt):
    educator = world.users.operatore
    services.time_entry_set(user=educator, day=DAY, activity="formazione", minutes=23 * 60)
    response = post_cell(client_for(educator), "coordinamento:", "2")
    found = Elements(response.content.decode()).found
    cell = found["cell-coordinamento-20240319"]
    assert "is-invalid" in cell["attrs"]["class"] and cell["attrs"]["value"] == "2"
    assert cell["attrs"]["aria-describedby"] == "err-coordinamento-20240319"
    assert found["err-coordinamento-20240319"]["text"] == (
        "In un giorno non si possono registrare più di 24 ore: il totale del 19/03 sarebbe 25:00 h."
    )
    assert found["total-coordinamento"]["text"].strip() == "0:00"
    assert "giornata oltre 10:00 h" in found["day-total-20240319"]["text"]  # 23 h: the long day is flagged
    assert "table-warning" in found["day-total-20240319"]["attrs"]["class"]
    assert TimeEntry.objects.filter(activity="coordinamento").count() == 0


def test_a_cell_the_grid_never_makes_has_no_totals(world, client_for):
    response = post_cell(client_for(world.users.operatore), "coordinamento:12", "2")
    assert response.status_code == 400
    assert "hx-swap-oob" not in response.content.decode()


def test_saving_a_cell_costs_the_same_queries_at_1_and_at_30_families(world, client_for, advance):
    """The save's own checks and write (service `time_entry_set`), then one query for the three totals. The
    savepoints (with pghistory's context) are left out: they are transaction control, not reads or writes."""
    client = client_for(world.users.operatore)
    add_sedt_families(world, 1, advance)
    family = TimeEntry._meta.get_field("family").related_model.objects.order_by("pk").first()
    row = f"diretta_famiglia:{family.pk}"
    post_cell(client, row, "1")

    def statements(value: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            post_cell(client, row, value)
        return [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]

    one = statements("2")
    add_sedt_families(world, 29, advance)
    thirty = statements("3")
    assert TimeEntry.objects.get(family=family).minutes == 180
    assert len(one) == len(thirty) <= 12  # the family read with its project, the timesheet with its project
    assert sum('FILTER (WHERE ("interventions_timeentry"."activity"' in sql for sql in one) == 1  # the totals


def test_hours_typed_as_1_40_read_1_40_on_the_timesheet_its_pdf_and_the_family_pages(world, client_for, sedt):
    """One display everywhere: the timesheet page and its PDF, the family's interventions page (hours per activity,
    SEDT weeks) and the family timeline's hours of the month; never "1,67" or "1,7"."""
    from .test_pdf import pdf_text

    educator = world.users.operatore
    services.time_entry_set(user=educator, day=DAY, activity="diretta_famiglia", minutes=100, family=sedt.family)
    sheet = TimeEntry.objects.get().timesheet
    owner = client_for(educator)
    page = owner.get(sheet.get_absolute_url()).content.decode()
    pdf = pdf_text(owner.get(reverse("interventions:timesheet-pdf", args=[sheet.pk])).getvalue())
    case_manager = client_for(world.users.case_manager)
    interventions = case_manager.get(reverse("interventions:family", args=[sedt.family.pk])).content.decode()
    timeline = case_manager.get(reverse("families:family-detail", args=[sedt.family.pk])).content.decode()
    assert ">1:40<" in page and "Totale ore del mese" in pdf and "1:40" in pdf
    assert ">1:40<" in interventions  # the hours per activity and the SEDT week of 18/03/2024
    assert "1:40 h" in timeline
    for shown in (page, pdf, interventions, timeline):
        assert "1,67" not in shown and "1,7" not in shown
