"""Bar charts as server-rendered SVG (no script, no chart library): the geometry here, the markup
in templates/_chart.html, which also renders the same figures as a table for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 480, 160
AXIS = 24  # room under the bars for the week labels
TOP = 14  # room above the tallest bar for its figure


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, figure, and where it is drawn."""

    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float

    @property
    def words(self) -> str:
        if self.value is None:
            return "none"
        return f"{self.value:g}"


@dataclass(frozen=True, slots=True)
class Chart:
    """A titled bar chart of one figure per label."""

    key: str  # unique in the page (element ids)
    title: str
    unit: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - AXIS

    @property
    def highest(self) -> float:
        return max((bar.value or 0 for bar in self.bars), default=0)


def bar_chart(key: str, title: str, unit: str, points: Sequence[tuple[str, float | None]]) -> Chart:
    """The chart of `points` (label, figure; None when there is no figure), bars scaled to the
    highest figure."""
    highest = max((value or 0 for _label, value in points), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    room = HEIGHT - AXIS - TOP
    bars = []
    for index, (label, value) in enumerate(points):
        tall = room * (value or 0) / highest
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(index * slot + slot * 0.15, 1),
                y=round(HEIGHT - AXIS - tall, 1),
                width=round(slot * 0.7, 1),
                height=round(tall, 1),
            )
        )
    return Chart(key=key, title=title, unit=unit, bars=bars)
