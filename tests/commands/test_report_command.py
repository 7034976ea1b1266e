"""`lieu report prior-authorization | community-supports` on a stack's SQLite database holding the
seeded year (tests/platform/reports/scenario.py): a table for people, CSV and JSON for machines,
a file with --output, and one clear line for what cannot be done."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from lieu.cli import run
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine
from lieu.platform.reports.formats import COMMUNITY_SUPPORTS_COLUMNS, PRIOR_AUTHORIZATION_COLUMNS
from tests.platform.reports import scenario

PRIOR = ["report", "prior-authorization", "--plan", scenario.PLAN, "--year", "2026"]
QUARTERS = ["report", "community-supports", "--plan", scenario.PLAN, "--year", "2026"]


async def _prepare(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        await scenario.seed(engine)
        await scenario.overturn_s2(engine)  # an appeal lieu recorded: S2 approved after appeal
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def stack_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite database with the seeded year (the reports only read it)."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('stack') / 'lieu.db'}"
    asyncio.run(_prepare(url))
    return url


@pytest.fixture
def stack(stack_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIEU_DATABASE_URL", stack_database)
    yield


def output(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[str, str]:
    assert run(argv) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_the_table_has_a_line_per_support_the_columns_legend_and_the_notes(
    stack: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out, err = output(capsys, PRIOR)
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert lines[0].startswith("Prior authorization metrics: metrics-plan, 2026 (CMS-0057-F")
    assert lines[2] == (
        "support std appr% deny% appeal% avg h med h exp appr% deny% avg h med h ext+appr%"
    )
    assert lines[3:6] == [
        "all supports 8 75.0 25.0 12.5 57.0 8.0 3 33.3 66.7 32.3 20.0 9.1",
        "housing-deposits 3 66.7 33.3 0.0 80.0 0.0 1 0.0 100.0 72.0 72.0 25.0",
        "respite 5 80.0 20.0 20.0 43.2 10.0 2 50.0 50.0 12.5 12.5 0.0",
    ]
    assert not any("not computed" in line for line in lines)
    assert err == ""


def test_csv_is_one_row_per_support_with_the_appeals_lieu_recorded(
    stack: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out, err = output(capsys, [*PRIOR, "--format", "csv"])
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames or ()) == PRIOR_AUTHORIZATION_COLUMNS
    rows = {row["support"]: row for row in reader}
    assert list(rows) == ["all", "housing-deposits", "respite"]
    every = rows["all"]
    assert (every["plan"], every["year"], every["standard_decided"]) == (
        "metrics-plan",
        "2026",
        "8",
    )
    assert (every["standard_approved"], every["standard_approved_percent"]) == ("6", "75.0")
    assert (every["standard_average_hours"], every["standard_median_hours"]) == ("57.0", "8.0")
    assert (every["decided"], every["approved_after_extension"]) == ("11", "1")
    assert every["standard_approved_after_appeal"] == "1"
    assert every["standard_approved_after_appeal_percent"] == "12.5"
    assert "not computed" not in err


def test_json_nests_standard_and_expedited_and_keeps_the_notes(
    stack: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = output(capsys, [*PRIOR, "--format", "json"])
    document = json.loads(out)
    assert set(document) == {
        "report",
        "source",
        "plan",
        "year",
        "time_zone",
        "appeals_recorded",
        "overall",
        "supports",
        "notes",
    }
    assert (document["report"], document["time_zone"]) == (
        "prior-authorization",
        "America/Los_Angeles",
    )
    standard = document["overall"]["standard"]
    assert standard["approved"] == {"count": 6, "of": 8, "percent": 75.0}
    assert standard["approved_after_appeal"] == {"count": 1, "of": 8, "percent": 12.5}
    assert standard["time_to_decision"] == {
        "decisions": 8,
        "average_hours": 57.0,
        "median_hours": 8.0,
    }
    assert document["overall"]["expedited"]["denied"]["percent"] == 66.7
    assert document["overall"]["approved_after_extension"]["percent"] == 9.1
    assert [s["support"] for s in document["supports"]] == ["housing-deposits", "respite"]
    assert document["appeals_recorded"] is True


def test_output_writes_the_file_and_says_so(
    stack: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    written = tmp_path / "metrics.json"
    out, _ = output(capsys, [*PRIOR, "--format", "json", "--output", str(written)])
    assert out == f"wrote {written} (metrics-plan 2026, json)\n"
    assert json.loads(written.read_text(encoding="utf-8"))["overall"]["standard"]["decided"] == 8


def test_community_supports_by_quarter_as_a_table_csv_and_json(
    stack: None, capsys: pytest.CaptureFixture[str]
) -> None:
    table, _ = output(capsys, QUARTERS)
    lines = [" ".join(line.split()) for line in table.splitlines()]
    assert lines[2:6] == [
        "members approved / receiving Q1 Q2 Q3 Q4",
        "all supports 2 / 2 2 / 2 1 / 1 1 / 0",
        "housing-deposits 0 / 0 1 / 1 1 / 1 0 / 0",
        "respite 2 / 2 2 / 2 0 / 0 1 / 0",
    ]
    assert "Q3 2026-07-01 to 2026-09-30; Q4 2026-10-01 to 2026-12-31." in " ".join(table.split())
    text, _ = output(capsys, [*QUARTERS, "--format", "csv"])
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == COMMUNITY_SUPPORTS_COLUMNS
    rows = list(reader)
    assert len(rows) == 12  # all supports and two supports, four quarters each
    assert rows[3] == {
        "plan": "metrics-plan",
        "year": "2026",
        "support": "all",
        "quarter": "4",
        "first": "2026-10-01",
        "last": "2026-12-31",
        "members_approved": "1",
        "members_receiving": "0",
    }
    document = json.loads(output(capsys, [*QUARTERS, "--format", "json"])[0])
    assert (document["report"], len(document["rows"])) == ("community-supports", 12)
    assert document["rows"][0] == {
        "support": None,
        "quarter": 1,
        "first": "2026-01-01",
        "last": "2026-03-31",
        "members_approved": 2,
        "members_receiving": 2,
    }


def test_an_unknown_plan_is_one_line_naming_the_plans_there(
    stack: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["report", "prior-authorization", "--plan", "metrics-pln", "--year", "2026"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "lieu: error: no plan 'metrics-pln' in this database (plans with settings or requests: "
        "metrics-plan, other-plan); check --plan\n"
    )


def test_a_year_out_of_range_is_a_usage_error(
    stack: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["report", "community-supports", "--plan", scenario.PLAN, "--year", "26"]) == 2
    err = capsys.readouterr().err
    assert "lieu: error: Invalid value for --year: year 26 is out of range" in err


def test_an_unknown_format_is_a_usage_error(
    stack: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*PRIOR, "--format", "xlsx"]) == 2
    assert "'xlsx' is not one of 'table', 'csv', 'json'" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_one_line(
    stack: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run([*PRIOR, "--output", str(tmp_path / "missing" / "metrics.txt")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"lieu: error: cannot write {tmp_path / 'missing' / 'metrics.txt'}: ")
    assert len(err.splitlines()) == 1
