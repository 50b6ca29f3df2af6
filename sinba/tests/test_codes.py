"""The SIUSS codes of the catalogue in the portal: the Ufficio di Piano sees every intervention it may activate with
its code, the ones without flagged "da verificare"; it enters the code of its ambito's own interventions, with the
source (required) and in the format the XSD allows; the shared catalogue's codes serve every ambito and are the
administrator's. Scoped by ambito; the same number of queries at 1 and 30 interventions."""

import pytest
from django.urls import reverse

from interventions.models import InterventionType
from sinba import services
from sinba.models import Flow, ServiceCode

from .conftest import give_sedt_code, make_ente, sedt_type, sinba_family

pytestmark = pytest.mark.django_db


def own_type(ambito, n=1) -> InterventionType:
    return InterventionType.objects.create(
        ambito=ambito,
        code=f"servizio-proprio-{n}",
        name=f"Servizio proprio {n:02d}",
        category=InterventionType.Category.INDIVIDUALE,
        profile=sedt_type().profile,
    )


@pytest.fixture
def udp(world, client_for):
    make_ente(world.ambito)
    return client_for(world.users.ufficio_piano)


def test_the_page_lists_the_catalogue_with_the_codes_and_flags_the_missing_ones(world, udp):
    give_sedt_code()
    mine = own_type(world.ambito)
    theirs = own_type(world.other.ambito, 2)
    url = reverse("sinba:codes", args=[world.ambito.pk])
    page = udp.get(url)
    text = page.content.decode()
    assert "A2.02" in text and "Verificato per la prova" in text and "da verificare" in text
    assert mine.name in text and theirs.name not in text
    listed = {t.pk for t in page.context["page"]}
    assert sedt_type().pk in listed and mine.pk in listed
    assert not InterventionType.objects.filter(pk__in=listed, category="servizio_ambito").exists()
    # Only the ambito's own intervention has an edit button for the Ufficio di Piano.
    assert reverse("sinba:code-edit", args=[world.ambito.pk, mine.pk]) in text
    assert reverse("sinba:code-edit", args=[world.ambito.pk, sedt_type().pk]) not in text
    unverified = udp.get(url, {"da_verificare": "1"})
    codes = {t.pk for t in unverified.context["page"]}
    assert mine.pk in codes and sedt_type().pk not in codes
    assert unverified.context["missing"] == len(codes)


def test_the_ufficio_di_piano_enters_a_code_with_its_source(world, udp):
    mine = own_type(world.ambito)
    url = reverse("sinba:code-edit", args=[world.ambito.pk, mine.pk])
    assert udp.get(url).status_code == 200
    response = udp.post(url, {"code": "a2.02", "source": ""})
    assert response.status_code == 200 and not ServiceCode.objects.exists()
    assert response.context["form"].errors["source"] == ["Questo campo è obbligatorio."]
    response = udp.post(url, {"code": " a1.04 ", "source": "Nomenclatore SIUSS, tabella 3"})
    assert response.status_code == 302
    code = ServiceCode.objects.get(intervention_type=mine)
    assert (code.code, code.source) == ("A1.04", "Nomenclatore SIUSS, tabella 3")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Questo campo è obbligatorio."),
        ("A2", "5-10 caratteri"),
        ("A2.02.00001", "più di 10 caratteri"),
        ("AB.CD", "Un codice del nomenclatore"),
        ("<A2.02>", "Un codice del nomenclatore"),
        ("A2.0", "5-10 caratteri"),
    ],
)
def test_a_code_the_xsd_or_the_nomenclator_refuses_is_a_form_error(world, udp, value, message):
    mine = own_type(world.ambito)
    response = udp.post(
        reverse("sinba:code-edit", args=[world.ambito.pk, mine.pk]), {"code": value, "source": "Una fonte"}
    )
    assert response.status_code == 200 and message in " ".join(response.context["form"].errors["code"])
    assert not ServiceCode.objects.exists()


def test_the_shared_catalogue_s_codes_are_the_administrator_s(world, udp, client_for):
    url = reverse("sinba:code-edit", args=[world.ambito.pk, sedt_type().pk])
    assert udp.get(url).status_code == 403
    assert udp.post(url, {"code": "A9.99", "source": "x"}).status_code == 403
    admin = client_for(world.users.admin)
    assert admin.post(url, {"code": "A2.02", "source": "Verificato"}).status_code == 302
    assert ServiceCode.objects.get(intervention_type=sedt_type()).code == "A2.02"


def test_another_ambito_s_intervention_is_not_found(world, udp, client_for):
    theirs = own_type(world.other.ambito, 2)
    assert udp.get(reverse("sinba:code-edit", args=[world.ambito.pk, theirs.pk])).status_code == 404
    other = client_for(world.other.ufficio_piano)
    mine = own_type(world.ambito)
    assert other.get(reverse("sinba:code-edit", args=[world.ambito.pk, mine.pk])).status_code == 404
    assert other.get(reverse("sinba:codes", args=[world.ambito.pk])).status_code == 404
    assert client_for(world.users.case_manager).get(reverse("sinba:codes", args=[world.ambito.pk])).status_code == 403


def test_a_code_entered_makes_the_flows_valid_at_the_next_generation(world, udp, client_for):
    sinba_family(world)
    assert services.generate(world.ambito).uncoded == 1
    assert not Flow.objects.exists()
    client_for(world.users.admin).post(
        reverse("sinba:code-edit", args=[world.ambito.pk, sedt_type().pk]), {"code": "A2.02", "source": "Fonte"}
    )
    services.generate(world.ambito)
    assert Flow.objects.get().state == Flow.State.READY


def test_the_page_makes_as_many_queries_at_1_and_30_interventions(world, udp, count_queries):
    url = reverse("sinba:codes", args=[world.ambito.pk])
    InterventionType.objects.filter(ambito__isnull=True).update(is_active=True)
    shared = InterventionType.objects.filter(ambito__isnull=True).for_families().count()
    own_type(world.ambito)
    with_one = count_queries(lambda: udp.get(url))
    for n in range(2, 31):
        ServiceCode.objects.create(intervention_type=own_type(world.ambito, n), code="A2.02", source="Fonte")
    with_thirty = count_queries(lambda: udp.get(url))
    assert shared + 30 > 25  # more than one page's worth when the catalogue is long: still the same count
    assert with_one == with_thirty <= 12, (with_one, with_thirty)
