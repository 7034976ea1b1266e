"""The console's dashboard (issue #14 point 1): counts by status, support and queue, each a
"see all" link to the search that lists exactly them; charts as SVG with a table of the same
figures; each part only for the roles its GraphQL field answers (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from lieu.platform.access.roles import Role
from tests.admin.console_stack import Console, Step

pytestmark = pytest.mark.temporal


def _count(page: str, row: str) -> int:
    found = re.search(
        rf'<tr {row}><td>[^<]*(?:<code>[^<]*</code>)?</td><td><a href="([^"]+)"[^>]*>(\d+)</a>',
        page,
    )
    assert found is not None, f"no count row {row}"
    return int(found.group(2))


def _link(page: str, row: str) -> str:
    found = re.search(rf'<tr {row}><td>.*?</td><td><a href="([^"]+)"', page)
    assert found is not None, f"no count row {row}"
    return found.group(1).replace("&amp;", "&")


async def _projected(console: Console) -> dict[str, str]:
    now = datetime.now(UTC)
    end_of_day = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    decided = [
        Step(now - timedelta(hours=3), "received", "lieu", "received"),
        Step(now - timedelta(hours=1), "approved", "lieu", "approved"),
    ]
    return {
        "due": await console.project(review_deadline=now + (end_of_day - now) / 2),
        "overdue": await console.project(review_deadline=now - timedelta(hours=1)),
        "ending": await console.project(
            status="active", service_end=now.date() + timedelta(days=3), support="meals"
        ),
        "decided": await console.project(status="approved", steps=decided, review_deadline=None),
    }


async def test_operations_see_counts_that_link_to_searches_listing_exactly_them(
    console_any: Console,
) -> None:
    numbers = await _projected(console_any)
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        overview = (await http.get("/admin/")).text
        assert _count(overview, 'data-queue="overdue"') == 1
        assert _count(overview, 'data-queue="due_today"') == 1
        assert _count(overview, 'data-queue="ending_7"') == 1
        assert _count(overview, 'data-status="pending_review"') == 2
        assert _count(overview, 'data-support-count="meals"') == 1
        overdue = (await http.get(_link(overview, 'data-queue="overdue"'))).text
        by_status = (await http.get(_link(overview, 'data-status="pending_review"'))).text
    assert "1 authorization matches" in overdue
    assert numbers["overdue"] in overdue and numbers["due"] not in overdue
    assert "2 authorizations match" in by_status
    assert numbers["due"] in by_status and numbers["overdue"] in by_status
    assert numbers["ending"] not in by_status


async def test_the_charts_are_svg_with_a_title_and_a_table_of_the_same_figures(
    console_any: Console,
) -> None:
    await _projected(console_any)
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        overview = (await http.get("/admin/")).text
    for key in ("requests", "decisions", "median"):
        assert f'<svg role="img" aria-labelledby="chart-{key}-title"' in overview
        assert f'<title id="chart-{key}-title">' in overview
    decisions = re.search(
        r'id="chart-decisions".*?<tbody><tr><th scope="row">decisions</th>(.*?)</tr>',
        overview,
        re.S,
    )
    assert decisions is not None
    cells = re.findall(r"<td>([^<]*)</td>", decisions.group(1))
    assert len(cells) == 12 and sum(int(c) for c in cells) == 1
    median = re.search(
        r'id="chart-median".*?<tbody><tr><th scope="row">hours</th>(.*?)</tr>', overview, re.S
    )
    assert median is not None and "<td>2</td>" in median.group(1)  # 3 h - 1 h


async def test_a_reviewer_sees_counts_but_neither_charts_nor_failures(console: Console) -> None:
    await console.project()
    async with await console.signed_in(Role.REVIEWER) as http:
        overview = (await http.get("/admin/")).text
    assert 'id="queue-counts"' in overview
    assert "<svg" not in overview and 'id="failed-count"' not in overview


async def test_the_product_team_sees_charts_and_the_election_window_but_no_count(
    console: Console,
) -> None:
    await console.project()
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        overview = (await http.get("/admin/")).text
    assert 'id="chart-requests"' in overview and 'id="election-window"' in overview
    assert 'id="queue-counts"' not in overview and 'id="failed-count"' not in overview


async def test_operations_see_how_many_workflows_failed_with_a_link_to_the_failures_page(
    console: Console,
) -> None:
    # (the Temporal dev server is shared by the session's tests: the count is theirs too)
    async with await console.signed_in(Role.OPERATIONS) as http:
        overview = (await http.get("/admin/")).text
    assert re.search(
        r'id="failed-count">Workflows failed or timed out:\s*'
        r'<a href="[^"]*/admin/failures">\d+( or more)?</a>',
        overview,
    )
