"""The console's search (issue #14 point 2): every filter is a GET parameter, so the URL of a
search is the search (shared, it lists the same); the page says how many match and pages them;
a filter it cannot use is refused, saying which and what would do (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from lieu.platform.access.roles import Role
from lieu.platform.authorizations.models import AuthorizationEvent
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.admin.console_stack import Console, Step

pytestmark = pytest.mark.temporal


def _listed(page: str) -> set[str]:
    return set(re.findall(r'<tr data-authorization="([^"]+)">', page))


async def test_each_filter_narrows_the_search_to_exactly_what_it_names(
    console_any: Console,
) -> None:
    now = datetime.now(UTC)
    yesterday = (now - timedelta(days=1)).date().isoformat()
    decided = [
        Step(now - timedelta(days=3), "received", "lieu", "received"),
        Step(now - timedelta(days=1), "denied", "lieu", "denied"),
    ]
    plain = await console_any.project()
    other_member = await console_any.project(member="92000002B")
    other_provider = await console_any.project(provider="org-b")
    meals = await console_any.project(support="meals")
    sacramento = await console_any.project(county="sacramento")
    denied = await console_any.project(status="denied", steps=decided, review_deadline=None)
    old = await console_any.project(created_at=now - timedelta(days=40))
    everyone = {plain, other_member, other_provider, meals, sacramento, denied, old}
    searches = {
        (("number", plain),): {plain},
        (("member", "92000002B"),): {other_member},
        (("provider", "org-b"),): {other_provider},
        (("support", "meals"),): {meals},
        (("county", "Sacramento"),): {sacramento},
        (("status", "denied"),): {denied},
        (("decided_from", yesterday), ("decided_to", yesterday)): {denied},
        (("requested_to", (now - timedelta(days=30)).date().isoformat()),): {old},
        (("deadline_from", "2026-12-09"), ("deadline_to", "2026-12-09")): everyone - {denied},
        (("status", "pending_review"), ("provider", "org-a"), ("support", "respite")): {
            plain, other_member, sacramento, old,
        },
    }  # fmt: skip
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        for params, expected in searches.items():
            page = (await http.get("/admin/authorizations", params=list(params))).text
            assert _listed(page) == expected, params
            count = len(expected)
            assert f"{count} authorization{'' if count == 1 else 's'} match" in page


async def test_a_shared_search_url_lists_the_same_for_a_colleague(console: Console) -> None:
    wanted = await console.project(support="meals", county="sacramento")
    await console.project(support="meals")
    async with await console.signed_in(Role.OPERATIONS) as first:
        page = (
            await first.get(
                "/admin/authorizations", params={"support": "meals", "county": "sacramento"}
            )
        ).text
    link = re.search(r'<a href="\?([^"]*)">Link to this search</a>', page)
    assert link is not None
    shared = "/admin/authorizations?" + html.unescape(link.group(1))
    async with await console.signed_in(Role.REVIEWER) as colleague:
        again = (await colleague.get(shared)).text
    assert _listed(again) == _listed(page) == {wanted}
    assert 'value="meals"' in again and 'value="sacramento" selected' in again


async def test_results_come_fifty_a_page_with_the_total_and_page_count(console: Console) -> None:
    numbers = {await console.project(support="meals") for _ in range(51)}
    async with await console.signed_in(Role.OPERATIONS) as http:
        first = (await http.get("/admin/authorizations", params={"support": "meals"})).text
        second = (
            await http.get("/admin/authorizations", params={"support": "meals", "page": "2"})
        ).text
    assert "51 authorizations match; page 1 of 2" in first and "page 2 of 2" in second
    assert len(_listed(first)) == 50 and len(_listed(second)) == 1
    assert _listed(first) | _listed(second) == numbers
    assert 'href="?support=meals&page=2">Next' in first


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"requested_from": "04/12/2026"}, "requested_from='04/12/2026' is not a date such as"),
        (
            {"deadline_from": "2026-12-09", "deadline_to": "2026-12-01"},
            "deadline_to='2026-12-01' is not on or after deadline_from (2026-12-09)",
        ),
        ({"status": "lost"}, "status='lost' is not one of "),
        ({"queue": "urgent"}, "queue='urgent' is not one of due_today, overdue"),
    ],
)
async def test_a_filter_the_search_cannot_use_is_refused_saying_what_would_do(
    console: Console, params: dict[str, str], says: str
) -> None:
    await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.get("/admin/authorizations", params=params)
    assert answer.status_code == 400
    assert says in html.unescape(answer.text)
    assert "data-authorization" not in answer.text


async def test_a_rendering_npi_finds_the_authorizations_whose_service_reports_name_it(
    console_any: Console,
) -> None:
    served = await console_any.project(status="active")
    other = await console_any.project(status="active")
    async with create_session_factory(for_writes(console_any.engine)).begin() as session:
        for number, npi in ((served, "1234567893"), (other, "1245319599")):
            session.add(
                AuthorizationEvent(
                    authorization_id=number,
                    seq=1,
                    at=datetime.now(UTC),
                    kind="service_reported",
                    actor="provider:demo-plan/org-a:intake",
                    text="service reported",
                    data={"report_id": "r1", "rendering_npi": npi},
                )
            )
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        found = (await http.get("/admin/authorizations", params={"npi": "1234567893"})).text
        bad = await http.get("/admin/authorizations", params={"npi": "1234567890"})
    assert _listed(found) == {served}
    assert bad.status_code == 400
    assert "npi='1234567890' is not an NPI: 10 digits whose last is their check digit" in (
        html.unescape(bad.text)
    )
