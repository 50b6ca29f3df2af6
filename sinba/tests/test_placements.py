"""A child's foster care and residential placement in the return (docs/sinba.md): the flow carries the placement of
each kind in progress on the day of generation, else the latest ended one with its outcome; a placement not yet
started is left out. The specification (v2.0.1, Allegato C §6.1, Tabella 15) marks every one of these fields
"Campo opzionale" and adds no rule between them; the model keeps a placement's codes complete (the constraint is
tested in families/tests/test_placements.py), so a placement gives no gap and the flows stay valid."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from families.models import Member, Placement
from pippi_portal import sinba_codes
from sinba import records, services, xml
from sinba.models import Flow

from .conftest import give_sedt_code, make_ente, sinba_family

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 12, 3)
AFFIDO = {"kind": "affido", "form": "2", "affido_type": "2", "affido_time": "1", "affido_character": "1"}
RESIDENZIALE = {"kind": "residenziale", "form": "1", "residential_character": "6", "residential_type": "1"}
PLACEMENT_ATTRIBUTES = {
    "FormaInterventoAffido",
    "TipoInterventoAffido",
    "DurataAffido",
    "CarattereAffido",
    "EsitoAffido",
    "CarattereInserimentoResidenziale",
    "FormaInserimentoResidenziale",
    "TipoInserimentoResidenziale",
    "EsitoInserimentoStruttura",
}


@pytest.fixture
def child(world):
    make_ente(world.ambito)
    give_sedt_code()
    family = sinba_family(world)
    return family.members.get(kind=Member.Kind.MINORE)


def sinba_of(child) -> dict:
    services.generate(child.family.ambito, now=NOW)
    (flow,) = Flow.objects.filter(member=child)
    assert flow.state == Flow.State.READY, flow.errors
    xml.schema().validate(services.xml_file(flow))
    return xml.schema().to_dict(services.xml_file(flow))["SINBA"][0]


def place(child, start, end=None, **fields) -> Placement:
    return Placement.objects.create(member=child, start_date=start, end_date=end, **fields)


def test_a_child_without_placement_has_none_of_the_fields(child):
    sinba = sinba_of(child)
    assert not {f"@{name}" for name in PLACEMENT_ATTRIBUTES} & set(sinba)


def test_an_ongoing_affido_gives_its_four_codes_and_no_outcome(child):
    place(child, datetime.date(2026, 2, 1), **AFFIDO)
    sinba = sinba_of(child)
    assert (
        sinba["@FormaInterventoAffido"],
        sinba["@TipoInterventoAffido"],
        sinba["@DurataAffido"],
        sinba["@CarattereAffido"],
    ) == ("2", "2", "1", "1")
    assert "@EsitoAffido" not in sinba
    assert "@FormaInserimentoResidenziale" not in sinba


def test_an_ended_residential_placement_gives_its_codes_and_its_outcome(child):
    place(child, datetime.date(2025, 1, 10), datetime.date(2025, 7, 1), residential_outcome="1", **RESIDENZIALE)
    sinba = sinba_of(child)
    assert (
        sinba["@FormaInserimentoResidenziale"],
        sinba["@CarattereInserimentoResidenziale"],
        sinba["@TipoInserimentoResidenziale"],
        sinba["@EsitoInserimentoStruttura"],
    ) == ("1", "6", "1", "1")
    assert "@FormaInterventoAffido" not in sinba


def test_an_affido_and_a_residential_placement_go_together_in_one_valid_record(child):
    place(child, datetime.date(2025, 1, 10), datetime.date(2025, 7, 1), residential_outcome="4", **RESIDENZIALE)
    place(child, datetime.date(2025, 7, 1), **AFFIDO)
    sinba = sinba_of(child)
    assert {name.removeprefix("@") for name in sinba} >= PLACEMENT_ATTRIBUTES - {"EsitoAffido"}


def test_the_placement_in_progress_wins_over_an_earlier_ended_one(child):
    place(child, datetime.date(2024, 1, 10), datetime.date(2024, 6, 1), affido_outcome="1", **AFFIDO)
    place(child, datetime.date(2025, 3, 1), **{**AFFIDO, "affido_type": "1"})
    sinba = sinba_of(child)
    assert sinba["@TipoInterventoAffido"] == "1" and "@EsitoAffido" not in sinba


def test_of_two_ended_placements_the_latest_is_reported():
    first = Placement(start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2023, 6, 1), **AFFIDO)
    latest = Placement(start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 6, 1), **AFFIDO)
    assert records.reported_placement([latest, first], "affido", TODAY) is latest
    assert records.reported_placement([first, latest], "residenziale", TODAY) is None


def test_a_placement_that_starts_after_the_day_is_not_reported_yet(child):
    place(child, datetime.date(2027, 1, 15), **AFFIDO)
    assert "@FormaInterventoAffido" not in sinba_of(child)


def test_a_placement_ending_on_the_day_is_still_the_current_one():
    ending = Placement(start_date=datetime.date(2026, 1, 1), end_date=TODAY, affido_outcome="3", **AFFIDO)
    earlier = Placement(start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1), **AFFIDO)
    assert records.reported_placement([earlier, ending], "affido", TODAY) is ending


def test_a_placement_gives_no_gap_because_its_codes_cannot_be_incomplete(child):
    """The specification adds no rule between these fields; the portal's own rule (all of a kind's codes, the
    outcome exactly when ended) is a database constraint, so the record never meets a half placement."""
    with pytest.raises(IntegrityError), transaction.atomic():
        place(child, datetime.date(2025, 1, 1), **{**AFFIDO, "affido_time": ""})
    with pytest.raises(IntegrityError), transaction.atomic():
        place(child, datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), **RESIDENZIALE)  # ended, no outcome
    place(child, datetime.date(2025, 1, 1), **AFFIDO)
    services.generate(child.family.ambito, now=NOW)
    assert Flow.objects.get(member=child).errors == []


def test_every_code_of_the_xsd_lists_is_offered_and_valid(child):
    """The placement's choices are the XSD's lists; the two Forma… types are the same list, so one field serves."""
    lists = sinba_codes.code_lists()
    assert lists["FormaInterventoAffidoType"] == lists["FormaInserimentoResidenzialeType"]
    assert [v for v, _label in sinba_codes.durata_affido()] == ["1", "2"]  # tempo pieno / parziale, not a band
    for character in dict(sinba_codes.carattere_inserimento()):
        Placement.objects.all().delete()
        place(child, datetime.date(2025, 1, 1), **{**RESIDENZIALE, "residential_character": character})
        assert sinba_of(child)["@CarattereInserimentoResidenziale"] == character
    for outcome in dict(sinba_codes.esito_affido()):
        Placement.objects.all().delete()
        place(child, datetime.date(2025, 1, 1), datetime.date(2025, 5, 1), affido_outcome=outcome, **AFFIDO)
        assert sinba_of(child)["@EsitoAffido"] == outcome
