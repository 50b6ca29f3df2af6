"""The codici fiscali registered twice after a confirmation reach the Referente di Ambito (issue 14 §2): a
pending line on the dashboard, a page listing them with both families' codes, who confirmed and why (the
family's names hidden from this pseudonymised role), and a button that marks each one as checked. Nobody else
opens the page, and nothing crosses ambiti."""

import pytest
from django.urls import reverse

from equipes.models import Role
from families.models import DuplicateConfirmation
from tests import factories as f

URL = reverse("families:duplicate-list")


@pytest.fixture
def confirmation(world):
    existing = f.make_family(world)
    family = f.make_family(world)
    child = family.members.filter(kind="minore").first()
    return DuplicateConfirmation.objects.create(
        family=family,
        member=child,
        existing_family=existing,
        reason=f"{child.first_name} vive da poco con il padre: stessa bambina, due nuclei.",
        by=world.users.case_manager,
    )


def test_the_referente_di_ambito_sees_the_confirmation_with_both_codes_and_the_name_hidden(
    world, client_for, confirmation
):
    client = client_for(world.users.coordinatore)
    pending = {item.text: (item.count, item.url) for item in client.get(reverse("dashboard")).context["pending"]}
    assert pending["codice fiscale registrato due volte da verificare"] == (1, URL)

    page = client.get(URL).content.decode()
    assert confirmation.family.code in page and confirmation.existing_family.code in page
    assert str(world.users.case_manager) in page
    assert "vive da poco con il padre: stessa bambina, due nuclei." in page
    assert confirmation.member.first_name not in page


def test_marking_it_checked_takes_it_off_the_list_and_the_dashboard(world, client_for, confirmation):
    client = client_for(world.users.coordinatore)
    response = client.post(URL, {"conferma": confirmation.pk}, follow=True)
    assert f"Conferma {confirmation.family.code} segnata come verificata." in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.reviewed_by == world.users.coordinatore and confirmation.reviewed_at is not None
    assert "Nessuna conferma da verificare." in response.content.decode()
    assert not any("codic" in item.text for item in client.get(reverse("dashboard")).context["pending"])

    again = client.post(URL, {"conferma": confirmation.pk}, follow=True)
    assert "La conferma era già stata verificata." in again.content.decode()


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999", "٣", "1.5"])
def test_an_unexpected_value_is_a_message_not_an_error(world, client_for, confirmation, value):
    response = client_for(world.users.coordinatore).post(URL, {"conferma": value})
    assert response.status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.reviewed_at is None


@pytest.mark.parametrize("role", ["case_manager", "operatore", "ufficio_piano", "referente_ente"])
def test_only_the_referente_di_ambito_opens_the_page(world, client_for, confirmation, role):
    client = client_for(getattr(world.users, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"conferma": confirmation.pk}).status_code == 403
    confirmation.refresh_from_db()
    assert confirmation.reviewed_at is None


def test_the_referente_of_another_ambito_sees_nothing_and_checks_nothing(world, client_for, confirmation):
    other = f.make_ambito("ALT")
    referente = f.make_user(other, Role.COORDINATORE, f.make_organisation(other), username="coordinatore_alt")
    client = client_for(referente)
    page = client.get(URL).content.decode()
    assert confirmation.family.code not in page and "Nessuna conferma da verificare." in page
    client.post(URL, {"conferma": confirmation.pk})
    confirmation.refresh_from_db()
    assert confirmation.reviewed_at is None


def test_the_page_costs_the_same_queries_at_1_and_30_confirmations(world, client_for, count_queries, confirmation):
    client = client_for(world.users.coordinatore)
    client.get(URL)
    one = count_queries(lambda: client.get(URL))
    for _ in range(29):
        family = f.make_family(world)
        DuplicateConfirmation.objects.create(
            family=family,
            member=family.members.first(),
            existing_family=confirmation.existing_family,
            reason="Stesso minore.",
            by=world.users.case_manager,
        )
    thirty = count_queries(lambda: client.get(URL))
    assert one == thirty <= 12
