"""The Ufficio di Piano sets up the budget in the portal: budget lines (profile, minimum hours, hourly cost) and
other cost items with their documents, never above the financed amount, and the budget page shows every item."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from equipes.models import Role
from interventions import services
from interventions.models import BudgetLine, CostItem
from tests import factories as f

from .test_day_ceiling import interleave

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CEILING = "budget_within_financed_amount"  # the name the database's refusal carries


def line_data(**overrides) -> dict:
    return {"profile": "educatore", "minimum_hours": "6000", "hourly_cost": "22,00", **overrides}


def item_data(**overrides) -> dict:
    return {
        "description": "Materiali per i gruppi dei genitori",
        "category": "materiali",
        "amount": "600,00",
        "date": "10/03/2025",
        **overrides,
    }


def errors_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_ufficio_di_piano_adds_changes_and_deletes_a_budget_line(world, client_for):
    client = client_for(world.users.ufficio_piano)
    project = world.project
    response = client.post(reverse("interventions:budget-line-create", args=[project.pk]), line_data())
    assert response.status_code == 302
    line = BudgetLine.objects.get(project=project)
    assert (line.profile, line.minimum_hours, line.hourly_cost) == ("educatore", 6000, Decimal("22.00"))

    response = client.post(
        reverse("interventions:budget-line-edit", args=[line.pk]), line_data(minimum_hours="6500", hourly_cost="21,50")
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.minimum_hours, line.hourly_cost) == (6500, Decimal("21.50"))

    page = client.get(reverse("interventions:budget", args=[project.pk])).content.decode()
    assert reverse("interventions:budget-line-edit", args=[line.pk]) in page
    assert "€ 139.750,00" in page  # 6.500 h × € 21,50

    assert client.post(reverse("interventions:budget-line-delete", args=[line.pk])).status_code == 302
    assert not BudgetLine.objects.exists()


def test_a_line_that_passes_the_financed_amount_is_refused_naming_the_excess(world, client_for):
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=6000, hourly_cost=22)
    client = client_for(world.users.ufficio_piano)
    # 132.000 + 2.000 × 40 = 212.000: € 500 above € 211.500.
    response = client.post(
        reverse("interventions:budget-line-create", args=[world.project.pk]),
        line_data(profile="psicologo", minimum_hours="2000", hourly_cost="40"),
    )
    assert response.status_code == 200
    assert (
        "Il budget supererebbe l&#x27;importo finanziato di € 500,00: le voci di personale e le altre voci di costo "
        "arriverebbero a € 212.000,00 su € 211.500,00 finanziati."
    ) in errors_of(response)
    assert BudgetLine.objects.count() == 1


def test_changing_a_line_counts_its_new_value_not_the_old_one_as_well(world, client_for):
    line = BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=9000, hourly_cost=23)
    client = client_for(world.users.ufficio_piano)
    # 9.000 × 23 = 207.000 today; 9.000 × 23,50 = 211.500 is exactly the amount: allowed.
    response = client.post(
        reverse("interventions:budget-line-edit", args=[line.pk]), line_data(minimum_hours="9000", hourly_cost="23,50")
    )
    assert response.status_code == 302
    response = client.post(
        reverse("interventions:budget-line-edit", args=[line.pk]), line_data(minimum_hours="9001", hourly_cost="23,50")
    )
    assert "supererebbe l&#x27;importo finanziato di € 23,50" in errors_of(response)
    line.refresh_from_db()
    assert line.minimum_hours == 9000


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hourly_cost", "1000000000", "Assicurati che non vi siano più di 7 cifre in totale."),
        ("hourly_cost", "5000", "Il costo orario non può superare € 1.000,00."),
        ("hourly_cost", "-22", "Il costo orario deve essere maggiore di zero."),
        ("hourly_cost", "0", "Il costo orario deve essere maggiore di zero."),
        ("minimum_hours", "0", "Il monte ore minimo deve essere di almeno un&#x27;ora."),
        ("minimum_hours", "-100", "Il monte ore minimo deve essere di almeno un&#x27;ora."),
        ("minimum_hours", "1000000000", "Il monte ore minimo non può superare 100.000 ore."),
        ("minimum_hours", "molte", "Inserisci un numero intero."),
    ],
)
def test_absurd_line_values_are_refused_in_italian(world, client_for, field, value, message):
    client = client_for(world.users.ufficio_piano)
    response = client.post(
        reverse("interventions:budget-line-create", args=[world.project.pk]), line_data(**{field: value})
    )
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1000000000", "L&#x27;importo di una voce non può superare € 10.000.000,00."),
        ("-50", "L&#x27;importo deve essere maggiore di zero."),
        ("0", "L&#x27;importo deve essere maggiore di zero."),
        ("1000000000000", "Assicurati che non vi siano più di 12 cifre in totale."),
        ("212000", "Il budget supererebbe l&#x27;importo finanziato di € 500,00"),
    ],
)
def test_absurd_cost_items_are_refused_in_italian(world, client_for, value, message):
    client = client_for(world.users.ufficio_piano)
    response = client.post(reverse("interventions:cost-item-create", args=[world.project.pk]), item_data(amount=value))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not CostItem.objects.exists()


def test_a_same_profile_twice_is_a_form_error(world, client_for):
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=100, hourly_cost=22)
    client = client_for(world.users.ufficio_piano)
    response = client.post(reverse("interventions:budget-line-create", args=[world.project.pk]), line_data())
    assert response.status_code == 200
    assert BudgetLine.objects.count() == 1


def test_a_cost_item_is_recorded_with_its_document_under_a_random_name(world, client_for):
    client = client_for(world.users.ufficio_piano)
    upload = SimpleUploadedFile("Fattura Mario Rossi.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("interventions:cost-item-create", args=[world.project.pk]),
        {**item_data(), "document": upload, "document_reference": "Fattura n. 45/2025 del 10/03/2025"},
    )
    assert response.status_code == 302
    item = CostItem.objects.get()
    assert (item.category, item.amount, item.date) == ("materiali", Decimal("600.00"), datetime.date(2025, 3, 10))
    assert re.fullmatch(rf"costs/{world.project.pk}/[0-9a-f]{{32}}\.pdf", item.document.name)
    # The file's name is random: the document is known by the reference typed with it, shown on the budget page.
    assert item.document_reference == "Fattura n. 45/2025 del 10/03/2025"
    page = client.get(reverse("interventions:budget", args=[world.project.pk])).content.decode()
    assert "Fattura n. 45/2025 del 10/03/2025" in page
    # Whoever reads the budget downloads it, as an attachment under a neutral name.
    download = client_for(world.users.coordinatore).get(reverse("interventions:cost-item-document", args=[item.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="giustificativo-{item.pk}.pdf"'
    assert b"".join(download.streaming_content) == PDF


def test_a_document_that_is_not_a_pdf_or_an_image_is_refused(world, client_for):
    client = client_for(world.users.ufficio_piano)
    fake = SimpleUploadedFile("fattura.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(
        reverse("interventions:cost-item-create", args=[world.project.pk]), {**item_data(), "document": fake}
    )
    assert "Sono ammessi solo file PDF, JPEG o PNG." in response.content.decode()
    assert not CostItem.objects.exists()


def test_a_cost_item_is_dated_within_the_project(world, client_for):
    client = client_for(world.users.ufficio_piano)
    response = client.post(
        reverse("interventions:cost-item-create", args=[world.project.pk]), item_data(date="01/01/2020")
    )
    assert "La data deve cadere nel periodo del progetto, dal 01/06/2023 al 31/05/2026." in response.content.decode()
    assert not CostItem.objects.exists()


def test_cost_items_and_lines_share_the_financed_amount(world, client_for):
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=9000, hourly_cost=23)
    client = client_for(world.users.ufficio_piano)
    # 207.000 of staff: € 4.500 left; a cost of € 4.600 is € 100 too much, one of € 4.500 fits exactly.
    response = client.post(reverse("interventions:cost-item-create", args=[world.project.pk]), item_data(amount="4600"))
    assert "supererebbe l&#x27;importo finanziato di € 100,00" in errors_of(response)
    response = client.post(reverse("interventions:cost-item-create", args=[world.project.pk]), item_data(amount="4500"))
    assert response.status_code == 302
    item = CostItem.objects.get()
    response = client.post(
        reverse("interventions:budget-line-edit", args=[BudgetLine.objects.get().pk]),
        line_data(minimum_hours="9001", hourly_cost="23"),
    )
    assert "supererebbe l&#x27;importo finanziato di € 23,00" in errors_of(response)
    # Changing the item to a lower amount, then deleting it, is always possible.
    response = client.post(reverse("interventions:cost-item-edit", args=[item.pk]), item_data(amount="4000"))
    assert response.status_code == 302
    assert client.post(reverse("interventions:cost-item-delete", args=[item.pk])).status_code == 302
    assert not CostItem.objects.exists()


def refused_by_the_ceiling(error) -> bool:
    return error.value.__cause__.diag.constraint_name == CEILING


def test_the_database_refuses_a_budget_above_the_amount_whatever_the_code_path(world):
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=9000, hourly_cost=23)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        CostItem.objects.create(
            project=world.project, description="x", category="altro", amount=4501, date=datetime.date(2024, 1, 1)
        )
    assert refused_by_the_ceiling(refused)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        BudgetLine.objects.filter(project=world.project).update(minimum_hours=10000)
    assert refused_by_the_ceiling(refused)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        BudgetLine.objects.create(project=world.project, profile="psicologo", minimum_hours=1000, hourly_cost=5)
    assert refused_by_the_ceiling(refused)
    # Another project's budget is its own.
    other = f.make_project(world.ambito)
    BudgetLine.objects.create(project=other, profile="psicologo", minimum_hours=6000, hourly_cost=35)


def test_the_service_refuses_with_the_message_and_writes_nothing(world):
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=9000, hourly_cost=23)
    line = BudgetLine(project=world.project, profile="psicologo", minimum_hours=1000, hourly_cost=Decimal("5"))
    with pytest.raises(services.BudgetRefused, match="supererebbe l'importo finanziato di € 500,00"):
        services.budget_line_save(line=line, by=world.users.ufficio_piano)
    assert BudgetLine.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_cannot_both_pass_the_amount(world):
    """Each of the two cost items fits alone (€ 3.000 of the € 4.500 left), not both: the second save waits for
    the first on the project's row and then sees its item."""
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=9000, hourly_cost=23)

    def item(description):
        return CostItem(
            project=world.project,
            description=description,
            category="altro",
            amount=3000,
            date=datetime.date(2024, 1, 1),
        )

    udp = world.users.ufficio_piano
    a, b, waited = interleave(
        lambda: services.cost_item_save(item=item("prima"), by=udp),
        lambda: services.cost_item_save(item=item("seconda"), by=udp),
    )
    assert "error" not in a, a
    assert waited, "the second save did not wait for the first"
    assert isinstance(b.get("error"), services.BudgetRefused), b
    assert "di € 1.500,00" in str(b["error"])
    assert list(CostItem.objects.values_list("description", flat=True)) == ["prima"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writes_bypassing_the_service_cannot_both_pass(world):
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=9000, hourly_cost=23)

    def raw(description):
        return CostItem.objects.create(
            project=world.project,
            description=description,
            category="altro",
            amount=3000,
            date=datetime.date(2024, 1, 1),
        )

    a, b, waited = interleave(lambda: raw("prima"), lambda: raw("seconda"))
    assert "error" not in a, a
    assert waited, "the second write did not wait for the first"
    assert isinstance(b.get("error"), IntegrityError), b
    assert CostItem.objects.count() == 1


def test_the_budget_page_shows_planned_and_validated_for_every_item_and_the_totals(world, client_for):
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=6000, hourly_cost=22)
    BudgetLine.objects.create(project=world.project, profile="psicologo", minimum_hours=1400, hourly_cost=35)
    CostItem.objects.create(
        project=world.project,
        description="Supervisione esterna",
        category="formazione",
        amount=800,
        date=datetime.date(2024, 5, 2),
    )
    page = errors_of(client_for(world.users.coordinatore).get(reverse("interventions:budget", args=[world.project.pk])))
    for text in [
        "€ 132.000,00",  # the educators' line: 6.000 h × € 22
        "€ 49.000,00",  # the psychologists'
        "Supervisione esterna",
        "€ 800,00",
        "€ 181.800,00",  # planned: 132.000 + 49.000 + 800
        "€ 29.700,00",  # still to assign out of 211.500
        "Formazione e supervisione",
    ]:
        assert text in page, text
    # The coordinator reads the budget but does not set it up.
    assert reverse("interventions:budget-line-create", args=[world.project.pk]) not in page


def test_roles_other_than_the_ufficio_di_piano_cannot_set_up_the_budget(world, client_for):
    for role in ["coordinatore", "referente_ente", "case_manager", "operatore"]:
        client = client_for(getattr(world.users, role))
        response = client.post(reverse("interventions:budget-line-create", args=[world.project.pk]), line_data())
        assert response.status_code == 403, role
    assert not BudgetLine.objects.exists()


def test_another_ambitos_ufficio_di_piano_gets_404(world, client_for):
    line = BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=10, hourly_cost=22)
    client = client_for(world.other.ufficio_piano)
    assert (
        client.post(reverse("interventions:budget-line-create", args=[world.project.pk]), line_data()).status_code
        == 404
    )
    assert client.post(reverse("interventions:budget-line-delete", args=[line.pk])).status_code == 404
    assert BudgetLine.objects.count() == 1


def test_an_associated_ambitos_ufficio_di_piano_does_not_set_up_the_lead_projects_budget(world, client_for):
    """The lead's Ufficio di Piano sets up the whole project's budget (DESIGN.md, second round)."""
    world.project.associated_ambiti.add(world.other.ambito)
    associated = f.make_user(world.other.ambito, Role.UFFICIO_PIANO, world.other.organisation)
    response = client_for(associated).get(reverse("interventions:budget-line-create", args=[world.project.pk]))
    assert response.status_code == 404


def test_a_financed_amount_lowered_below_the_budget_is_warned_on_the_budget_page(world, client_for):
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=9000, hourly_cost=23)
    type(world.project).objects.filter(pk=world.project.pk).update(amount=Decimal("200000.00"))
    page = errors_of(
        client_for(world.users.ufficio_piano).get(reverse("interventions:budget", args=[world.project.pk]))
    )
    assert "Il budget previsto supera di € 7.000,00 l&#x27;importo finanziato" in page
