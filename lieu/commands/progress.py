"""Progress of a long command on stderr: a live line on a terminal, and one summary line at the end.

The live line (count, rate, percentage and ETA when the size of the work is known) is drawn only
when stderr is a terminal and the command was not asked to be quiet, at most a few times a
second; the summary is always printed, so a log still says what was done and how fast. Output on
stdout is never touched: `lieu screen members.jsonl | jq …` stays clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

REDRAW_SECONDS = 0.25
_CLEAR_LINE = "\r\x1b[K"


def duration(seconds: float) -> str:
    """`0.4 s`, `42 s`, `3:07`, `1:02:03`."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _count(value: float) -> str:
    return f"{value:,.0f}"


class Progress:
    """Counts items (and optionally bytes read) and shows how far a job is.

    `total` is the number of items when known (`members synth --count`), `total_bytes` the size
    of the input when only that is known (`screen FILE`): either gives a percentage and an ETA.
    Use it as a context manager; `advance` is cheap enough to call once per item.
    """

    def __init__(
        self,
        doing: str,
        unit: str,
        *,
        total: int | None = None,
        total_bytes: int | None = None,
        quiet: bool = False,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.doing = doing
        self.unit = unit
        self.total = total
        self.total_bytes = total_bytes or None
        self.stream = stream if stream is not None else sys.stderr
        self.live = not quiet and _is_terminal(self.stream)
        self.clock = clock
        self.done = 0
        self.bytes = 0
        self.started = clock()
        self._next_draw = self.started + REDRAW_SECONDS
        self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.clear()

    @property
    def elapsed(self) -> float:
        return max(self.clock() - self.started, 1e-9)

    @property
    def rate(self) -> float:
        """Items per second so far."""
        return self.done / self.elapsed

    def advance(self, items: int = 1, *, nbytes: int = 0) -> None:
        """Count `items` more done (and `nbytes` more read); redraw if it is time."""
        self.done += items
        self.bytes += nbytes
        if self.live and (now := self.clock()) >= self._next_draw:
            self._next_draw = now + REDRAW_SECONDS
            self._draw()

    def fraction(self) -> float | None:
        """How much of the work is done (0-1), when its size is known."""
        if self.total:
            return min(self.done / self.total, 1.0)
        if self.total_bytes:
            return min(self.bytes / self.total_bytes, 1.0)
        return None

    def line(self) -> str:
        """The live line: `screening: 12,000 members, 4,100/s, 37%, ETA 0:12`."""
        shown = _count(self.done)
        if self.total is not None:
            shown += f" of {_count(self.total)}"
        parts = [f"{self.doing}: {shown} {self.unit}", f"{_count(self.rate)}/s"]
        fraction = self.fraction()
        if fraction is not None:
            parts.append(f"{fraction:.0%}")
            if 0 < fraction < 1:
                parts.append(f"ETA {duration(self.elapsed * (1 - fraction) / fraction)}")
        return ", ".join(parts)

    def _draw(self) -> None:
        self.stream.write(_CLEAR_LINE + self.line())
        self.stream.flush()
        self._drawn = True

    def clear(self) -> None:
        """Remove the live line (before the summary or an error is printed)."""
        if self._drawn:
            self.stream.write(_CLEAR_LINE)
            self.stream.flush()
            self._drawn = False

    def timing(self) -> str:
        """`in 4.3 s (4,650/s)`."""
        return f"in {duration(self.elapsed)} ({_count(self.rate)}/s)"

    def summary(self, done: str, detail: str = "") -> str:
        """`lieu: screened 20,000 members <detail> in 4.3 s (4,650/s)`."""
        what = f"{_count(self.done)} {self.unit}" + (f" {detail}" if detail else "")
        return f"lieu: {done} {what} {self.timing()}"

    def finish(self, done: str, detail: str = "") -> None:
        """Clear the live line and print the one-line summary (always, even when quiet)."""
        self.clear()
        self.stream.write(self.summary(done, detail) + "\n")
        self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
