"""A conformance suite that is not there skips on a developer's machine and fails on CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.platform.rules import suites


def test_a_missing_suite_skips_saying_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suites, "SUITES", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"official-tests\.json is not beside"):
        suites.suite("official-tests.json")
    [case] = suites.cases_or_skip("official-tests.json", list)
    assert case.marks[0].name == "skip"


def test_on_ci_a_missing_suite_fails_and_never_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suites, "SUITES", tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="on CI a missing conformance suite is a fail"):
        suites.suite("official-tests.json")
    with pytest.raises(pytest.fail.Exception):
        suites.cases_or_skip("datalogic-rs-suite.json", list)


def test_the_suites_are_read_from_shared_data_beside_the_project() -> None:
    root = Path(__file__).resolve().parents[3]
    assert root.parent / "shared" / "data" / "jsonlogic" == suites.SUITES
