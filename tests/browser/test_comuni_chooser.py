"""In a real browser: the admin chooses a comune of an ambito from the national list by typing part of its name;
name, cadastral code and province are filled from the list."""

from equipes.models import Comune
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB
PASSWORD = "una-password-di-prova-2026"


def test_the_admin_chooses_a_comune_from_the_national_list(world, page, live_server, login):
    admin = world.users.admin
    admin.set_password(PASSWORD)
    admin.save()
    login("admin", PASSWORD)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(f"{live_server.url}/admin/equipes/comune/add/")
    assert response.status == 200
    page.select_option("#id_ambito", str(world.ambito.pk))
    page.locator("#id_national_code + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("lentate")
    page.locator(".select2-results__option", has_text="Lentate sul Seveso (MB)").click()
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    comune = Comune.objects.get(ambito=world.ambito, cadastral_code="E530")
    assert (comune.name, comune.province) == ("Lentate sul Seveso", "MB")
    assert not errors, errors  # the content security policy let the admin's scripts run
