"""Plain-language eligibility cases (YAML) shipped with each definition, run as tests.

A file ``<plan>/<support>/cases/*.yaml`` holds ``cases:``, each a member on one or more dates
and what the engine must answer::

    - name: Ana has 216 respite hours left after 120 used in January
      as_of: [2026-03-02, 2026-10-15]      # one date, or several with the same expectation
      member: ana                          # a persona, inline facts, or {base: ana, ...changes}
      usage:                               # prior use on the limits' counters (optional)
        - {start: 2026-01-12, amount: 120}  # support: this one unless named; end: the start;
                                            # counter: every one counting the support unless named
      expect: {outcome: eligible, remaining: {respite-hours-per-year: 216}}

or, when the answer changes with the date (a new version in force), ``expect_on:`` mapping each
date to its own expectation. ``corrects:`` names what a new version of the definition fixes:
such a case must fail under the version before it (a test checks that it does). An expectation
gives ``outcome`` (``eligible``, ``not_eligible``, ``undetermined`` or ``not_in_force``), and
optionally ``failing``, ``undetermined`` and ``missing`` (criterion ids and fact paths, in any
order) and ``remaining`` (limit id → what is left on the date, computed by the ledger's window
arithmetic over the ``usage`` given).
Both pytest (tests/platform/definitions/test_definitions_cases.py) and ``lieu definitions test``
run them through ``run_case``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from lieu.platform.definitions.case_balances import PriorUse, remaining_mismatches
from lieu.platform.definitions.eligibility import Assessment, Outcome, assess_member
from lieu.platform.definitions.library import Library, NotInForce
from lieu.platform.limits.spec import LimitSpecError, amount
from lieu.platform.members.facts import DEFINITIONS_ROOT

MEMBERS_DIR = DEFINITIONS_ROOT / "members"
NOT_IN_FORCE = "not_in_force"  # an expected outcome: no version is in force on the date
EXPECT_KEYS = ("outcome", "failing", "undetermined", "missing", "remaining")
CASE_KEYS = ("name", "as_of", "member", "expect", "expect_on", "usage", "corrects")


class CaseFileError(ValueError):
    """A case file cannot be read as cases; the message names the file, the case and the fix."""


@dataclass(frozen=True, slots=True)
class Case:
    """One case on one date: a member, and the outcome, reasons and balances expected."""

    source: Path
    name: str
    plan: str
    support: str
    as_of: date
    member: Mapping[str, Any]
    outcome: Outcome | None  # None: no version is in force on the date
    failing: tuple[str, ...] | None = None
    undetermined: tuple[str, ...] | None = None
    missing: tuple[str, ...] | None = None
    check_outcome: bool = True  # False: the expectation names only balances
    usage: tuple[PriorUse, ...] = ()
    remaining: Mapping[str, Decimal] | None = None
    dated: bool = False  # one of several dates of one case: the id names the date
    corrects: str | None = None  # the audit item a new version fixes, which this case shows

    @property
    def id(self) -> str:
        """`plan/support: name` (and `@ date` for a case given several dates), for test ids."""
        suffix = f" @ {self.as_of}" if self.dated else ""
        return f"{self.plan}/{self.support}: {self.name}{suffix}"


def case_files(root: Path = DEFINITIONS_ROOT) -> list[Path]:
    """Every `<plan>/<support>/cases/*.yaml` under root."""
    return sorted(root.glob("*/*/cases/*.yaml"))


def member_facts(value: object, members: Path = MEMBERS_DIR) -> dict[str, Any]:
    """A member given inline, by name (`members/<name>.yaml`), or as {base: name, ...changes}."""
    if isinstance(value, str):
        path = members / f"{value}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in members.glob("*.yaml"))) or "none"
            raise ValueError(f"no member {value!r} in {members}; known members: {known}")
        loaded: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
        return loaded
    if not isinstance(value, dict):
        raise ValueError(f"a case's member must be a name or a mapping, not {value!r}")
    if "base" not in value:
        return dict(value)
    changes = {k: v for k, v in value.items() if k != "base"}
    return _merge(member_facts(value["base"], members), changes)


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, change in changes.items():
        if isinstance(change, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], change)
        elif change is None:
            merged.pop(key, None)  # `key: null` in a variant removes the fact
        else:
            merged[key] = change
    return merged


def _iso(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


def _date(value: object, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a date; write it YYYY-MM-DD") from None


def load_cases(path: Path, members: Path = MEMBERS_DIR) -> list[Case]:
    """The cases of one file (one per case and date); plan and support come from its folder
    `<plan>/<support>/cases/`. Raises CaseFileError naming the case and what to fix."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (
        OSError,
        ValueError,
        yaml.YAMLError,
    ) as error:  # PyYAML raises ValueError for 2026-13-01
        raise CaseFileError(f"{path}: cannot be read as YAML: {error}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise CaseFileError(f"{path}: a case file holds `cases:`, a list of cases")
    support, plan = path.parent.parent.name, path.parent.parent.parent.name
    found: list[Case] = []
    for index, item in enumerate(raw["cases"]):
        name = item.get("name") if isinstance(item, dict) else None
        where = f"{path}: case {index + 1}" + (f" ({name})" if name else "")
        try:
            found.extend(_cases(item, path, plan, support, members))
        except (ValueError, LimitSpecError, KeyError, TypeError) as error:
            detail = f"needs {error}" if isinstance(error, KeyError) else str(error)
            raise CaseFileError(f"{where}: {detail}") from None
    return found


def _cases(item: object, path: Path, plan: str, support: str, members: Path) -> list[Case]:
    if not isinstance(item, dict):
        raise ValueError("a case is a mapping with name, member, as_of and expect")
    unknown = sorted(set(item) - set(CASE_KEYS))
    if unknown:
        raise ValueError(f"unknown key(s) {unknown}; a case has {', '.join(CASE_KEYS)}")
    if not isinstance(item.get("name"), str) or not item["name"].strip():
        raise ValueError("a case needs a name saying, in words, what it shows")
    if ("expect_on" in item) == ("expect" in item or "as_of" in item):
        raise ValueError("give `as_of` and `expect`, or `expect_on` (date: expectation), not both")
    if "expect_on" in item:
        if not isinstance(item["expect_on"], dict) or not item["expect_on"]:
            raise ValueError("expect_on maps each date to what is expected on it")
        dated = [(_date(d, "date"), e) for d, e in item["expect_on"].items()]
    else:
        days = item["as_of"] if isinstance(item["as_of"], list) else [item["as_of"]]
        if not days:
            raise ValueError("as_of lists at least one date")
        dated = [(_date(d, "as_of"), item["expect"]) for d in days]
    member = _iso(member_facts(item["member"], members))
    usage = tuple(_usage(entry, support) for entry in item.get("usage") or ())
    cases = []
    for on, expect in dated:
        if not isinstance(expect, dict):
            raise ValueError(
                f"the expectation on {on} must be a mapping like {{outcome: eligible}}"
            )
        cases.append(
            _case(expect, path, plan, support, on, member, usage, dated=len(dated) > 1, name=item)
        )
    return cases


def _case(
    expect: Mapping[str, Any],
    path: Path,
    plan: str,
    support: str,
    on: date,
    member: object,
    usage: tuple[PriorUse, ...],
    *,
    dated: bool,
    name: Mapping[str, Any],
) -> Case:
    unknown = sorted(set(expect) - set(EXPECT_KEYS))
    if unknown:
        raise ValueError(f"unknown expectation(s) {unknown}; use {', '.join(EXPECT_KEYS)}")
    if "outcome" not in expect and "remaining" not in expect:
        raise ValueError("an expectation names an outcome, a remaining balance, or both")
    written = expect.get("outcome")
    if written is not None and written != NOT_IN_FORCE and written not in set(Outcome):
        allowed = ", ".join([*(o.value for o in Outcome), NOT_IN_FORCE])
        raise ValueError(f"outcome {written!r} is not one of {allowed}")
    remaining = expect.get("remaining")
    if remaining is not None and not isinstance(remaining, dict):
        raise ValueError("remaining maps a limit id to the amount left, e.g. {respite-hours: 36}")
    return Case(
        source=path,
        name=str(name["name"]),
        plan=plan,
        support=support,
        as_of=on,
        member=member,  # type: ignore[arg-type]
        outcome=(None if written in (None, NOT_IN_FORCE) else Outcome(written)),
        failing=_ids(expect, "failing"),
        undetermined=_ids(expect, "undetermined"),
        missing=_ids(expect, "missing"),
        check_outcome="outcome" in expect,
        usage=usage,
        remaining=None
        if remaining is None
        else {str(k): amount(v, f"remaining {k!r}") for k, v in remaining.items()},
        dated=dated,
        corrects=None if name.get("corrects") is None else str(name["corrects"]),
    )


def _usage(entry: object, support: str) -> PriorUse:
    if not isinstance(entry, dict) or "start" not in entry or "amount" not in entry:
        raise ValueError(
            "a usage entry is {start: YYYY-MM-DD, amount: N} (end and support optional)"
        )
    unknown = sorted(set(entry) - {"support", "start", "end", "amount", "counter"})
    if unknown:
        raise ValueError(
            f"unknown usage key(s) {unknown}; use support, start, end, amount, counter"
        )
    start = _date(entry["start"], "usage start")
    end = _date(entry.get("end", start), "usage end")
    if end < start:
        raise ValueError(f"usage ends {end} before it starts {start}")
    counter = entry.get("counter")
    return PriorUse(
        str(entry.get("support", support)),
        start,
        end,
        amount(entry["amount"], "usage amount"),
        None if counter is None else str(counter),
    )


def _ids(expect: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    return tuple(expect[key]) if key in expect else None


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What the engine said for a case, and every way that differs from what was expected."""

    case: Case
    assessment: Assessment | None
    mismatches: tuple[str, ...]


def run_case(case: Case, library: Library) -> CaseResult:
    """Assess the case's member against the definition in force on the case's date."""
    try:
        definition = library.in_force(case.plan, case.support, case.as_of)
    except NotInForce as error:
        expected = case.outcome is not None or not case.check_outcome
        why = (f"{error}, expected {_said(case)}",) if expected else ()
        return CaseResult(case, None, why)
    if case.check_outcome and case.outcome is None:
        return CaseResult(case, None, (f"{definition.ref} is in force, expected none",))
    assessment = assess_member(definition, case.member, case.as_of)
    wrong: list[str] = []
    if case.check_outcome and case.outcome is not None:
        wrong.extend(_outcome_mismatches(case, case.outcome, assessment, definition.ref))
    if case.remaining is not None:
        wrong.extend(remaining_mismatches(definition, case.usage, case.remaining, case.as_of))
    return CaseResult(case, assessment, tuple(wrong))


def _said(case: Case) -> str:
    return case.outcome.value if case.outcome is not None else "a version in force"


def _outcome_mismatches(
    case: Case, outcome: Outcome, assessment: Assessment, ref: object
) -> list[str]:
    by_status: dict[str, list[str]] = {"failed": [], "undetermined": []}
    for criterion_id, status in assessment.statuses.items():
        by_status.setdefault(status.value, []).append(criterion_id)
    wrong: list[str] = []
    if assessment.outcome is not outcome:
        wrong.append(f"outcome {assessment.outcome.value} under {ref}, expected {outcome.value}")
    for label, expected, got in (
        ("failing", case.failing, by_status["failed"]),
        ("undetermined", case.undetermined, by_status["undetermined"]),
        ("missing", case.missing, list(assessment.missing)),
    ):
        if expected is not None and sorted(expected) != sorted(got):
            wrong.append(f"{label} {sorted(got)}, expected {sorted(expected)}")
    return wrong
