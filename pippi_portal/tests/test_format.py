import datetime
from decimal import Decimal

from pippi_portal.templatetags.portal import euro, hours, it_date


def test_euro_uses_italian_grouping_and_decimal_comma():
    assert euro(Decimal("211500")) == "€ 211.500,00"
    assert euro(Decimal("1234.565")) == "€ 1.234,57"
    assert euro(Decimal("-0.5")) == "€ -0,50"
    assert euro(None) == "—"


def test_hours_keep_one_decimal():
    assert hours(Decimal("6000")) == "6.000,0"
    assert hours(12.25) == "12,3"


def test_dates_are_dd_mm_yyyy():
    assert it_date(datetime.date(2026, 5, 31)) == "31/05/2026"
