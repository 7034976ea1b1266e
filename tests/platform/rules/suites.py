"""Where the JsonLogic conformance suites are read from, and what happens when they are absent.

The suites are public test data kept outside the repository, in ``shared/data/jsonlogic/`` beside
it (a developer's checkout and CI's fresh clone both have it there; a user's clone may not). A
test that needs one skips, saying where it looked, when it is absent, except on CI (``CI`` set):
there a missing suite fails the run, so the conformance tests can never pass by not running.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, NoReturn

import pytest

SUITES = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "jsonlogic"


def suite(name: str) -> Any:
    """The parsed JSON of suite file `name`; skips the test (fails it on CI) when it is absent."""
    path = SUITES / name
    if not path.is_file():
        absent(path)
    return json.loads(path.read_text(encoding="utf-8"))


def absent(path: Path) -> NoReturn:
    """Skip, or on CI fail, for want of the suite at `path` (also from a parametrize list,
    where a failure is a collection error that stops the run)."""
    reason = f"the JsonLogic conformance suite {path.name} is not beside the project ({path})"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; on CI a missing conformance suite is a failure", pytrace=False)
    pytest.skip(reason)


def cases_or_skip(name: str, read: Any) -> list[Any]:
    """``read(suite(name))`` as parametrize cases; one skipped case when the suite is absent
    (raising at collection on CI)."""
    path = SUITES / name
    if not path.is_file():
        if os.environ.get("CI"):
            absent(path)
        reason = f"the JsonLogic conformance suite {name} is not beside the project ({path})"
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=reason))]
    result: list[Any] = read(suite(name))
    return result


def same(got: object, expected: object) -> bool:
    """JSON equality that tells true from 1 and false from 0, as JavaScript's === does."""
    if isinstance(got, bool) or isinstance(expected, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(got, int | float) and isinstance(expected, int | float):
        return got == expected or (got != got and expected != expected)
    if isinstance(got, list) and isinstance(expected, list):
        return len(got) == len(expected) and all(map(same, got, expected))
    if isinstance(got, dict) and isinstance(expected, dict):
        return got.keys() == expected.keys() and all(same(got[k], expected[k]) for k in got)
    return type(got) is type(expected) and got == expected
