"""`lieu screen`: one JSON line per member, equal to assessing each support directly."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from lieu.cli import run
from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.eligibility import compile_definition
from lieu.platform.definitions.library import Library, NotInForce, load_library
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.members.facts import DEFINITIONS_ROOT
from lieu.platform.screening.screener import screener_for
from lieu.platform.screening.stream import BadLine, Screened, screen_lines

AS_OF = date(2026, 3, 2)
SEED_MEMBERS = sorted((DEFINITIONS_ROOT / "members").glob("*.yaml"))


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _seed_members() -> list[dict[str, Any]]:
    members = []
    for index, path in enumerate(SEED_MEMBERS):
        facts = json.loads(json.dumps(yaml.safe_load(path.read_text("utf-8")), default=str))
        members.append({"cin": f"0{index:07d}S", "plan": "dhcs", "facts": facts})
    return members


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _effective(library: Library, plan: str, support: str) -> Definition | None:
    for owner in dict.fromkeys([plan, "dhcs"]):
        try:
            return library.in_force(owner, support, AS_OF)
        except NotInForce:
            pass
    return None


@pytest.mark.parametrize("plan", ["dhcs", "demo-plan"])
def test_screen_gives_each_seed_member_the_outcomes_reasons_and_missing_facts_of_assess(
    tmp_path: Path, library: Library, plan: str
) -> None:
    members = _seed_members()
    source = _write(tmp_path / "members.jsonl", [json.dumps(m) for m in members])
    out = tmp_path / "screened.jsonl"
    assert (
        run(["screen", str(source), "--plan", plan, "--as-of", "2026-03-02", "--out", str(out)])
        == 0
    )
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [line["cin"] for line in lines] == [m["cin"] for m in members]
    for member, line in zip(members, lines, strict=True):
        assert line["as_of"] == "2026-03-02"
        assert set(line["results"]) == SUPPORTS
        for support, result in line["results"].items():
            definition = _effective(library, plan, support)
            assert definition is not None
            assessment = compile_definition(definition).assess(member["facts"], as_of=AS_OF)
            eligible = assessment.outcome.value == "eligible"
            assert result == {
                "outcome": assessment.outcome.value,
                "reasons": [] if eligible else [r.text for r in assessment.unmet],
                "missing": list(assessment.missing),
            }, (member["facts"].get("member_id"), support)


def test_a_plan_screens_with_its_narrower_definition(library: Library) -> None:
    screener = screener_for(library, "demo-plan", AS_OF)
    refs = {str(d.ref) for d in screener.definitions}
    assert "demo-plan/recuperative-care/v1" in refs
    assert "dhcs/respite/v1" in refs


def test_bad_lines_are_reported_by_line_number_and_the_other_members_still_screened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = [json.dumps(m) for m in _seed_members()[:2]]
    lines = [
        good[0],
        "{not json",
        "[1, 2]",
        '{"facts": {}}',
        '{"cin": "01234567S", "facts": [1]}',
        '{"cin": "01234568S", "facts": {"county": "Atlantis", "housing": {"homeless": "yes"}}}',
        "",
        good[1],
    ]
    source = _write(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    assert run(["screen", str(source), "--as-of", "2026-03-02", "--out", str(out)]) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert [e.split(": ", 1)[0] for e in errors[:-1]] == [f"{source}:{n}" for n in (2, 3, 4, 5, 6)]
    assert "not JSON" in errors[0]
    assert "got a JSON list" in errors[1]
    assert '"cin" is missing' in errors[2]
    assert '"facts" must be an object, got a list' in errors[3]
    assert "facts.county: 'Atlantis' is not one of" in errors[4]
    assert "facts.housing.homeless: 'yes' is not of type 'boolean'" in errors[4]
    assert errors[-1].startswith(
        f"lieu: error: 5 of 7 member lines in {source} were bad (listed above); "
        "the other 2 were screened in "
    )
    assert len(out.read_text("utf-8").splitlines()) == 2


def test_transitional_rent_is_not_screened_before_it_takes_effect(library: Library) -> None:
    now = [s for s, _ in screener_for(library, "dhcs", AS_OF).compiled]
    before = [s for s, _ in screener_for(library, "dhcs", date(2025, 1, 1)).compiled]
    assert "transitional-rent" in now
    assert before == [s for s in now if s != "transitional-rent"]


def test_an_unknown_plan_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "in.jsonl", [])
    assert run(["screen", str(source), "--plan", "nobody"]) == 1
    error = capsys.readouterr().err.strip()
    assert error == "lieu: error: no definitions for plan 'nobody'; known plans: demo-plan, dhcs"


def test_a_missing_input_file_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["screen", str(tmp_path / "nope.jsonl")]) == 1
    assert capsys.readouterr().err.startswith(f"lieu: error: cannot read {tmp_path / 'nope.jsonl'}")


def test_screen_reads_stdin_and_off_a_terminal_prints_only_its_summary_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "".join(json.dumps(m) + "\n" for m in _seed_members()[:3])
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert run(["screen", "-", "--as-of", "2026-03-02"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3
    assert captured.err.startswith(
        "lieu: screened 3 members against 15 supports of dhcs in force on 2026-03-02, in "
    )
    assert captured.err.count("\n") == 1 and "\r" not in captured.err


def test_screening_is_a_stream_that_never_reads_ahead(library: Library) -> None:
    member = json.dumps(_seed_members()[0])

    def endless() -> Iterator[str]:
        while True:
            yield member

    screener = screener_for(library, "dhcs", AS_OF)
    first = list(itertools.islice(screen_lines(endless(), screener), 3))
    assert [type(r) for r in first] == [Screened, Screened, Screened]
    assert [r.line for r in first if not isinstance(r, BadLine)] == [1, 2, 3]
