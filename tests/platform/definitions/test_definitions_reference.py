"""docs/definition-format.md is generated from the schemas, and says what an analyst needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lieu.platform.definitions import narrowing
from lieu.platform.definitions.reference import (
    DATE_OPERATORS,
    DOC_FILE,
    RULE_EXAMPLE,
    main,
    reference,
)
from lieu.platform.definitions.rule_checks import rule_problems
from lieu.platform.definitions.schema import definition_schema
from lieu.platform.members.facts import load_vocabulary
from lieu.platform.rules.operators import OPERATORS


def test_the_committed_reference_is_current() -> None:
    assert DOC_FILE.read_text(encoding="utf-8") == reference(), (
        "docs/definition-format.md is stale; run `python -m lieu.platform.definitions.reference`"
    )
    assert main(["--check"]) == 0


def test_check_fails_and_says_how_to_fix_when_the_page_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "definition-format.md"
    stale.write_text("# old\n", encoding="utf-8")
    monkeypatch.setattr("lieu.platform.definitions.reference.DOC_FILE", stale)
    assert main(["--check"]) == 1
    assert "run `python -m lieu.platform.definitions.reference`" in capsys.readouterr().err
    assert main([]) == 0 and stale.read_text(encoding="utf-8") == reference()


def test_every_part_and_field_of_the_schema_is_documented() -> None:
    page = reference()
    schema = definition_schema()
    for part, node in schema["$defs"].items():
        assert f"### {part}\n" in page
        for field in node.get("properties", {}):
            assert f"| `{field}` |" in page, (part, field)
    for field in schema["properties"]:
        if not field.startswith("$"):
            assert f"| `{field}` |" in page


def test_the_date_operators_have_their_signatures_and_worked_examples() -> None:
    page = reference()
    dated = [name for name, spec in OPERATORS.items() if spec.date]
    assert sorted(op.signature.split("(")[0] for op in DATE_OPERATORS) == sorted(dated)
    assert "| `age_at(date_of_birth, on)` |" in page
    assert '`{"age_at": ["1945-03-08", "2026-03-02"]}` | `80` |' in page
    assert '`{"within_days": ["2026-02-10", 30, "2026-03-02"]}` | `true` |' in page


def test_the_example_rule_is_valid_against_the_member_facts() -> None:
    assert rule_problems(RULE_EXAMPLE, "", load_vocabulary()) == []


def test_every_way_a_plan_may_not_widen_its_baseline_is_documented() -> None:
    checks = Path(narrowing.__file__).read_text(encoding="utf-8").split("def narrowing_problems")
    source = checks[1]  # the checks, not the table of rules before them
    checked = set(
        re.findall(
            r'^\s+"((?:widens|effective|duplicate|mandatory|narrows|rate)-[a-z-]+)",$', source, re.M
        )
    )
    documented = {code for code, _ in narrowing.NARROWING_RULES}
    assert checked == documented
    page = reference()
    assert "A plan version extends a baseline and may only narrow it" in page
    assert all(f"| `{code}` |" in page for code in documented)


def test_every_declared_member_fact_is_listed_with_its_label() -> None:
    page = reference()
    for path, fact in load_vocabulary().facts.items():
        if fact.kind != "object":
            assert f"| `{path}` | " in page and f" | {fact.label} | " in page, path
