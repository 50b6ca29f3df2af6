"""The demo's comuni are real places: their cadastral codes and provinces come from the national list."""

import pytest

from demo.organisation import BASSA_ROMAGNA_COMUNI, FAENTINA_COMUNI, SEREGNO_COMUNI, SOMMA_COMUNI, _ambito
from equipes import national_comuni
from equipes.models import Comune

DEMO_CODES = {
    "Seregno": ("I625", "MB"),
    "Giussano": ("E063", "MB"),
    "Faenza": ("D458", "RA"),
    "Lugo": ("E730", "RA"),
    "Bagnara di Romagna": ("A551", "RA"),
    "Somma Lombardo": ("I819", "VA"),
    "Cardano al Campo": ("B754", "VA"),
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
    assert found == {name: code for name, (code, _province) in DEMO_CODES.items()}
    for comune in Comune.objects.all():
        assert national_comuni.comune(comune.cadastral_code).province == comune.province
