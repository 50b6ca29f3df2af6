"""The referral and family forms follow the calendar (issue 14 §5): an implementation that has ended takes no new
family, one running (or about to start) does, and when none does the form says so. Today is frozen on the
portal's real calendar, 02/12/2026: the world's implementation ended on 31/05/2026."""

import datetime
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from families.forms import FamilyForm
from families.models import Family
from tests import factories as f

TODAY = "2026-12-02"


@pytest.fixture(autouse=True)
def today():
    with freeze_time(TODAY):
        yield


def referral(world, implementation) -> dict:
    return {
        "referral-date": "2026-11-20",
        "referral-source": "scuola",
        "referral-reason": "La scuola segnala assenze ripetute.",
        "family-comune": world.comune.pk,
        "family-equipe": world.equipe.pk,
        "family-implementation": implementation.pk if implementation else "",
        "family-case_manager": world.users.case_manager.pk,
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "12",
        "members-0-kind": "minore",
        "members-0-first_name": "Lia",
        "members-0-last_name": "Esempio",
        "members-0-birth_date": "2018-03-09",
        "members-0-sex": "F",
    }


def offered(form) -> list[int]:
    return [value for value, _label in form.fields["implementation"].widget.choices if value]


def test_the_referral_form_offers_the_running_implementation_and_not_the_ended_one(world, client_for):
    running = f.running_implementation(world.ambito)
    page = client_for(world.users.case_manager).get(reverse("families:family-create"))
    form = page.context["family_form"]
    assert offered(form) == [running.pk]
    html = page.content.decode()
    assert "P.I.P.P.I. 14 · CUP" in html and "(01/06/2026 – 31/12/2027)" in html
    # The implementation's own select (an option of another select, a country's code, may share the number).
    select = re.search(r'<select name="[^"]*implementation"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert f'value="{running.pk}"' in select and f'value="{world.implementation.pk}"' not in select


def test_a_post_with_an_ended_implementation_is_an_italian_form_error(world, client_for):
    f.running_implementation(world.ambito)
    response = client_for(world.users.case_manager).post(
        reverse("families:family-create"), referral(world, world.implementation)
    )
    assert response.status_code == 200
    assert (
        "P.I.P.P.I. 11 è terminata il 31/05/2026: non accoglie nuove famiglie. Scegli un&#x27;implementazione in corso."
        in response.content.decode()
    )
    assert not Family.objects.exists()


def test_a_family_is_registered_under_a_running_implementation(world, client_for):
    running = f.running_implementation(world.ambito)
    response = client_for(world.users.case_manager).post(reverse("families:family-create"), referral(world, running))
    assert response.status_code == 302
    assert Family.objects.get().implementation == running


def test_an_implementation_about_to_start_is_offered(world):
    upcoming = f.make_implementation(
        f.make_project(world.ambito, start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2028, 12, 31)), 15
    )
    assert offered(FamilyForm(user=world.users.case_manager, prefix="family")) == [upcoming.pk]


def test_an_implementation_ending_today_is_still_offered(world):
    with freeze_time("2026-05-31"):
        assert offered(FamilyForm(user=world.users.case_manager, prefix="family")) == [world.implementation.pk]
    with freeze_time("2026-06-01"):
        assert offered(FamilyForm(user=world.users.case_manager, prefix="family")) == []


def test_an_implementation_of_a_project_past_its_end_is_not_offered(world):
    """The implementation's own dates run on, its project's have ended: the project's end decides."""
    world.implementation.end_date = datetime.date(2027, 5, 31)
    world.implementation.save()
    form = FamilyForm(referral(world, world.implementation), user=world.users.case_manager, prefix="family")
    assert offered(form) == []
    assert form.errors["implementation"] == [
        "P.I.P.P.I. 11 è terminata il 31/05/2026: non accoglie nuove famiglie. Scegli un'implementazione in corso."
    ]


def test_when_no_implementation_runs_the_form_says_so_and_registers_without_one(world, client_for):
    client = client_for(world.users.case_manager)
    page = client.get(reverse("families:family-create"))
    assert offered(page.context["family_form"]) == []
    assert "Nessuna implementazione in corso accoglie nuove famiglie" in page.content.decode()
    response = client.post(reverse("families:family-create"), referral(world, None))
    assert response.status_code == 302
    assert Family.objects.get().implementation is None


def test_a_family_of_an_ended_implementation_keeps_it_when_its_data_are_edited(world, client_for):
    family = f.make_family(world)
    running = f.running_implementation(world.ambito)
    form = FamilyForm(instance=family, user=world.users.case_manager)
    assert offered(form) == [world.implementation.pk, running.pk]
    assert "Nessuna implementazione" not in str(form["implementation"].help_text)
    data = {
        "comune": world.comune.pk,
        "equipe": world.equipe.pk,
        "implementation": world.implementation.pk,
        "case_manager": world.users.case_manager.pk,
        "language": "italiano",
    }
    response = client_for(world.users.case_manager).post(reverse("families:family-edit", args=[family.pk]), data)
    assert response.status_code == 302
    family.refresh_from_db()
    assert (family.implementation, family.language) == (world.implementation, "italiano")


def test_a_family_cannot_be_moved_into_another_ended_implementation(world):
    family = f.make_family(world, implementation=f.running_implementation(world.ambito))
    form = FamilyForm(
        {
            "comune": world.comune.pk,
            "equipe": world.equipe.pk,
            "implementation": world.implementation.pk,
            "case_manager": world.users.case_manager.pk,
        },
        instance=family,
        user=world.users.case_manager,
    )
    assert not form.is_valid()
    assert "P.I.P.P.I. 11 è terminata il 31/05/2026" in form.errors["implementation"][0]


def test_inclusion_into_an_ended_implementation_is_refused_and_the_button_says_why(
    world, advance, client_for, signed_pdf
):
    from django.core.files.base import ContentFile

    from families import services
    from families.models import Consent, Preassessment, State

    family = advance(f.make_family(world, referral_date=datetime.date(2026, 5, 4)), State.PREASSESSMENT)
    advance(family, State.INCLUSA, t0=datetime.date(2026, 5, 25))  # dated before the end: accepted
    family.refresh_from_db()
    assert family.state == State.INCLUSA

    late = advance(f.make_family(world, referral_date=datetime.date(2026, 5, 4)), State.PREASSESSMENT)
    services.preassessment_save(
        family=late,
        preassessment=Preassessment(
            date=datetime.date(2026, 11, 30),
            orientation=Preassessment.Orientation.INCLUDE,
            motivation="Famiglia motivata.",
        ),
        concerns={},
        by=world.users.case_manager,
    )
    parent = late.members.first()
    for kind in (Consent.Kind.PRIVACY, Consent.Kind.ADESIONE):
        consent = Consent(family=late, kind=kind, signed_on=datetime.date(2026, 11, 30), signed_by=parent)
        consent.file.save("consenso.pdf", ContentFile(signed_pdf), save=True)
    why = "un'implementazione non terminata (P.I.P.P.I. 11 è terminata il 31/05/2026)"
    assert services.guard_include(late) == [why]
    with pytest.raises(services.TransitionRefused, match="non terminata"):
        services.family_include(family=late, by=world.users.case_manager)

    page = client_for(world.users.case_manager).get(late.get_absolute_url()).content.decode()
    assert why.replace("'", "&#x27;") in page
    late.refresh_from_db()
    assert late.state == State.PREASSESSMENT

    late.implementation = f.running_implementation(world.ambito)
    late.save()
    services.family_include(family=late, by=world.users.case_manager)
    late.refresh_from_db()
    assert late.state == State.INCLUSA
