from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from famdesk.services.formatting import date_time, long_day, money, numeric_date, short_day

NNBSP = "\u202f"


def test_money_is_french():
    assert money(Decimal("3.20")) == "3,20\xa0€"
    assert money(Decimal("1234.50")) == f"1{NNBSP}234,50\xa0€"
    assert money(Decimal("-2.40")) == "-2,40\xa0€"


def test_dates_are_french():
    assert short_day(date(2026, 10, 5)) == "lun. 05/10"
    assert long_day(date(2026, 5, 19)) == "mardi 19 mai 2026"
    assert numeric_date(date(2026, 11, 27)) == "27/11/2026"
    paris = ZoneInfo("Europe/Paris")
    assert date_time(datetime(2026, 11, 27, 6, 0, tzinfo=paris)) == "27/11/2026 06:00"
