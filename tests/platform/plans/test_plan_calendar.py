"""The plan's clock: local business dates, working days that skip the state's holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lieu.platform.plans.calendar import BEFORE_PLANS, CALIFORNIA, CalendarError, PlanCalendar

PACIFIC = CALIFORNIA.zone


def test_a_friday_evening_in_los_angeles_is_friday_though_it_is_saturday_in_utc() -> None:
    evening = datetime(2026, 1, 16, 17, 30, tzinfo=PACIFIC).astimezone(UTC)
    assert evening.date() == date(2026, 1, 17)
    assert CALIFORNIA.local_date(evening) == date(2026, 1, 16)


def test_working_days_skip_the_weekend_and_californias_holidays() -> None:
    friday = datetime(2026, 1, 16, 17, 30, tzinfo=PACIFIC)
    due = CALIFORNIA.add_working_days(friday, 1).astimezone(PACIFIC)
    assert due == datetime(2026, 1, 20, 17, 30, tzinfo=PACIFIC)  # not MLK Monday
    assert CALIFORNIA.is_holiday(date(2026, 3, 31))  # Cesar Chavez Day, a state holiday
    assert CALIFORNIA.is_holiday(date(2026, 11, 27))  # the day after Thanksgiving
    assert not BEFORE_PLANS.is_holiday(date(2026, 11, 27))


def test_a_calendar_resolved_for_a_workflow_counts_the_same_days_without_the_library() -> None:
    resolved = CALIFORNIA.resolved(2026, 2027)
    assert date(2026, 12, 25) in resolved.days_off
    start = datetime(2026, 12, 18, 17, 30, tzinfo=PACIFIC)
    assert resolved.add_working_days(start, 6) == CALIFORNIA.add_working_days(start, 6)


def test_calendar_days_keep_the_local_time_across_daylight_saving() -> None:
    before = datetime(2026, 3, 6, 9, 0, tzinfo=PACIFIC)  # PST; DST starts 8 March
    after = CALIFORNIA.add_calendar_days(before, 7).astimezone(PACIFIC)
    assert after.hour == 9 and after.tzname() == "PDT"


def test_a_day_in_force_ends_at_the_next_local_midnight() -> None:
    ends = CALIFORNIA.day_ends(date(2026, 12, 11))
    assert ends == datetime(2026, 12, 12, 0, 0, tzinfo=PACIFIC).astimezone(UTC)
    assert CALIFORNIA.words(ends) == "2026-12-12 00:00 PST"


def test_an_unknown_zone_or_holiday_region_says_what_to_use() -> None:
    with pytest.raises(CalendarError, match="IANA name"):
        PlanCalendar("Pacific Time").check()
    with pytest.raises(CalendarError, match="'US-CA'"):
        PlanCalendar("America/Los_Angeles", "US-XX").check()
