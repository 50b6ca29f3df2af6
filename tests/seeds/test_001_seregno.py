"""The Ambito di Seregno's co-design notice (`001_…`), commitment by commitment, on the demo data and on small
factories."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from equipes.models import Project, User
from interventions import services
from interventions.models import BudgetLine, CostItem
from interventions.selectors import project_budget

pytestmark = pytest.mark.demo_seed


@pytest.fixture
def seregno(db, seeded_demo):
    """The Seregno project of the demo, seeded once for the module."""
    return Project.objects.get(cup="B24H22000190001")


class TestBudget:
    """ "… con un monte ore non inferiore a n. 6.000 ore per la figura professionale dell'educatore, n. 1.400 ore per
    la figura professionale di psicologo/a e n. 900 ore per la figura professionale di pedagogo, n. 100 ore per la
    figura professionale di mediatore culturale, nel limite delle somme massime a disposizione dall'Ambito
    Territoriale, coincidenti con il finanziamento ottenuto dal Ministero del Lavoro e delle Politiche Sociali pari
    ad € 211.500,00" (001_…, the interventions). The notice gives no hourly cost: the demo's are invented."""

    def test_seregnos_budget_lines_are_the_documents(self, seregno):
        assert seregno.amount == Decimal("211500.00")
        lines = {line.profile: line.minimum_hours for line in BudgetLine.objects.filter(project=seregno)}
        assert lines == {"educatore": 6000, "psicologo": 1400, "pedagogista": 900, "mediatore_culturale": 100}

    def test_the_lines_cannot_pass_the_financed_211500(self, seregno):
        budget = project_budget(seregno)
        assert budget.planned_total <= Decimal("211500.00")
        # Whatever is left free, one cent more is refused, in Italian, naming the excess.
        extra = CostItem(
            project=seregno,
            description="Supervisione esterna",
            category="formazione",
            amount=budget.available + Decimal("0.01"),
            date=seregno.start_date,
        )
        udp = User.objects.get(username="udp")
        with pytest.raises(services.BudgetRefused, match="supererebbe l'importo finanziato di € 0,01"):
            services.cost_item_save(item=extra, by=udp)
        more_hours = BudgetLine.objects.get(project=seregno, profile="educatore")
        more_hours.minimum_hours += 100
        with pytest.raises(services.BudgetRefused, match="su € 211.500,00 finanziati"):
            services.budget_line_save(line=more_hours, by=udp)

    def test_the_ufficio_di_piano_sees_each_line_and_cost_item_against_the_financed_amount(self, seregno):
        udp = User.objects.get(username="udp")
        client = Client()
        client.force_login(udp)
        page = client.get(reverse("interventions:budget", args=[seregno.pk])).content.decode()
        for text in ["€ 132.000,00", "€ 49.000,00", "€ 27.000,00", "€ 2.500,00", "€ 211.500,00"]:
            assert text in page, text
        for item in CostItem.objects.filter(project=seregno):
            assert reverse("interventions:cost-item-edit", args=[item.pk]) in page
