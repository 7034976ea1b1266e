"""One member's assessment: the outcome and statuses at once, missing facts and reasons when read.

The generated function (``assessor``) hands over the statuses and a snapshot of every fact the
criteria read (``None`` when absent or null), so the missing facts and the reasons are worked out
from that snapshot only if someone asks, and later changes to the facts do not alter them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from lieu.platform.rules.reasons import Reason, Status

HELD = Status.HELD


class Outcome(StrEnum):
    """The overall answer for one member."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class Plan:
    """Each criterion's id, label and reads: (fact path, index of its value in ``packed``)."""

    ids: tuple[str, ...]
    labels: tuple[str, ...]
    reads: tuple[tuple[tuple[str, int], ...], ...]


class _Worked:
    """What an assessment works out only when asked."""

    __slots__ = ("by_id", "missing", "reasons", "unmet")

    def __init__(self) -> None:
        self.by_id: dict[str, Status] | None = None
        self.missing: tuple[str, ...] | None = None
        self.reasons: tuple[Reason, ...] | None = None
        self.unmet: tuple[Reason, ...] | None = None


class Assessment:
    """The outcome, each criterion's status (by id), and the missing facts of the criteria that
    did not hold; ``missing``, ``reasons`` and ``unmet`` are worked out when first read."""

    __slots__ = ("_outcome", "_packed", "_plan", "_worked")

    def __init__(self, outcome: Outcome, packed: tuple[object, ...], plan: Plan) -> None:
        """``packed``: each criterion's status, then the snapshot of the facts ``plan`` reads."""
        self._outcome = outcome
        self._packed = packed
        self._plan = plan
        self._worked: _Worked | None = None

    def _work(self) -> _Worked:
        if self._worked is None:
            self._worked = _Worked()
        return self._worked

    @property
    def outcome(self) -> Outcome:
        return self._outcome

    @property
    def statuses(self) -> Mapping[str, Status]:
        """Each criterion's status, by id, in criteria order."""
        worked = self._work()
        if worked.by_id is None:
            worked.by_id = dict(zip(self._plan.ids, self._packed, strict=False))  # type: ignore[arg-type]
        return worked.by_id

    @property
    def missing(self) -> tuple[str, ...]:
        """The facts, absent or null, read by the criteria that did not hold (first read first)."""
        worked = self._work()
        if worked.missing is None:
            found: dict[str, None] = {}
            if self._outcome is not Outcome.ELIGIBLE:
                packed = self._packed
                for status, reads in zip(packed, self._plan.reads, strict=False):
                    if status is not HELD:
                        for path, index in reads:
                            if packed[index] is None:
                                found[path] = None
            worked.missing = tuple(found)
        return worked.missing

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """One reason per criterion, in criteria order."""
        worked = self._work()
        if worked.reasons is None:
            worked.reasons = self._explain(unmet_only=False)
        return worked.reasons

    @property
    def unmet(self) -> tuple[Reason, ...]:
        """The reasons of the criteria that failed or were undetermined (cheaper than all)."""
        worked = self._work()
        if worked.unmet is None:
            eligible = self._outcome is Outcome.ELIGIBLE
            worked.unmet = () if eligible else self._explain(unmet_only=True)
        return worked.unmet

    def _explain(self, *, unmet_only: bool) -> tuple[Reason, ...]:
        plan, packed, found = self._plan, self._packed, []
        for index in range(len(plan.ids)):
            status = packed[index]
            if status is HELD and unmet_only:
                continue
            seen: dict[str, object] = {}
            missing: list[str] = []
            for path, at in plan.reads[index]:
                value = packed[at]
                if value is None:
                    missing.append(path)
                else:
                    seen[path] = value
            gaps = () if status is HELD else tuple(missing)
            reason = Reason(plan.ids[index], plan.labels[index], status, seen, gaps)  # type: ignore[arg-type]
            found.append(reason)
        return tuple(found)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        mine = (self.outcome, self.statuses, self.missing)
        return mine == (other.outcome, other.statuses, other.missing)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Assessment(outcome={self.outcome!r}, statuses={self.statuses!r}, "
            f"missing={self.missing!r})"
        )
