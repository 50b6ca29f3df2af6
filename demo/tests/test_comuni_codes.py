"""The demo's comuni are real places: their cadastral codes, provinces and ISTAT codes come from the national list
(ISTAT codes from ISTAT's list, joined on the cadastral code)."""

import pytest

from demo.organisation import BASSA_ROMAGNA_COMUNI, FAENTINA_COMUNI, SEREGNO_COMUNI, SOMMA_COMUNI, _ambito
from equipes import national_comuni
from equipes.models import Comune

DEMO_CODES = {
    "Seregno": ("I625", "MB", "108039"),
    "Giussano": ("E063", "MB", "108024"),
    "Faenza": ("D458", "RA", "039010"),
    "Lugo": ("E730", "RA", "039012"),
    "Bagnara di Romagna": ("A551", "RA", "039003"),
    "Somma Lombardo": ("I819", "VA", "012123"),
    "Cardano al Campo": ("B754", "VA", "012032"),
}


@pytest.mark.django_db
def test_the_demos_comuni_get_their_real_codes():
    for code, comuni in [
        ("SER", SEREGNO_COMUNI),
        ("URF", FAENTINA_COMUNI),
        ("BRA", BASSA_ROMAGNA_COMUNI),
        ("SOM", SOMMA_COMUNI),
    ]:
        _ambito(code, f"Ambito {code}", f"Comune {code}", comuni)
    assert not Comune.objects.filter(cadastral_code="").exists()
    assert not Comune.objects.filter(province="").exists()
    found = dict(Comune.objects.filter(name__in=DEMO_CODES).values_list("name", "cadastral_code"))
    assert found == {name: code for name, (code, _province, _istat) in DEMO_CODES.items()}
    istat = dict(Comune.objects.filter(name__in=DEMO_CODES).values_list("name", "istat_code"))
    assert istat == {name: code for name, (_code, _province, code) in DEMO_CODES.items()}
    assert not Comune.objects.filter(istat_code="").exists()
    for comune in Comune.objects.all():
        place = national_comuni.comune(comune.cadastral_code)
        assert (place.province, place.istat) == (comune.province, comune.istat_code)
