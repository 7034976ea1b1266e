"""The console shows each role what GraphQL answers it, no more: the product team (plan_admin)
sees health and definitions but no authorization, queue or action; reviewers see review queues
but not operations' lists; each refusal is a 403 page naming who may."""

from __future__ import annotations

import pytest
from strawberry.permission import PermissionExtension

from lieu.admin.access import EVERY, Shown
from lieu.admin.session import CONSOLE_ROLES
from lieu.graphql.permissions import RoleIn
from lieu.graphql.schema import build_schema
from lieu.platform.access.roles import Role
from tests.admin.console_stack import Console

pytestmark = pytest.mark.temporal


def _graphql_roles(field_name: str) -> frozenset[Role]:
    """The roles the schema's Query or Mutation field `field_name` is open to."""
    schema = build_schema()
    for type_name in ("Query", "Mutation"):
        definition = schema.get_type_by_name(type_name)
        for field in getattr(definition, "fields", []):
            if schema.config.name_converter.get_graphql_name(field) != field_name:
                continue
            for extension in field.extensions:
                if isinstance(extension, PermissionExtension):
                    for permission in extension.permissions:
                        if isinstance(permission, RoleIn):
                            return permission.roles
    raise AssertionError(f"no field {field_name} with a role permission in the schema")


@pytest.mark.parametrize("shown", EVERY, ids=lambda s: s.field)
def test_each_console_page_is_open_to_the_console_roles_its_graphql_field_is(
    shown: Shown,
) -> None:
    assert shown.roles == _graphql_roles(shown.field) & CONSOLE_ROLES


async def test_the_product_team_sees_no_authorization_in_the_console(console: Console) -> None:
    number = await console.project()
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        overview = await http.get("/admin/")
        search = await http.get("/admin/authorizations", params={"member": "91000001A"})
        one = await http.get(f"/admin/authorizations/{number}")
        cancel = await http.submit(f"/admin/authorizations/{number}/cancel", {"reason": "x"})
    assert overview.status_code == 200
    assert "Published definitions" in overview.text
    assert number not in overview.text and "Needs attention" not in overview.text
    assert '/admin/authorizations">Authorizations</a>' not in overview.text
    for refused in (search, one, cancel):
        assert refused.status_code == 403
        assert "Your role, plan_admin, cannot" in refused.text
        assert "(open to: " in refused.text
        assert "91000001A" not in refused.text


async def test_a_reviewer_sees_the_review_queues_but_not_operations_lists(
    console: Console,
) -> None:
    await console.project()
    async with await console.signed_in(Role.REVIEWER) as http:
        overview = await http.get("/admin/")
    assert 'id="review"' in overview.text and 'id="overdue"' in overview.text
    assert 'id="expiring"' not in overview.text and 'id="stalled"' not in overview.text


async def test_operations_cannot_decide_and_reviewers_cannot_cancel(console: Console) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as operations:
        decide = await operations.submit(
            f"/admin/authorizations/{number}/decide", {"decision": "approve", "reason": "r"}
        )
    async with await console.signed_in(Role.REVIEWER) as reviewer:
        cancel = await reviewer.submit(f"/admin/authorizations/{number}/cancel", {"reason": "r"})
    assert decide.status_code == 403
    assert "Your role, operations, cannot decide a review (open to: reviewer)" in decide.text
    assert cancel.status_code == 403 and "cannot cancel (open to: operations)" in cancel.text
