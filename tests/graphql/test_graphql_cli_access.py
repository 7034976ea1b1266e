"""`lieu tokens create/list/revoke` and `lieu members import`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lieu.cli import run
from lieu.commands.serve import migrate_database
from lieu.commands.setup import publish_definitions
from lieu.settings import Settings


@pytest.fixture
async def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("LIEU_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LIEU_DATA_DIR", str(settings.data_dir))
    await migrate_database(settings)
    await publish_definitions(settings)  # demo-plan, and the organizations it contracts
    return settings


async def test_tokens_are_created_once_listed_without_secrets_and_revoked(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["tokens", "create", "--role", "provider", "--plan", "demo-plan"]
    assert await _run([*args, "--provider", "cbo", "--expires-in", "30"]) == 0
    secret = capsys.readouterr().out.strip()
    token_id = secret.split("_")[1]
    assert await _run(["tokens", "list"]) == 0
    listing = capsys.readouterr().out
    assert token_id in listing and secret not in listing and "demo-plan/cbo" in listing
    assert await _run(["tokens", "revoke", token_id]) == 0
    assert await _run(["tokens", "list"]) == 0
    assert "revoked" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("scope", "said"),
    [
        (
            ["--role", "reviewer", "--plan", "demo-pln"],
            "lieu: error: there is no plan 'demo-pln'; the plans are demo-plan (`lieu "
            "definitions publish` or `lieu dev` stores them)",
        ),
        (
            ["--role", "provider", "--plan", "demo-plan", "--provider", "cbo-typo"],
            "lieu: error: demo-plan has no contract with an organization 'cbo-typo'; its "
            "organizations are cbo, elsewhere, org-a, other-clinic, sac-respite-co, "
            "santa-clara-caregivers (a plan administrator adds one with addContract)",
        ),
    ],
)
async def test_a_token_for_an_unknown_plan_or_organization_is_refused_naming_the_known_ones(
    env: Settings, capsys: pytest.CaptureFixture[str], scope: list[str], said: str
) -> None:
    assert await _run(["tokens", "create", *scope]) == 1
    assert capsys.readouterr().err.strip() == said
    assert await _run(["tokens", "list"]) == 0
    assert "reviewer" not in capsys.readouterr().out  # nothing was issued


async def test_a_provider_token_without_an_organization_is_one_clear_line(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    status = await _run(["tokens", "create", "--role", "provider", "--plan", "demo-plan"])
    assert status == 1
    assert capsys.readouterr().err.strip() == (
        "lieu: error: a provider token is scoped to a provider organization; pass --provider"
    )


async def test_members_import_is_all_or_nothing(
    env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"cin": "94000001D", "facts": {"county": "Kern"}}) + "\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(good.read_text() + '{"cin": "94000002D", "facts": {"county": "Atlantis"}}\n')
    assert await _run(["members", "import", str(bad), "--plan", "demo-plan"]) == 1
    assert f"{bad}:2#/facts/county" in capsys.readouterr().err
    assert await _run(["members", "import", str(good), "--plan", "demo-plan"]) == 0
    assert capsys.readouterr().out.strip() == "demo-plan: 1 created, 0 updated"


async def _run(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(run, argv)
