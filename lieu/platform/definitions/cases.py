"""Plain-language eligibility cases (YAML) shipped with each definition, run as tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from lieu.platform.definitions.eligibility import Assessment, Outcome, assess_member
from lieu.platform.definitions.library import Library, NotInForce
from lieu.platform.members.facts import DEFINITIONS_ROOT

MEMBERS_DIR = DEFINITIONS_ROOT / "members"
NOT_IN_FORCE = "not_in_force"  # an expected outcome: no version is in force on the date


@dataclass(frozen=True, slots=True)
class Case:
    """One case: a member on a date, and the outcome and reasons expected."""

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

    @property
    def id(self) -> str:
        """`plan/support: name`, for test ids."""
        return f"{self.plan}/{self.support}: {self.name}"


def case_files(root: Path = DEFINITIONS_ROOT) -> list[Path]:
    """Every `<plan>/<support>/cases/*.yaml` under root."""
    return sorted(root.glob("*/*/cases/*.yaml"))


def member_facts(value: object, members: Path = MEMBERS_DIR) -> dict[str, Any]:
    """A member given inline, by name (`members/<name>.yaml`), or as {base: name, ...changes}."""
    if isinstance(value, str):
        loaded: dict[str, Any] = yaml.safe_load((members / f"{value}.yaml").read_text("utf-8"))
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


def load_cases(path: Path, members: Path = MEMBERS_DIR) -> list[Case]:
    """The cases of one file; plan and support come from its folder `<plan>/<support>/cases/`."""
    raw = yaml.safe_load(path.read_text("utf-8"))
    support, plan = path.parent.parent.name, path.parent.parent.parent.name
    found = []
    for item in raw["cases"]:
        expect = item["expect"]
        as_of = item["as_of"]
        found.append(
            Case(
                source=path,
                name=item["name"],
                plan=plan,
                support=support,
                as_of=as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of)),
                member=_iso(member_facts(item["member"], members)),  # type: ignore[arg-type]
                outcome=(None if expect["outcome"] == NOT_IN_FORCE else Outcome(expect["outcome"])),
                failing=_ids(expect, "failing"),
                undetermined=_ids(expect, "undetermined"),
                missing=_ids(expect, "missing"),
            )
        )
    return found


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
        why = () if case.outcome is None else (f"{error}, expected {case.outcome.value}",)
        return CaseResult(case, None, why)
    if case.outcome is None:
        return CaseResult(case, None, (f"{definition.ref} is in force, expected none",))
    assessment = assess_member(definition, case.member, case.as_of)
    by_status: dict[str, list[str]] = {"failed": [], "undetermined": []}
    for criterion_id, status in assessment.statuses.items():
        by_status.setdefault(status.value, []).append(criterion_id)
    wrong: list[str] = []
    if assessment.outcome is not case.outcome:
        wrong.append(f"outcome {assessment.outcome.value}, expected {case.outcome.value}")
    for label, expected, got in (
        ("failing", case.failing, by_status["failed"]),
        ("undetermined", case.undetermined, by_status["undetermined"]),
        ("missing", case.missing, list(assessment.missing)),
    ):
        if expected is not None and sorted(expected) != sorted(got):
            wrong.append(f"{label} {sorted(got)}, expected {sorted(expected)}")
    return CaseResult(case, assessment, tuple(wrong))
