"""A definition's limit JSON maps onto `LimitSpec`; malformed limits say what to fix."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lieu.platform.limits.spec import LimitSpec, LimitSpecError, Measure, Window, WindowKind

RESPITE: dict[str, Any] = {
    "id": "respite-336",
    "label": "Respite hours",
    "measure": "hours",
    "maximum": 336,
    "window": {"kind": "calendar_year"},
    "counter": "respite-hours",
    "pool_supports": ["respite"],
    "exception": {"allowed": True, "requires": "caregiver change", "extra_maximum": None},
    "reference": "KP referral form, Oct 2025",
}


def test_a_definition_limit_becomes_a_spec() -> None:
    spec = LimitSpec.from_json(RESPITE)
    assert spec.measure is Measure.HOURS and spec.maximum == Decimal("336.00")
    assert spec.window == Window(WindowKind.CALENDAR_YEAR)
    assert spec.exception.allowed and spec.exception.extra_maximum is None
    assert spec.covers("respite") and not spec.covers("sobering-centers")


def test_a_float_maximum_is_read_as_written() -> None:
    assert LimitSpec.from_json({**RESPITE, "maximum": 7500.1}).maximum == Decimal("7500.10")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"measure": "weeks"}, "measure 'weeks' is not one of days, hours"),
        ({"window": {"kind": "rolling_days"}}, "rolling_days window needs days"),
        ({"window": {"kind": "lifetime", "days": 30}}, "only a rolling_days window has days"),
        ({"maximum": 0}, "maximum must be greater than zero"),
        ({"maximum": "1.005"}, "at most two decimal places"),
        ({"pool_supports": []}, "pool_supports must be a non-empty list"),
        ({"counter": ""}, "counter must be a non-empty string"),
        ({"window": {"kind": "per_stay"}}, "per_stay window counts days"),
        ({"measure": "episodes", "maximum": 1.5}, "episodes are whole numbers"),
    ],
)
def test_a_malformed_limit_names_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(LimitSpecError, match=message):
        LimitSpec.from_json({**RESPITE, **change})


def test_a_missing_field_is_named() -> None:
    data = dict(RESPITE)
    del data["counter"]
    with pytest.raises(LimitSpecError, match="limit 'respite-336' has no 'counter'"):
        LimitSpec.from_json(data)
