"""The election calendar: six-month cycles, windows before them, removals only annually."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lieu.platform.definitions.library import load_library
from lieu.platform.elections.calendar import ElectionCalendar
from lieu.platform.elections.changes import (
    ChangeKind,
    ElectionChange,
    Refusal,
    check_against_offerings,
    check_calendar,
)
from lieu.platform.elections.mandates import mandates_of

CALENDAR_FILE = (
    Path(__file__).resolve().parents[3] / "benefit_definitions" / "elections" / "calendar.json"
)
# the mandates come from the DHCS baselines (transitional-rent/v2.json), as `lieu dev` adds them
CALENDAR = ElectionCalendar.load(CALENDAR_FILE).with_mandates(
    mandates_of(load_library().definitions.values())
)


def change(kind: ChangeKind, support: str = "respite", county: str = "alameda") -> ElectionChange:
    return ElectionChange(plan="demo-plan", county=county, support=support, kind=kind, actor="pat")


def test_the_shipped_calendar_has_january_and_july_cycles_and_mandatory_transitional_rent() -> None:
    assert CALENDAR.cycle_starts == ((1, 1), (7, 1))
    assert CALENDAR.annual_boundary == (1, 1)
    mandate = CALENDAR.mandatory_on("transitional-rent", date(2026, 1, 1))
    assert mandate is not None and "Mandatory for MCPs 1/1/26" in mandate.reference
    assert CALENDAR.mandatory_on("transitional-rent", date(2025, 12, 31)) is None
    # the file itself names none: the baseline is the one place a mandate is written
    assert ElectionCalendar.load(CALENDAR_FILE).mandatory == ()


def test_window_opens_ninety_and_closes_sixty_days_before_the_cycle() -> None:
    cycle = CALENDAR.cycle_for(date(2027, 1, 1))
    assert (cycle.window_opens, cycle.window_closes) == (date(2026, 10, 3), date(2026, 11, 2))
    assert cycle.annual
    assert not CALENDAR.cycle_for(date(2027, 7, 1)).annual
    assert cycle.is_open(date(2026, 10, 3)) and cycle.is_open(date(2026, 11, 1))
    assert not cycle.is_open(date(2026, 11, 2)) and not cycle.is_open(date(2026, 10, 2))


def test_next_open_cycle_skips_a_cycle_whose_window_has_closed() -> None:
    assert CALENDAR.next_open_cycle(date(2026, 11, 1)).start == date(2027, 1, 1)
    assert CALENDAR.next_open_cycle(date(2026, 11, 2)).start == date(2027, 7, 1)
    assert CALENDAR.next_open_cycle(date(2027, 7, 1)).start == date(2028, 1, 1)


def test_additions_are_accepted_in_any_open_window() -> None:
    cycle = CALENDAR.cycle_for(date(2027, 7, 1))
    check_calendar(change(ChangeKind.ADD), cycle=cycle, today=date(2027, 4, 10), calendar=CALENDAR)


def test_a_removal_in_the_july_window_is_refused_with_the_annual_window_dates() -> None:
    cycle = CALENDAR.cycle_for(date(2027, 7, 1))
    with pytest.raises(Refusal) as refused:
        check_calendar(
            change(ChangeKind.REMOVE), cycle=cycle, today=date(2027, 4, 10), calendar=CALENDAR
        )
    assert refused.value.code == "removal_outside_annual_boundary"
    assert "2028-01-01 (opens 2027-10-03, closes 2027-11-02)" in refused.value.message


def test_a_late_change_is_refused_with_the_next_window_dates() -> None:
    cycle = CALENDAR.cycle_for(date(2027, 7, 1))
    with pytest.raises(Refusal) as refused:
        check_calendar(
            change(ChangeKind.ADD), cycle=cycle, today=date(2027, 5, 2), calendar=CALENDAR
        )
    assert refused.value.code == "window_closed"
    assert "2028-01-01 (opens 2027-10-03, closes 2027-11-02)" in refused.value.message


def test_removing_transitional_rent_after_its_mandate_is_refused() -> None:
    cycle = CALENDAR.cycle_for(date(2027, 1, 1))
    with pytest.raises(Refusal) as refused:
        check_calendar(
            change(ChangeKind.REMOVE, "transitional-rent"),
            cycle=cycle,
            today=date(2026, 10, 10),
            calendar=CALENDAR,
        )
    assert refused.value.code == "mandatory_support"
    assert "2026-01-01" in refused.value.message


@pytest.mark.parametrize(
    ("bad", "code", "words"),
    [
        (change(ChangeKind.ADD, county="alamedaa"), "unknown_county", "did you mean 'alameda'"),
        (change(ChangeKind.ADD, support="yoga"), "unknown_support", "not a Community Support"),
    ],
)
def test_unknown_counties_and_supports_are_refused_with_a_hint(
    bad: ElectionChange, code: str, words: str
) -> None:
    cycle = CALENDAR.cycle_for(date(2027, 7, 1))
    with pytest.raises(Refusal) as refused:
        check_calendar(bad, cycle=cycle, today=date(2027, 4, 10), calendar=CALENDAR)
    assert refused.value.code == code
    assert words in refused.value.message


def test_a_second_change_to_the_same_support_and_county_is_a_duplicate() -> None:
    cycle = CALENDAR.cycle_for(date(2027, 7, 1))
    first = change(ChangeKind.ADD)
    with pytest.raises(Refusal, match="already pending") as refused:
        check_calendar(
            first, cycle=cycle, today=date(2027, 4, 10), calendar=CALENDAR, pending=[first]
        )
    assert refused.value.code == "duplicate"


def test_adding_an_offered_or_unpublished_support_and_removing_an_unoffered_one_are_refused() -> (
    None
):
    cycle = CALENDAR.cycle_for(date(2028, 1, 1))
    published = {"respite", "asthma-remediation"}
    with pytest.raises(Refusal) as offered:
        check_against_offerings(
            change(ChangeKind.ADD), cycle=cycle, offered_on_start={"respite"}, published=published
        )
    assert offered.value.code == "duplicate"
    with pytest.raises(Refusal) as unpublished:
        check_against_offerings(
            change(ChangeKind.ADD, "sobering-centers"),
            cycle=cycle,
            offered_on_start=set(),
            published=published,
        )
    assert unpublished.value.code == "support_not_published"
    with pytest.raises(Refusal) as unoffered:
        check_against_offerings(
            change(ChangeKind.REMOVE), cycle=cycle, offered_on_start=set(), published=published
        )
    assert unoffered.value.code == "not_offered"


def test_a_calendar_whose_window_closes_before_it_opens_is_rejected() -> None:
    with pytest.raises(ValueError, match="must be larger"):
        ElectionCalendar(window_opens_days_before=30, window_closes_days_before=60)
