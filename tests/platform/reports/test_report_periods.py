"""A report's year and quarters are the plan's local dates, as UTC instants the database can
compare: exactly the receipts whose local date falls in them, across daylight-saving time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lieu.platform.plans.calendar import CALIFORNIA, PlanCalendar
from lieu.platform.reports.periods import PeriodError, ReportYear

YEAR = 2026


def test_a_quarters_instants_hold_exactly_the_receipts_of_its_local_dates() -> None:
    """Every 30 minutes from 30 December 2025 to 2 January 2027 (both changes of daylight-saving
    time included): a moment is in a quarter's [starts, ends) when its local date is."""
    year = ReportYear.of(YEAR, CALIFORNIA)
    moment = datetime(2025, 12, 30, tzinfo=UTC)
    while moment < datetime(2027, 1, 2, tzinfo=UTC):
        day = CALIFORNIA.local_date(moment)
        for quarter in year.quarters:
            inside = quarter.starts <= moment < quarter.ends
            assert inside == (quarter.first <= day <= quarter.last), (moment, quarter)
        assert (year.whole.starts <= moment < year.whole.ends) == (day.year == YEAR)
        moment += timedelta(minutes=30)
    assert year.quarters[-1].last == date(2026, 12, 31)


def test_31_december_2330_in_los_angeles_is_in_the_year_that_ends() -> None:
    year = ReportYear.of(YEAR, CALIFORNIA)
    new_years_eve = datetime(2027, 1, 1, 7, 30, tzinfo=UTC)  # 23:30 PST on 31 December 2026
    assert year.quarters[3].starts <= new_years_eve < year.quarters[3].ends
    assert year.whole.ends == datetime(2027, 1, 1, 8, tzinfo=UTC)  # midnight PST


def test_a_plan_on_another_clock_has_its_own_boundaries() -> None:
    honolulu = ReportYear.of(YEAR, PlanCalendar("Pacific/Honolulu"))
    assert honolulu.whole.starts == datetime(2026, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("year", [1999, 3000, 26])
def test_a_year_no_one_reports_on_is_refused(year: int) -> None:
    with pytest.raises(PeriodError, match=f"year {year} is out of range"):
        ReportYear.of(year, CALIFORNIA)
