"""`lieu definitions …` and `lieu eligibility check`: results on stdout, one line per problem."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lieu.commands.definitions import definitions_app, eligibility_app
from lieu.commands.setup import seed_elections
from lieu.platform.members.facts import DEFINITIONS_ROOT
from lieu.settings import Settings

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
    assert "40 definition(s) valid" in result.output


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


def seed_elections_of_the_demo_plan(env: dict[str, str]) -> None:
    settings = Settings.from_env(env)
    assert asyncio.run(seed_elections(settings)) > 0


def check_eligibility(env: dict[str, str], member: str, support: str, *more: str) -> Result:
    """`lieu eligibility check` of a demo member on 2026-03-02."""
    arguments = ["check", "--member", str(MEMBERS / f"{member}.yaml"), "--support", support]
    return runner.invoke(eligibility_app, [*arguments, "--as-of", "2026-03-02", *more], env=env)


def test_publish_list_and_check_eligibility_end_to_end(env: dict[str, str]) -> None:
    published = runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    assert published.exit_code == 0, published.output
    assert published.output.count("published: ") == 40
    again = runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    assert again.output.count("unchanged: ") == 40
    listed = runner.invoke(definitions_app, ["list", "--plan", "demo-plan"], env=env)
    assert listed.exit_code == 0 and len(listed.output.strip().splitlines()) == 10
    seed_elections_of_the_demo_plan(env)
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
    assert "demo-plan offers it in Los Angeles County" in check.output
    assert "✓ Has a skilled need after discharge" in check.output


def test_eligible_where_the_plan_does_not_offer_it_is_not_offered_not_eligible(
    env: dict[str, str],
) -> None:
    runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    seed_elections_of_the_demo_plan(env)
    check = check_eligibility(env, "mateo", "asthma-remediation", "--plan", "demo-plan")
    assert check.exit_code == 0, check.output
    lines = check.output.splitlines()
    assert lines[0] == (
        "not_offered: Asthma Remediation (demo-plan/asthma-remediation/v1) on 2026-03-02"
    )
    assert lines[1] == (
        "  Meets every criterion for Asthma Remediation, but demo-plan does not offer it in "
        "Alameda County on 2 March 2026, so a request would be refused."
    )
    assert all(line.startswith("  ✓ ") for line in lines[2:])
    baseline = check_eligibility(env, "mateo", "asthma-remediation")
    assert baseline.output.startswith("eligible: Asthma Remediation (dhcs/asthma-remediation/v1)")


def test_a_not_eligible_answer_says_so_in_words_and_lists_no_missing_fact(
    env: dict[str, str],
) -> None:
    runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    check = check_eligibility(env, "sam", "short-term-post-hospitalization-housing")
    assert check.exit_code == 0, check.output
    assert check.output.splitlines()[1:3] == [
        "  Not eligible for Short-Term Post-Hospitalization Housing on 2 March 2026: 1 "
        "criterion not met.",
        "  ✗ Leaving recuperative care, a hospital, residential treatment, a correctional "
        "facility or a nursing facility in the last 30 days: not met (discharge setting: "
        "inpatient hospital; discharge date: 18 July 2025; date of service: 2 March 2026)",
    ]
    assert "missing" not in check.output


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
    assert check.output.splitlines()[-1] == (
        "  missing facts that could change it: discharge setting (recent_discharge.setting), "
        "discharge date (recent_discharge.date)"
    )


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


def write_draft(document: dict[str, object], folder: Path, **changes: object) -> Path:
    path = folder / f"v{changes.get('version', document['version'])}.json"
    path.write_text(json.dumps({**document, **changes}))
    return path


def test_publishing_a_draft_with_problems_saves_it_says_so_loudly_and_exits_1(
    env: dict[str, str], tmp_path: Path, broken_plan_draft: dict[str, object]
) -> None:
    assert (
        runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env).exit_code == 0
    )
    draft = write_draft(broken_plan_draft, tmp_path)
    result = runner.invoke(definitions_app, ["publish", str(draft)], env=env)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("drafted: demo-plan/housing-deposits/v3")
    assert lines[1] == (
        f"{draft}#/eligibility/criteria/0/rule: unknown-operator: unknown operator 'eq'; "
        "did you mean '=='?"
    )
    assert lines[2].startswith(f"{draft}#/eligibility/criteria/1/rule/==/0: undeclared-fact: ")
    assert lines[3].startswith(f"{draft}#/limits/1/maximum: widens-baseline-limit: ")
    assert lines[4] == (
        "lieu: error: demo-plan/housing-deposits/v3 is saved as a draft with 3 problems; it "
        "cannot be simulated or published until they are fixed"
    )
    listed = runner.invoke(definitions_app, ["list", "--support", "housing-deposits"], env=env)
    assert "demo-plan  housing-deposits  3  draft" in listed.output


def test_publishing_an_invalid_document_stores_nothing_and_lists_every_problem(
    env: dict[str, str], tmp_path: Path, broken_plan_draft: dict[str, object]
) -> None:
    assert (
        runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env).exit_code == 0
    )
    document = {k: v for k, v in broken_plan_draft.items() if k != "reference"}
    path = write_draft(document, tmp_path, status="published")
    result = runner.invoke(definitions_app, ["publish", str(path)], env=env)
    assert result.exit_code == 1
    codes = [line.split(": ")[1] for line in result.output.strip().splitlines()[:-1]]
    assert codes == [
        "schema-required",
        "unknown-operator",
        "undeclared-fact",
        "widens-baseline-limit",
    ]
    assert result.output.strip().splitlines()[-1] == (
        "lieu: error: nothing was stored: 4 problems (listed above); fix them and publish again"
    )
    listed = runner.invoke(definitions_app, ["list", "--support", "housing-deposits"], env=env)
    assert "  3  " not in listed.output


def test_a_plan_version_is_diffed_against_its_baseline_as_in_force(env: dict[str, str]) -> None:
    runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    stored = runner.invoke(
        definitions_app,
        ["diff", "dhcs/asthma-remediation/v1", "demo-plan/asthma-remediation/v1"],
        env=env,
    )
    assert stored.exit_code == 0, stored.output
    assert stored.output.strip() == (
        "Asthma Remediation: criterion added: Had an Asthma Preventive Services in-home trigger "
        "assessment in the last 12 months, effective 2026-01-01"
    )
    files = [
        str(DEFINITIONS_ROOT / p / "asthma-remediation/v1.json") for p in ("dhcs", "demo-plan")
    ]
    assert runner.invoke(definitions_app, ["diff", *files], env=env).output == stored.output
    mixed = runner.invoke(
        definitions_app, ["diff", "dhcs/asthma-remediation/v1", files[1]], env=env
    )
    assert mixed.output == stored.output


def test_a_diff_of_two_supports_is_refused_in_one_line(env: dict[str, str]) -> None:
    runner.invoke(definitions_app, ["publish", str(DEFINITIONS_ROOT)], env=env)
    result = runner.invoke(
        definitions_app, ["diff", "dhcs/respite/v1", "demo-plan/asthma-remediation/v1"], env=env
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        "lieu: error: dhcs/respite/v1 defines Respite Services and "
        "demo-plan/asthma-remediation/v1 defines Asthma Remediation; compare two versions of one "
        "support"
    )


def test_a_plan_file_whose_baseline_is_nowhere_is_not_diffed_and_says_why(
    env: dict[str, str], tmp_path: Path
) -> None:
    empty = tmp_path / "definitions"
    empty.mkdir()
    plan = str(DEFINITIONS_ROOT / "demo-plan/housing-deposits/v1.json")
    result = runner.invoke(
        definitions_app, ["diff", plan, plan], env={**env, "LIEU_DEFINITIONS_DIR": str(empty)}
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"lieu: error: {plan} extends dhcs/housing-deposits/v1, which is not under {empty}, so "
        "what it inherits is unknown; give the baseline's file there, or publish it"
    )


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


def test_a_folder_holding_no_definition_laid_out_as_one_is_an_error_not_zero_valid(
    tmp_path: Path, env: dict[str, str]
) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / "respite.json").write_text('{"plan": "dhcs"}')
    result = runner.invoke(definitions_app, ["validate", str(folder)], env=env)
    assert result.exit_code == 1
    assert "no definition file under" in result.output and "respite.json" in result.output
    assert "<plan>/<support>/v<N>.json" in result.output
