"""The family page's SINBA panel (families/sinba_gaps.py) and the flow builder (sinba/records.py) say the same
gaps for the fields of the case work: a field the panel calls complete is never a gap of the flow."""

import datetime

import pytest

from families.models import Member, Placement, Referral
from families.sinba_gaps import child_gaps
from sinba import records

from .conftest import sinba_family

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 3)
# The Ufficio di Piano's part of the record, not the case manager's: not on the panel.
NOT_ON_PANEL = {"CodicePrestazione", "CodiceRegioneResidenza", "Ente", "FasciaEtaBeneficiario"}

CHANGES = [
    {},
    {"child": {"sinba_condition": ""}},
    {"child": {"sinba_school": "", "sinba_assessment": ""}},
    {"child": {"birth_date": datetime.date(2009, 1, 1)}},
    {"child": {"birth_date": datetime.date(2009, 1, 1), "sinba_work": "2"}},
    {"family": {"sinba_family_assessment": ""}},
    {"family": {"sinba_judicial_report": ""}},
    {"referral": {"source": Referral.Source.SERVIZIO_SOCIALE, "sinba_source": ""}},
    {"referral": {"source": Referral.Source.SERVIZIO_SOCIALE, "sinba_source": "1"}},
    {"referral": {"source": Referral.Source.AUTORITA_GIUDIZIARIA, "sinba_source": ""}},
    {"parents": "none"},
    # The optional details (docs/sinba.md): never a gap, on either side.
    {"child": {"sinba_disability": "1"}},
    {"child": {"sinba_disability": "1", "sinba_disability_type": "2", "sinba_disability_certification": "5"}},
    {"family": {"sinba_collaboration": "3"}},
    # A placement adds no gap on either side (the specification has no rule between its fields).
    {"placement": {"kind": "affido", "form": "1", "affido_type": "1", "affido_time": "2", "affido_character": "2"}},
    {
        "placement": {
            "kind": "residenziale",
            "form": "2",
            "residential_character": "4",
            "residential_type": "2",
            "end_date": datetime.date(2026, 6, 1),
            "residential_outcome": "2",
        },
        "child": {"sinba_school": ""},
    },
]


@pytest.mark.parametrize("change", CHANGES)
def test_the_panel_and_the_flow_name_the_same_gaps(world, change):
    family = sinba_family(world)
    Referral.objects.filter(family=family).update(source=Referral.Source.SCUOLA)
    child = family.members.filter(kind=Member.Kind.MINORE).first()
    Member.objects.filter(pk=child.pk).update(**change.get("child", {}))
    type(family).objects.filter(pk=family.pk).update(**change.get("family", {}))
    Referral.objects.filter(family=family).update(**change.get("referral", {}))
    if "placement" in change:
        Placement.objects.create(member=child, start_date=datetime.date(2026, 1, 5), **change["placement"])
    if change.get("parents") == "none":
        family.members.filter(kind=Member.Kind.FIGURA_GENITORIALE).update(kind=Member.Kind.ALTRO_CONVIVENTE)
    family = type(family).objects.select_related("referral").get(pk=family.pk)
    members = list(family.members.order_by("pk"))
    child = next(m for m in members if m.pk == child.pk)
    others = [m for m in members if m.pk != child.pk]
    record = records.build(
        ambito_code="TST",
        region="03",
        family=family,
        referral=family.referral,
        child=child,
        others=others,
        service_code="A2.02",
        service_name="SEDT",
        on=TODAY,
    )
    gaps, adult = child_gaps(family=family, child=child, others=others, on=TODAY)
    assert not adult
    assert {g.field for g in gaps} == {name for name, _reason in record.gaps} - NOT_ON_PANEL
    if "placement" in change:
        assert "FormaInterventoAffido" in record.attributes or "FormaInserimentoResidenziale" in record.attributes
