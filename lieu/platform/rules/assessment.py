"""One member's assessment: the outcome and statuses at once, missing facts and reasons when read.

The generated function (``assessor``) hands over the statuses and a snapshot of every fact the
criteria read (``None`` when absent or null), so the missing facts and the reasons are worked out
from that snapshot only if someone asks, and later changes to the facts do not alter them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from lieu.platform.rules.facts import Condition
from lieu.platform.rules.reasons import Reason, Status
from lieu.platform.rules.relevance import Relevance
from lieu.platform.rules.wording import Wording

HELD = Status.HELD
FAILED = Status.FAILED


class Outcome(StrEnum):
    """The overall answer for one member."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class Plan:
    """Each criterion's id, label and reads: (fact path, index of its value in ``packed``), the
    paths it tests for absence (``missing``: the only way a missing fact turns a failure) and
    its conditions; the facts' words for the reasons' text; and which missing facts could still
    change each criterion (``relevance``)."""

    ids: tuple[str, ...]
    labels: tuple[str, ...]
    reads: tuple[tuple[tuple[str, int], ...], ...]
    absence: tuple[frozenset[str], ...]
    conditions: tuple[tuple[Condition, ...], ...]
    wording: Wording
    facts: tuple[tuple[str, ...], ...]  # the paths of `reads`
    relevance: Relevance


class _Worked:
    """What an assessment works out only when asked."""

    __slots__ = ("by_id", "data", "missing", "open", "reasons", "unmet")

    def __init__(self) -> None:
        self.by_id: dict[str, Status] | None = None
        self.open: dict[int, frozenset[str]] | None = None
        self.data: tuple[dict[str, object], frozenset[str]] | None = None
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
        """The facts, absent or null, that could change the outcome if they were known (first
        read first): those that could change a criterion that did not hold, given the facts
        that are known (``relevance``: a 36-year-old is not asked about foster care under 21).

        A failed criterion fails whatever its missing facts turn out to be (Kleene logic), unless
        it tests their absence with ``missing``; so a not-eligible outcome lists none, unless every
        failed criterion could turn that way.
        """
        worked = self._work()
        if worked.missing is None:
            worked.missing = self._missing() if self._outcome is not Outcome.ELIGIBLE else ()
        return worked.missing

    def _open(self, index: int) -> frozenset[str]:
        """The missing facts that could change criterion ``index`` (worked out once each)."""
        worked = self._worked or self._work()
        if worked.open is None:
            worked.open = {}
        found = worked.open.get(index)
        if found is None:
            packed, plan = self._packed, self._plan
            status = packed[index]
            if status is HELD or (status is FAILED and not plan.absence[index]):
                found = frozenset()  # settled whatever the missing facts say: nothing to ask
            else:
                found = plan.relevance.opened(index, packed)
            if found is None:  # atoms that need the whole facts: rebuild them from the snapshot
                if worked.data is None:
                    snapshot = {path: packed[at] for reads in plan.reads for path, at in reads}
                    worked.data = plan.relevance.facts(snapshot)
                found = plan.relevance.open_facts(index, *worked.data)
            worked.open[index] = found
        return found

    def _missing(self) -> tuple[str, ...]:
        packed, plan = self._packed, self._plan
        for index in range(len(plan.ids)):  # a criterion failing for good settles it at once
            if packed[index] is FAILED and not plan.absence[index]:
                return ()
        found: dict[str, None] = {}
        for index, reads in enumerate(plan.reads):
            status = packed[index]
            if status is HELD:
                continue
            could_change = self._open(index)
            absent = [path for path, _ in reads if path in could_change]
            if status is FAILED and not absent:
                return ()  # this criterion fails whatever facts are supplied
            found.update(dict.fromkeys(absent))
        return tuple(found)

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
        worked = self._worked or self._work()
        if worked.unmet is None:
            eligible = self._outcome is Outcome.ELIGIBLE
            worked.unmet = () if eligible else self._explain(unmet_only=True)
        return worked.unmet

    def _explain(self, *, unmet_only: bool) -> tuple[Reason, ...]:
        plan, packed, found = self._plan, self._packed, []
        eligible = self._outcome is Outcome.ELIGIBLE
        for index, reads in enumerate(plan.reads):
            status = packed[index]
            if status is HELD and unmet_only:
                continue
            seen: dict[str, object] = {}
            missing: list[str] = []
            for path, at in reads:
                value = packed[at]
                if value is None:
                    missing.append(path)
                else:
                    seen[path] = value
            if status is HELD or eligible or not missing:
                gaps: tuple[str, ...] = ()
            elif status is FAILED and not plan.absence[index]:
                gaps = ()  # it fails whatever the missing facts say
            else:  # only the facts that could still change it (for a failed one: absence tests)
                could_change = self._open(index)
                gaps = tuple([path for path in missing if path in could_change])
            reason = Reason(
                plan.ids[index],
                plan.labels[index],
                status,  # type: ignore[arg-type]
                seen,
                gaps,
                plan.conditions[index],
                plan.wording,
                plan.facts[index],
            )
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
