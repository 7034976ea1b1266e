"""What the console's pages say: the definitions in force, counties by name, times to the second
with one actor format, and success messages only from the console's own catalogue."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime

import pytest

from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.versions import create_draft, publish
from tests.admin.console_stack import Console, Step
from tests.workflows.authorizations import DEFINITIONS

pytestmark = pytest.mark.temporal


def _text(html: str) -> str:
    """The page's words, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def _schedule_respite_v3(console: Console, effective_from: str) -> None:
    """A third DHCS respite version, after the shipped v2 (2027-01-01), from `effective_from`."""
    document = json.loads((DEFINITIONS / "dhcs" / "respite" / "v2.json").read_text())
    newer = copy.deepcopy(document)
    newer.update(version=3, effective_from=effective_from, title="Respite Services (2099)")
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await create_draft(session=session, document=newer, actor="test")
        await publish(session=session, plan="dhcs", support="respite", version=3, actor="test")


async def _plan_respite_v1_and_v2(console: Console) -> None:
    """demo-plan's respite: v1 from 2025, then v2 from 2026-01-01 (both in the past)."""
    first = {
        "plan": "demo-plan", "support": "respite", "version": 1, "title": "Respite Services",
        "extends": {"plan": "dhcs", "support": "respite", "version": 1},
        "effective_from": "2025-01-01", "status": "draft", "reference": "Demo policy §RS-1",
    }  # fmt: skip
    second = {**first, "version": 2, "effective_from": "2026-01-01"}
    second["title"] = "Respite Services (2026)"
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        for document in (first, second):
            await create_draft(session=session, document=document, actor="test")
            version = int(str(document["version"]))
            await publish(
                session=session, plan="demo-plan", support="respite", version=version, actor="test"
            )


async def test_published_definitions_show_the_version_in_force_and_a_newer_one_from_its_date(
    console: Console,
) -> None:
    await _schedule_respite_v3(console, "2099-07-01")
    async with await console.signed_in(Role.OPERATIONS) as http:
        overview = await http.get("/admin/")
    row = re.search(r'<tr data-support="dhcs/respite">(.*?)</tr>', overview.text, re.S)
    assert row is not None, overview.text
    cells = _text(row.group(1))
    assert "Respite Services v1 2022-01-01" in cells
    assert "v2 from 2027-01-01" in cells  # the shipped v2 baseline, the next to take effect
    assert "(2099)" not in cells


async def test_graphql_supports_answers_the_version_in_force_not_a_newer_scheduled_one(
    console: Console,
) -> None:
    await _schedule_respite_v3(console, "2099-07-01")
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.post(
            "/graphql",
            json={"query": '{ supports(plan: "dhcs") { code version effectiveFrom title } }'},
        )
    respite = [s for s in answer.json()["data"]["supports"] if s["code"] == "respite"]
    assert respite == [
        {
            "code": "respite",
            "version": 1,
            "effectiveFrom": "2022-01-01",
            "title": "Respite Services",
        }
    ]


async def test_a_version_that_has_taken_effect_is_the_one_in_force(console: Console) -> None:
    await _plan_respite_v1_and_v2(console)
    async with await console.signed_in(Role.OPERATIONS) as http:
        overview = await http.get("/admin/")
    row = re.search(r'<tr data-support="demo-plan/respite">(.*?)</tr>', overview.text, re.S)
    assert row is not None, overview.text
    assert "Respite Services (2026) v2 2026-01-01" in _text(row.group(1))


async def test_a_member_s_county_shows_by_its_name_not_its_slug(console: Console) -> None:
    number = await console.project(county="san-luis-obispo")
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(f"/admin/authorizations/{number}")
    assert shown.status_code == 200
    assert '<span id="county">San Luis Obispo</span>' in shown.text
    assert "san-luis-obispo" not in shown.text


async def test_timeline_times_show_seconds_and_every_actor_reads_the_same_way(
    console: Console,
) -> None:
    minute = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    number = await console.project(
        steps=[
            Step(minute.replace(second=1), "received", "provider:demo-plan/org-a:intake", "asked"),
            Step(minute.replace(second=2), "review_requested", "lieu", "review by 9 Dec"),
            Step(minute.replace(second=42), "accepted", "org-a", "referral accepted"),
            Step(minute.replace(second=59), "cancelled", "operations:demo-plan:desk", "moved"),
        ]
    )
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(f"/admin/authorizations/{number}")
    times = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', shown.text)
    assert times == [
        "2026-12-09 17:30:05 UTC",  # the review deadline
        "2026-12-09 17:30:05 UTC",  # its clock: review due
        "2026-12-09 17:30:05 UTC",  # and the moment a missed review is a denial
        "2026-12-02 10:00:01 UTC",
        "2026-12-02 10:00:02 UTC",
        "2026-12-02 10:00:42 UTC",
        "2026-12-02 10:00:59 UTC",
    ]
    actors = [_text(a) for a in re.findall(r'<span class="muted actor">(.*?)</span>', shown.text)]
    assert actors == [
        "by provider org-a · intake",
        "by lieu · automatic",
        "by provider · org-a",
        "by operations · desk",
    ]


async def test_a_flash_code_shows_the_catalogue_text_with_the_number_from_the_route(
    console: Console,
) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(
            f"/admin/authorizations/{number}", params={"flash": "cancelled", "number": "A-EVIL"}
        )
    banner = re.search(r'<p class="flash success" role="status">(.*?)</p>', shown.text, re.S)
    assert banner is not None
    assert banner.group(1).startswith(f"Authorization {number} is cancelled")
    assert "A-EVIL" not in shown.text


@pytest.mark.parametrize(
    "flash",
    ["Your token expired: call 555-0100 and read it out", "refused: it worked", "nonsense"],
)
async def test_a_link_cannot_make_the_console_say_anything(console: Console, flash: str) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(f"/admin/authorizations/{number}", params={"flash": flash})
        overview = await http.get("/admin/", params={"flash": "cancelled"})
    assert shown.status_code == 200
    assert 'role="status"' not in shown.text
    assert flash not in shown.text
    assert 'role="status"' not in overview.text  # the overview names no authorization


async def test_the_sign_in_page_shows_no_reason_a_link_carries(console: Console) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        http.cookies.clear()
        shown = await http.get(
            "/admin/login", params={"reason": "the console moved to evil.example", "next": "/x"}
        )
    assert shown.status_code == 200
    assert "evil.example" not in shown.text
