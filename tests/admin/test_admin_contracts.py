"""The console lists the plan's contracts, one organization a row with the supports it may
request, to the plan's staff and product team; another plan's contracts never show."""

from __future__ import annotations

import pytest

from lieu.platform.access.contracts import add_contract
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.admin.console_stack import Console

pytestmark = pytest.mark.temporal


async def test_the_contracts_page_lists_each_organization_with_its_supports(
    console_any: Console,
) -> None:
    async with create_session_factory(for_writes(console_any.engine)).begin() as session:
        for provider, support in [
            ("sac-respite-co", "respite"),
            ("sac-respite-co", "housing-deposits"),
            ("org-a", "respite"),
        ]:
            await add_contract(
                session=session, plan="demo-plan", provider=provider, support=support, actor="t"
            )
        await add_contract(
            session=session, plan="other-plan", provider="rival-co", support="respite", actor="t"
        )
    for role in (Role.PLAN_ADMIN, Role.REVIEWER, Role.OPERATIONS):
        async with await console_any.signed_in(role) as http:
            shown = await http.get("/admin/contracts")
        assert shown.status_code == 200
        assert (
            '<tr data-provider="sac-respite-co"><td><code>sac-respite-co</code></td>\n'
            "      <td><code>housing-deposits</code>, <code>respite</code></td></tr>"
        ) in shown.text
        assert 'data-provider="org-a"' in shown.text
        assert "rival-co" not in shown.text
        assert "3 contract(s) with 2 organization(s)." in shown.text
