import datetime
from decimal import Decimal

import pytest

from families.models import Member
from interventions.models import Intervention, InterventionType
from sinba.models import Ente, ServiceCode
from tests import factories as f

TEST_KEY = "test-only-sinba-beneficiary-id-key"


@pytest.fixture(autouse=True)
def _sinba_key(settings):
    settings.SINBA_ID_KEY = TEST_KEY


def make_ente(ambito, code="I625", **fields) -> Ente:
    return Ente.objects.create(
        ambito=ambito,
        code=code,
        name=fields.pop("name", f"Comune capofila {ambito.code}"),
        seat_code=code,
        tax_code=fields.pop("tax_code", "00000000000"),
        region=fields.pop("region", "03"),
        **fields,
    )


def sedt_type() -> InterventionType:
    return InterventionType.objects.get(code="sedt", ambito__isnull=True)


def give_sedt_code() -> ServiceCode:
    return ServiceCode.objects.update_or_create(
        intervention_type=sedt_type(), defaults={"code": "A2.02", "source": "Verificato per la prova"}
    )[0]


def sinba_family(world, *, children=1, address="Via dei Tigli 4, Comune Alfa", **family_fields):
    """A family whose data the return needs are all there, with an educational intervention."""
    family = f.make_family(world, children=children, address=address, **family_fields)
    family.sinba_judicial_report = "2"
    family.sinba_family_assessment = "2"
    family.save()
    family.members.filter(kind=Member.Kind.MINORE).update(
        sinba_condition="1", sinba_living_place="1", sinba_school="5", sinba_disability="2", sinba_assessment="2"
    )
    Intervention.objects.create(
        family=family, type=sedt_type(), start_date=datetime.date(2024, 3, 18), planned_hours_per_week=Decimal("8")
    )
    return family
