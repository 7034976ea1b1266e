"""`lieu definitions test [PATH]` runs the definitions' cases as pytest does, one line per case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lieu.commands.definitions import definitions_app
from lieu.platform.definitions.cases import CaseFileError, load_cases
from lieu.platform.members.facts import DEFINITIONS_ROOT

runner = CliRunner()
RESPITE = "dhcs/respite"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the shipped definitions, for adding cases that fail."""
    copy = tmp_path / "benefit_definitions"
    shutil.copytree(DEFINITIONS_ROOT, copy)
    return copy


def test_cases(*args: str) -> Result:
    return runner.invoke(definitions_app, ["test", *args], env={"LIEU_DEFINITIONS_DIR": ""})


test_cases.__test__ = False  # type: ignore[attr-defined]


def write(tree: Path, text: str, name: str = "extra.yaml") -> Path:
    path = tree / RESPITE / "cases" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_case_passes_and_the_count_is_printed() -> None:
    result = test_cases(str(DEFINITIONS_ROOT))
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.endswith("passed, 0 failed"), last
    assert result.output.count("PASS ") == int(last.split()[0])


def test_one_support_folder_runs_only_its_cases() -> None:
    result = test_cases(str(DEFINITIONS_ROOT / RESPITE))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("PASS")]
    assert lines and all(line.startswith(f"PASS {RESPITE}: ") for line in lines)


def test_a_failing_case_prints_the_difference_and_exits_1(tree: Path) -> None:
    path = write(
        tree,
        "cases:\n  - name: Ray is wrongly expected to qualify\n    as_of: 2026-03-02\n"
        "    member: ray\n    expect: {outcome: eligible}\n",
    )
    result = test_cases(str(path))
    assert result.exit_code == 1
    assert f"FAIL {RESPITE}: Ray is wrongly expected to qualify ({path}, 2026-03-02)" in (
        result.output
    )
    assert "outcome not_eligible under dhcs/respite/v1, expected eligible" in result.output
    assert result.output.strip().endswith("1 case(s): 0 passed, 1 failed")


def test_several_dates_give_one_result_each(tree: Path) -> None:
    path = write(
        tree,
        "cases:\n  - name: Lupe qualifies on both dates\n    as_of: [2026-03-02, 2026-12-01]\n"
        "    member: lupe\n    expect: {outcome: eligible}\n",
    )
    result = test_cases(str(path))
    assert result.exit_code == 0, result.output
    assert "PASS dhcs/respite: Lupe qualifies on both dates @ 2026-03-02" in result.output
    assert "PASS dhcs/respite: Lupe qualifies on both dates @ 2026-12-01" in result.output


def test_a_remaining_balance_is_computed_from_the_prior_usage_given(tree: Path) -> None:
    path = write(
        tree,
        "cases:\n  - name: Ana after 300 hours\n    member: ana\n"
        "    usage: [{start: 2026-02-02, amount: 300}]\n"
        "    expect_on:\n"
        "      2026-10-15: {remaining: {respite-hours-per-year: 100}}\n"
        "      2027-01-04: {remaining: {respite-hours-per-year: 336}}\n",
    )
    result = test_cases(str(path))
    assert result.exit_code == 1
    assert "remaining respite-hours-per-year 36 on 2026-10-15, expected 100" in result.output
    assert "PASS dhcs/respite: Ana after 300 hours @ 2027-01-04" in result.output


def test_a_limit_the_definition_does_not_have_is_named_with_the_ones_it_has(tree: Path) -> None:
    path = write(
        tree,
        "cases:\n  - name: A limit that is not there\n    as_of: 2026-03-02\n    member: ana\n"
        "    expect: {remaining: {respite-days: 3}}\n",
    )
    result = test_cases(str(path))
    assert result.exit_code == 1
    assert "has no limit 'respite-days'; its limits: respite-hours-per-year" in result.output


def test_usage_on_a_counter_no_limit_counts_is_named_with_the_counters_there_are(
    tree: Path,
) -> None:
    path = write(
        tree,
        "cases:\n  - name: A typo in a counter\n    as_of: 2026-03-02\n    member: ana\n"
        "    usage: [{start: 2026-02-02, amount: 30, counter: respite-hour}]\n"
        "    expect: {remaining: {respite-hours-per-year: 306}}\n",
    )
    result = test_cases(str(path))
    assert result.exit_code == 1
    assert "usage names counter 'respite-hour', which no limit of dhcs/respite/v1 counts; " in (
        result.output
    )
    assert "remaining respite-hours-per-year 336 on 2026-03-02, expected 306" in result.output


def test_a_malformed_case_file_fails_naming_the_file_the_case_and_the_fix(tree: Path) -> None:
    path = write(
        tree,
        "cases:\n  - name: A typo\n    as_of: 2026-03-02\n    member: ana\n"
        "    expect: {outcom: eligible}\n",
    )
    result = test_cases(str(path))
    assert result.exit_code == 1
    assert f"FAIL {path}: case 1 (A typo): unknown expectation(s) ['outcom']" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("cases: nope\n", "a case file holds `cases:`"),
        (
            "cases:\n  - {name: x, as_of: 2026-13-01, member: ana, expect: {outcome: eligible}}\n",
            "cannot be read as YAML: month must be in 1..12",
        ),
        (
            "cases:\n  - {name: x, as_of: '2026-1-1', member: ana, expect: {outcome: eligible}}\n",
            "as_of '2026-1-1' is not a date",
        ),
        (
            "cases:\n  - {name: x, as_of: 2026-03-02, member: nobody,"
            " expect: {outcome: eligible}}\n",
            "no member 'nobody'",
        ),
        (
            "cases:\n  - {name: x, as_of: 2026-03-02, member: ana, expect: {outcome: maybe}}\n",
            "outcome 'maybe' is not one of",
        ),
        (
            "cases:\n  - {name: x, member: ana, expect: {outcome: eligible}, expect_on: {}}\n",
            "not both",
        ),
        (
            "cases:\n  - {name: x, as_of: 2026-03-02, member: ana, usage: [{amount: 3}],"
            " expect: {outcome: eligible}}\n",
            "a usage entry is",
        ),
    ],
)
def test_each_malformed_case_is_refused_with_what_to_fix(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "dhcs" / "respite" / "cases" / "bad.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"bad\.yaml") as raised:
        load_cases(path, DEFINITIONS_ROOT / "members")
    assert words in str(raised.value)


def test_a_path_that_does_not_exist_is_a_usage_error() -> None:
    result = test_cases("nowhere")
    assert result.exit_code == 2
    assert "lieu: error: nowhere does not exist" in result.output


def test_a_folder_without_cases_is_a_usage_error(tmp_path: Path) -> None:
    result = test_cases(str(tmp_path))
    assert result.exit_code == 2
    assert "no cases/*.yaml under" in result.output
