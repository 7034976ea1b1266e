"""The demo personas: stable CINs, dates that move with the day they are enrolled, and READMEs
that say truly what each one shows in demo-plan."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from lieu.platform.definitions.library import load_library
from lieu.platform.elections.counties import county_slug
from lieu.platform.elections.seed import read_seed
from lieu.platform.members.facts import DEFINITIONS_ROOT
from lieu.platform.members.importing import MemberLine
from lieu.platform.members.personas import (
    PERSONAS_AS_OF,
    PERSONAS_DIR,
    moved_to,
    persona_files,
    read_persona,
    read_personas,
)
from lieu.platform.screening.screener import screener_for

REPO = DEFINITIONS_ROOT.parent
TODAY = dt.date.today()
ROW = re.compile(r"^\| `(?P<cin>\d{8}[A-Z])` \| (?P<cells>.*) \|$")


@pytest.fixture(scope="module")
def personas() -> dict[str, MemberLine]:
    members, problems = read_personas(persona_files())
    assert problems == []
    return {member.cin: member for member in members}


def _stem(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower()


def _table(path: Path) -> dict[str, list[str]]:
    return _table_of(path.read_text("utf-8"))


def _shown_on(on: dt.date, facts: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """Each support's outcome for the moved facts, and the supports demo-plan offers there."""
    _plan, rows = read_seed(DEFINITIONS_ROOT / "elections" / "demo-plan.json")
    slug = county_slug(facts["county"])
    offered = {
        row.support
        for row in rows
        if row.county == slug
        and row.effective_from <= on
        and (row.effective_to is None or on < row.effective_to)
    }
    results = screener_for(load_library(), "demo-plan", on).screen(moved_to(facts, on))
    return {support: result["outcome"] for support, result in results.items()}, offered


def test_every_persona_has_a_stable_cin_and_the_two_the_tests_use_are_ana_and_ray(
    personas: dict[str, MemberLine],
) -> None:
    assert len(personas) == len(persona_files()) == 15
    names = {cin: _stem(path.stem) for cin, path in _files(personas).items()}
    assert names["91000001A"] == "ana" and names["91000002A"] == "ray"
    assert sorted(personas) == [f"910000{n:02d}A" for n in range(1, 16)]


def _files(personas: dict[str, MemberLine]) -> dict[str, Path]:
    by_cin = {}
    for path in persona_files():
        member, _ = read_persona(path)
        assert member is not None
        by_cin[member.cin] = path
    return by_cin


def test_ana_lives_where_demo_plan_offers_respite_and_is_eligible_for_it(
    personas: dict[str, MemberLine],
) -> None:
    outcomes, offered = _shown_on(TODAY, personas["91000001A"].facts)
    assert personas["91000001A"].facts["county"] == "Sacramento"
    assert outcomes["respite"] == "eligible" and "respite" in offered


def test_moving_a_persona_to_another_day_moves_every_date_but_the_birth_date(
    personas: dict[str, MemberLine],
) -> None:
    ray = personas["91000002A"].facts
    moved = moved_to(ray, PERSONAS_AS_OF + dt.timedelta(days=275))
    assert ray["recent_discharge"]["date"] == "2026-03-02"
    assert moved["recent_discharge"]["date"] == "2026-12-02"
    assert moved["birth_date"] == ray["birth_date"] == "1963-06-20"
    assert {k: v for k, v in moved.items() if k != "recent_discharge"} == {
        k: v for k, v in ray.items() if k != "recent_discharge"
    }
    assert moved_to(ray, PERSONAS_AS_OF) == ray


def test_a_persona_without_a_cin_is_refused_with_the_file_and_the_pointer(tmp_path: Path) -> None:
    source = (PERSONAS_DIR / "kai.yaml").read_text("utf-8")
    wrong = tmp_path / "kai.yaml"
    wrong.write_text(source.replace('member_id: "91000006A"', "member_id: demo-kai"), "utf-8")
    member, problems = read_persona(wrong)
    assert member is None
    assert [p.render() for p in problems] == [
        f"{wrong}#/member_id: 'demo-kai' is not a CIN; a persona's member_id is its CIN"
    ]


def test_two_personas_with_one_cin_are_refused(tmp_path: Path) -> None:
    for name in ("ana", "ray"):
        text = (PERSONAS_DIR / f"{name}.yaml").read_text("utf-8")
        (tmp_path / f"{name}.yaml").write_text(text.replace("91000002A", "91000001A"), "utf-8")
    members, problems = read_personas(persona_files(tmp_path))
    assert [m.cin for m in members] == ["91000001A"]
    assert [p.render() for p in problems] == [
        f"{tmp_path / 'ray.yaml'}#/member_id: CIN 91000001A is also ana.yaml's"
    ]


def test_the_members_readme_says_truly_what_each_persona_is_eligible_for_and_offered(
    personas: dict[str, MemberLine],
) -> None:
    table = _table(PERSONAS_DIR / "README.md")
    assert set(table) == set(personas)
    files = _files(personas)
    for cin, (name, county, shown, _why) in table.items():
        facts = personas[cin].facts
        assert _stem(name) == files[cin].stem and county == facts["county"], cin
        outcomes, offered = _shown_on(TODAY, facts)
        expected = {s for s, outcome in outcomes.items() if outcome == "eligible"} & offered
        assert set(re.findall(r"`([a-z-]+)`", shown)) == expected, (cin, name)


@pytest.mark.long
def test_the_main_readme_lists_every_demo_cin_with_a_true_thing_to_try(
    personas: dict[str, MemberLine],
) -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Demo members", 1)[1].split("\n## ", 1)[0]
    table = _table_of(section)
    assert set(table) == set(personas)
    for cin, (name, county, attempt) in table.items():
        facts = personas[cin].facts
        assert county == facts["county"] and _stem(name) == _files(personas)[cin].stem
        support, _, said = attempt.partition(": ")
        outcomes, offered = _shown_on(TODAY, facts)
        support = support.strip("`")
        outcome = outcomes[support]
        if said.startswith("eligible, but not offered"):
            assert outcome == "eligible" and support not in offered, cin
        elif said.startswith("eligible"):
            assert outcome == "eligible" and support in offered, cin
        elif said.startswith("not eligible"):
            assert outcome == "not_eligible", cin
        else:
            assert said.startswith("undetermined") and outcome == "undetermined", cin


def _table_of(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        if match := ROW.match(line):
            rows[match["cin"]] = [cell.strip() for cell in match["cells"].split(" | ")]
    return rows
