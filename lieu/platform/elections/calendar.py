"""The election calendar: configuration, and the pure date arithmetic of cycles and windows."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class MandatorySupport:
    """A support plans must offer, and may not remove, from a date."""

    support: str
    from_date: date
    reference: str = ""


@dataclass(frozen=True, slots=True)
class ElectionCalendar:
    """When plans may change what they offer.

    Defaults: cycles start on 1 January and 1 July; a cycle's window opens 90 days and closes
    60 days before it starts; removals take effect only at the annual boundary (1 January).
    """

    cycle_starts: tuple[tuple[int, int], ...] = ((1, 1), (7, 1))
    window_opens_days_before: int = 90
    window_closes_days_before: int = 60
    annual_boundary: tuple[int, int] = (1, 1)
    mandatory: tuple[MandatorySupport, ...] = ()
    reference: str = ""

    def __post_init__(self) -> None:
        if not self.cycle_starts:
            raise ValueError("an election calendar needs at least one cycle start (month, day)")
        if self.window_opens_days_before <= self.window_closes_days_before:
            raise ValueError(
                "window_opens_days_before must be larger than window_closes_days_before "
                f"(got {self.window_opens_days_before} and {self.window_closes_days_before})"
            )
        if self.window_closes_days_before < 0:
            raise ValueError("window_closes_days_before cannot be negative")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ElectionCalendar:
        """Read the calendar file's JSON (see benefit_definitions/elections/calendar.json)."""
        return cls(
            cycle_starts=tuple(_month_day(text) for text in data["cycle_starts"]),
            window_opens_days_before=int(data["window_opens_days_before"]),
            window_closes_days_before=int(data["window_closes_days_before"]),
            annual_boundary=_month_day(data["annual_boundary"]),
            mandatory=tuple(
                MandatorySupport(
                    m["support"], date.fromisoformat(m["from"]), m.get("reference", "")
                )
                for m in data.get("mandatory", [])
            ),
            reference=data.get("reference", ""),
        )

    @classmethod
    def load(cls, path: Path) -> ElectionCalendar:
        """Read a calendar file."""
        return cls.from_json(json.loads(path.read_text()))

    def cycle_for(self, start: date) -> Cycle:
        """The cycle that starts on `start`."""
        return Cycle(
            start=start,
            window_opens=start - timedelta(days=self.window_opens_days_before),
            window_closes=start - timedelta(days=self.window_closes_days_before),
            annual=(start.month, start.day) == self.annual_boundary,
        )

    def cycle_starts_after(self, day: date) -> list[date]:
        """Cycle start dates strictly after `day`, for the next three years, in order."""
        starts = [
            date(year, month, dom)
            for year in range(day.year, day.year + 3)
            for month, dom in self.cycle_starts
        ]
        return sorted(start for start in starts if start > day)

    def next_open_cycle(self, today: date) -> Cycle:
        """The earliest cycle whose change window has not closed yet on `today`."""
        for start in self.cycle_starts_after(today - timedelta(days=1)):
            cycle = self.cycle_for(start)
            if today < cycle.window_closes:
                return cycle
        raise AssertionError("a calendar always has a cycle within three years")

    def next_annual_cycle(self, after: date) -> Cycle:
        """The first cycle on the annual boundary whose window has not closed on `after`."""
        for start in self.cycle_starts_after(after - timedelta(days=1)):
            cycle = self.cycle_for(start)
            if cycle.annual and after < cycle.window_closes:
                return cycle
        raise AssertionError("an annual boundary falls within three years")

    def with_mandates(self, mandates: tuple[MandatorySupport, ...]) -> ElectionCalendar:
        """This calendar with the mandates the published baselines declare (`mandatory` in a
        DHCS definition); a support's mandate from the definitions replaces the file's."""
        named = {mandate.support for mandate in mandates}
        kept = tuple(m for m in self.mandatory if m.support not in named)
        return replace(self, mandatory=kept + mandates)

    def mandatory_on(self, support: str, day: date) -> MandatorySupport | None:
        """The mandate that forbids removing `support` on `day`, if any."""
        for mandate in self.mandatory:
            if mandate.support == support and day >= mandate.from_date:
                return mandate
        return None


@dataclass(frozen=True, slots=True)
class Cycle:
    """One election cycle: changes made in [window_opens, window_closes) take effect on start."""

    start: date
    window_opens: date
    window_closes: date
    annual: bool

    def is_open(self, today: date) -> bool:
        """Whether changes are accepted on `today`."""
        return self.window_opens <= today < self.window_closes

    def describe(self) -> str:
        """`the window for 2027-01-01 (opens 2026-10-03, closes 2026-11-02)`."""
        return (
            f"the window for {self.start.isoformat()} (opens {self.window_opens.isoformat()}, "
            f"closes {self.window_closes.isoformat()})"
        )


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    date(2024, month, day)  # rejects impossible days; 2024 is a leap year, so 02-29 is allowed
    return month, day
