"""The studio's first part (issue #13 points 1 and 3): a plan's product team sees each support's
versions (the baseline's and its own: in force, scheduled, drafts) with the counties that offer
it, and tries a persona under the version in force and under its newest draft, side by side."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lieu.admin.studio import _cases_with_draft
from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.cases import member_facts
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.versions import create_draft
from lieu.platform.members.service import upsert_member
from tests.admin.console_stack import Console

pytestmark = pytest.mark.temporal

DEFINITIONS = Path(__file__).resolve().parents[2] / "benefit_definitions"


def draft_meals_document() -> dict[str, Any]:
    """demo-plan medically tailored meals v3, a draft: members with 2+ ER visits in a year."""
    document: dict[str, Any] = json.loads(
        (DEFINITIONS / "demo-plan/medically-tailored-meals/v2.json").read_text()
    )
    document.update(version=3, status="draft", effective_from="2027-07-01")
    document.setdefault("eligibility", {"criteria": []})["criteria"] = [
        *document.get("eligibility", {}).get("criteria", []),
        {
            "id": "two-er-visits",
            "label": "Two or more emergency visits in the last 12 months",
            "rule": {">=": [{"var": "utilization.ed_visits_12m"}, 2]},
            "reference": "Demo Health Plan draft policy",
        },
    ]
    return document


async def draft_meals_for_two_er_visits(console: Console) -> None:
    """Store the draft (`draft_meals_document`)."""
    document = draft_meals_document()
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await create_draft(session=session, document=document, actor="analyst@demo")


async def test_the_studio_lists_each_supports_versions_and_where_it_is_offered(
    console: Console,
) -> None:
    await draft_meals_for_two_er_visits(console)
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        overview = await http.get("/admin/")
        listing = await http.get("/admin/studio")
    assert '/admin/studio">Studio</a>' in overview.text
    assert listing.status_code == 200
    meals = re.search(r'<tr data-support="medically-tailored-meals">(.*?)</tr>', listing.text, re.S)
    assert meals is not None
    row = meals.group(1)
    assert 'data-version="dhcs/v1"' in row and 'data-version="demo-plan/v3"' in row
    assert "draft: not published" in row and "scheduled from 2027-01-01" in row
    assert "1 county: Los Angeles" in row
    # sobering centers are elected nowhere in the test world
    sobering = re.search(r'<tr data-support="sobering-centers">(.*?)</tr>', listing.text, re.S)
    assert sobering is not None and "not offered" in sobering.group(1)


async def test_a_persona_is_tried_under_the_version_in_force_and_the_newest_draft(
    console: Console,
) -> None:
    await draft_meals_for_two_er_visits(console)
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        tried = await http.get(
            "/admin/studio/medically-tailored-meals",
            params={"persona": "grace", "on": "2027-01-11"},
        )
    assert tried.status_code == 200
    text = tried.text
    assert "In force on 2027-01-11 · <code>demo-plan/medically-tailored-meals/v2</code>" in text
    assert "Newest draft · <code>demo-plan/medically-tailored-meals/v3</code>" in text
    sections = re.findall(r'<section class="try" data-ref="([^"]+)".*?</section>', text, re.S)
    assert sections == [
        "demo-plan/medically-tailored-meals/v2",
        "demo-plan/medically-tailored-meals/v3",
    ]
    in_force, draft = re.findall(r'<p class="outcome"><span class="status (\w+)">', text)
    assert in_force == "eligible"  # Grace qualifies today
    assert draft != "eligible"  # the draft's new criterion is not met (or not known) for her
    assert 'data-criterion="two-er-visits"' in text


async def test_bad_input_is_named_and_other_roles_are_refused(console: Console) -> None:
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        nobody = await http.get("/admin/studio/respite", params={"persona": "nobody"})
        bad_day = await http.get("/admin/studio/respite", params={"persona": "ana", "on": "soon"})
        unknown = await http.get("/admin/studio/massage")
    assert "no persona &#39;nobody&#39;; choose one of ana," in nobody.text
    assert "date &#39;soon&#39; is not a date: write it as YYYY-MM-DD" in bad_day.text
    assert unknown.status_code == 404 and "massage" in unknown.text
    async with await console.signed_in(Role.REVIEWER) as http:
        refused = await http.get("/admin/studio")
    assert refused.status_code == 403 and "Your role, reviewer, cannot use the studio" in (
        refused.text
    )


async def test_the_draft_shows_its_diffs_and_is_simulated_over_the_plans_members_audited(
    console: Console,
) -> None:
    await draft_meals_for_two_er_visits(console)
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        for cin, name in (("91000101A", "grace"), ("91000102A", "letitia")):
            await upsert_member(
                session=session, plan="demo-plan", cin=cin, facts=member_facts(name)
            )
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        support = await http.get("/admin/studio/medically-tailored-meals")
        simulated = await http.submit("/admin/studio/medically-tailored-meals/simulate", {})
    text = support.text
    assert "What the newest draft changes · <code>demo-plan/medically-tailored-meals/v3</code>" in (
        text
    )
    assert "Against dhcs/medically-tailored-meals/v" in text  # the baseline it extends
    assert "Two or more emergency visits" in text  # the diff names the new criterion
    # the plan's cases of the support run with the draft in force from its date: those dated
    # after it that expect eligibility without 2+ ER visits now fail, and say why
    assert "The support's cases with the draft: 2 of 2 pass" in text  # dated before it
    assert simulated.status_code == 200, simulated.text
    figures = dict(re.findall(r'<td data-figure="(\w+)">(\d+)</td>', simulated.text))
    assert int(figures["members"]) >= 2 and int(figures["lost"]) >= 1
    async with create_session_factory(console.engine)() as session:
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "console.simulate_draft", AuditEntry.outcome == "ok")
        )
    assert audited == 1


def test_a_case_the_draft_would_break_fails_and_says_why(tmp_path: Path) -> None:
    def row(plan: str, version: int, status: DefinitionStatus, doc: dict[str, Any]) -> Any:
        return DefinitionVersion(
            plan=plan,
            support="medically-tailored-meals",
            version=version,
            status=status,
            effective_from=date.fromisoformat(doc["effective_from"]),
            document=doc,
        )

    def shipped(plan: str, version: int) -> dict[str, Any]:
        path = DEFINITIONS / plan / "medically-tailored-meals" / f"v{version}.json"
        document: dict[str, Any] = json.loads(path.read_text())
        return document

    draft_doc = draft_meals_document()
    draft = row("demo-plan", 3, DefinitionStatus.DRAFT, draft_doc)
    versions = {
        ("dhcs", "medically-tailored-meals"): [
            row("dhcs", v, DefinitionStatus.PUBLISHED, shipped("dhcs", v)) for v in (1, 2)
        ],
        ("demo-plan", "medically-tailored-meals"): [
            *(
                row("demo-plan", v, DefinitionStatus.PUBLISHED, shipped("demo-plan", v))
                for v in (1, 2)
            ),
            draft,
        ],
    }
    cases = tmp_path / "demo-plan" / "medically-tailored-meals" / "cases"
    cases.mkdir(parents=True)
    shutil.copytree(DEFINITIONS / "members", tmp_path / "members")
    (cases / "later.yaml").write_text(
        "cases:\n"
        "  - name: Grace qualifies in August 2027\n"
        "    as_of: 2027-08-02\n"
        "    member: grace\n"
        "    expect: {outcome: eligible}\n"
    )
    (line,) = _cases_with_draft(versions, "demo-plan", "medically-tailored-meals", draft, tmp_path)
    assert line.name == "Grace qualifies in August 2027" and not line.passed
    assert "demo-plan/medically-tailored-meals/v3" in " ".join(line.mismatches)


async def test_the_elections_page_says_when_the_plans_election_workflow_is_not_running(
    console: Console,
) -> None:
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        shown = await http.get("/admin/studio/elections")
    assert shown.status_code == 200
    assert "the plan&#39;s election workflow is not running" in shown.text
    assert "`lieu dev` (or the set-up of a deployment) starts it" in shown.text
    assert 'data-county="los-angeles"' in shown.text  # what is offered shows all the same


async def test_a_member_of_the_plan_or_pasted_facts_are_tried_like_a_persona(
    console: Console,
) -> None:
    await draft_meals_for_two_er_visits(console)
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await upsert_member(
            session=session, plan="demo-plan", cin="91000101A", facts=member_facts("letitia")
        )
    meals = "/admin/studio/medically-tailored-meals"
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        by_cin = await http.get(meals, params={"cin": "91000101A", "on": "2027-07-11"})
        nobody = await http.get(meals, params={"cin": "99999999Z"})
        pasted = await http.submit(
            f"{meals}/try?on=2027-07-11", {"facts": json.dumps(member_facts("letitia"))}
        )
        garbled = await http.submit(f"{meals}/try", {"facts": "{county: Orange"})
    for answer in (by_cin, pasted):
        assert answer.status_code == 200, answer.text
        assert answer.text.count('<section class="try"') == 2
        assert "Two or more emergency visits" in answer.text
    assert "no member &#39;99999999Z&#39; in demo-plan" in nobody.text
    assert "the facts are not JSON" in garbled.text
    async with create_session_factory(console.engine)() as session:
        reads = list(
            await session.scalars(
                select(AuditEntry.outcome).where(AuditEntry.action == "console.try_member")
            )
        )
    assert sorted(reads) == ["not_found", "ok"]
