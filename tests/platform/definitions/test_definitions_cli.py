"""`lieu definitions …` and `lieu eligibility check`: results on stdout, one line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lieu.commands.definitions import definitions_app, eligibility_app
from lieu.platform.members.facts import DEFINITIONS_ROOT

BROKEN = Path(__file__).parent / "broken"
MEMBERS = DEFINITIONS_ROOT / "members"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "LIEU_DATA_DIR": str(tmp_path),
        "LIEU_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}",
    }


runner = CliRunner()


def test_validate_passes_the_shipped_definitions(env: dict[str, str]) -> None:
    result = runner.invoke(definitions_app, ["validate", str(DEFINITIONS_ROOT)], env=env)
    assert result.exit_code == 0, result.output
    assert "20 definition(s) valid" in result.output


def test_validate_prints_one_line_per_problem_and_exits_1(env: dict[str, str]) -> None:
    paths = [str(BROKEN / "limit-negative.json"), str(BROKEN / "json-invalid.json")]
    result = runner.invoke(definitions_app, ["validate", *paths], env=env)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"{paths[0]}#/limits/0/maximum: limit-negative: ")
    assert lines[1].startswith(f"{paths[1]}#: json-invalid: line 2")
    assert "Traceback" not in result.output


def test_validate_of_a_missing_path_is_one_clear_line(env: dict[str, str]) -> None:
    result = runner.invoke(definitions_app, ["validate", "nowhere.json"], env=env)
    assert result.exit_code == 2
    assert result.output.strip() == (
        "lieu: error: nowhere.json does not exist; give a definition file or directory"
    )


def test_diff_of_two_files_speaks_business_language(env: dict[str, str], tmp_path: Path) -> None:
    old = DEFINITIONS_ROOT / "demo-plan/housing-deposits/v1.json"
    document = json.loads(old.read_text())
    document.update(version=2, effective_from="2026-07-01")
    document["limits"][0]["maximum"] = 3000
    new = tmp_path / "v2.json"
    new.write_text(json.dumps(document))
    result = runner.invoke(definitions_app, ["diff", str(old), str(new)], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Housing Deposits: lifetime cap lowered from $5,000 to $3,000, effective 2026-07-01"
    )


def test_publish_list_and_check_eligibility_end_to_end(env: dict[str, str]) -> None:
    published = runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    assert published.exit_code == 0, published.output
    assert published.output.count("published: ") == 20
    again = runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    assert again.output.count("unchanged: ") == 20
    listed = runner.invoke(definitions_app, ["list", "--plan", "demo-plan"], env=env)
    assert listed.exit_code == 0 and len(listed.output.strip().splitlines()) == 5
    check = runner.invoke(
        eligibility_app,
        [
            "check",
            "--member",
            str(MEMBERS / "ray.yaml"),
            "--support",
            "recuperative-care",
            "--plan",
            "demo-plan",
            "--as-of",
            "2026-03-02",
        ],
        env=env,
    )
    assert check.exit_code == 0, check.output
    assert check.output.startswith("eligible: Recuperative Care (Medical Respite) (demo-plan/")
    assert "✓ Has a skilled need after discharge" in check.output


def test_eligibility_explains_what_failed_and_what_is_missing(env: dict[str, str]) -> None:
    runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    check = runner.invoke(
        eligibility_app,
        [
            "check",
            "--member",
            str(MEMBERS / "maya.yaml"),
            "--support",
            "transitional-rent",
            "--as-of",
            "2026-03-02",
        ],
        env=env,
    )
    assert check.exit_code == 0, check.output
    assert check.output.startswith("undetermined: Transitional Rent (dhcs/transitional-rent/v1)")
    assert "missing facts: recent_discharge.setting, recent_discharge.date" in check.output


def test_eligibility_with_nothing_published_says_how_to_fix(env: dict[str, str]) -> None:
    check = runner.invoke(
        eligibility_app,
        ["check", "--member", str(MEMBERS / "kai.yaml"), "--support", "sobering-centers"],
        env=env,
    )
    assert check.exit_code == 1
    assert "publish one with `lieu definitions publish`" in check.output
    assert "Traceback" not in check.output


def test_publishing_a_changed_published_version_is_refused_in_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    source = DEFINITIONS_ROOT / "dhcs/respite/v1.json"
    assert runner.invoke(definitions_app, ["publish", str(source)], env=env).exit_code == 0
    document = json.loads(source.read_text())
    document["limits"][0]["maximum"] = 300
    changed = tmp_path / "v1.json"
    changed.write_text(json.dumps(document))
    result = runner.invoke(definitions_app, ["publish", str(changed)], env=env)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "save the change as version 2" in result.output


def test_diff_of_a_plan_file_against_its_baseline_names_only_what_the_plan_narrows(
    env: dict[str, str], tmp_path: Path
) -> None:
    baseline = DEFINITIONS_ROOT / "dhcs/respite/v1.json"
    limit = json.loads(baseline.read_text())["limits"][0]
    plan = tmp_path / "demo-respite.json"
    plan.write_text(
        json.dumps(
            {
                "plan": "demo-plan",
                "support": "respite",
                "version": 1,
                "title": "Respite Services",
                "status": "draft",
                "effective_from": "2027-01-01",
                "reference": "test",
                "extends": {"plan": "dhcs", "support": "respite", "version": 1},
                "eligibility": {
                    "criteria": [
                        {
                            "id": "two-adls",
                            "label": "Needs help with two or more ADLs",
                            "rule": {">=": [{"var": "function.adl_limitations"}, 2]},
                            "reference": "test",
                        }
                    ]
                },
                "limits": [{**limit, "maximum": 240}],
            }
        )
    )
    narrowed = [
        "Respite Services: criterion added: Needs help with two or more ADLs, effective 2027-01-01",
        "Respite Services: calendar-year cap lowered from 336 hours to 240 hours, effective "
        "2027-01-01",
    ]
    result = runner.invoke(definitions_app, ["diff", str(baseline), str(plan)], env=env)
    assert result.exit_code == 0, result.output
    # as written, the plan's file has no baseline criterion, steps or pricing: it inherits them
    assert result.output.splitlines() == narrowed

    for path in (baseline, plan):
        published = runner.invoke(definitions_app, ["publish", str(path)], env=env)
        assert published.exit_code == 0, published.output
    stored = ["diff", "dhcs/respite/v1", "demo-plan/respite/v1"]
    result = runner.invoke(definitions_app, stored, env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == narrowed
