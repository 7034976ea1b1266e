"""Console forms that cannot be sent as they are: refused beside the form, with what was typed
kept, before anything reaches the workflow (these authorizations have no workflow: a form that
reached Temporal would be answered "there is no authorization")."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from tests.admin.console_stack import Console

pytestmark = pytest.mark.temporal


def _alert(page: str) -> str:
    found = re.search(r'<p class="error" role="alert" id="(\w+)-error">(.*?)</p>', page, re.S)
    assert found is not None, page
    return f"{found.group(1)}: {html.unescape(found.group(2))}"


@pytest.mark.parametrize(
    ("form", "refusal"),
    [
        ({"decision": "modify", "quantity": "", "reason": "r"}, "needs the quantity to approve"),
        ({"decision": "modify", "quantity": "1e999", "reason": "r"}, "below 1,000,000,000"),
        ({"decision": "modify", "quantity": "0.001", "reason": "r"}, "more than two decimals"),
        ({"decision": "modify", "quantity": "-4", "reason": "r"}, "a number above 0"),
        ({"decision": "approve", "quantity": "12", "reason": "r"}, "clear the quantity"),
        ({"decision": "maybe", "quantity": "", "reason": "r"}, "'maybe' is not one"),
        ({"decision": "deny", "quantity": "", "reason": "  "}, "a decision needs a reason"),
        ({"decision": "deny", "quantity": "", "reason": "a\x00b"}, "a control character"),
    ],
)
async def test_a_decision_that_cannot_be_sent_is_refused_beside_the_form_as_typed(
    console: Console, form: dict[str, str], refusal: str
) -> None:
    number = await console.project()
    async with await console.signed_in(Role.REVIEWER) as http:
        answer = await http.submit(f"/admin/authorizations/{number}/decide", form)
    assert answer.status_code == 400
    assert _alert(answer.text).startswith("decide: Not recorded: ")
    assert refusal in _alert(answer.text)
    assert 'role="status"' not in answer.text
    assert f'<option value="{form["decision"]}" selected>' in answer.text or (
        form["decision"] == "maybe"
    )
    assert f'value="{form["quantity"]}"' in answer.text


async def test_cancel_first_shows_what_it_will_do_and_sends_nothing(console: Console) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.submit(f"/admin/authorizations/{number}/cancel", {"reason": "gone"})
    assert answer.status_code == 200
    assert (
        f"This cancels {number}; the 24 hours held are released; the provider and member are told."
        in answer.text
    )
    assert '<input type="hidden" name="confirmed" value="yes">' in answer.text
    assert "there is no authorization" not in answer.text


async def test_a_cancel_without_a_reason_is_refused_before_the_confirmation(
    console: Console,
) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.submit(f"/admin/authorizations/{number}/cancel", {"reason": ""})
    assert answer.status_code == 400
    assert _alert(answer.text) == (
        "cancel: Not cancelled: a cancellation needs a reason; the provider and member read it"
    )


async def test_a_refusal_from_the_workflow_shows_beside_the_form_and_is_audited(
    console_any: Console,
) -> None:
    number = await console_any.project()
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        answer = await http.submit(
            f"/admin/authorizations/{number}/cancel", {"reason": "gone", "confirmed": "yes"}
        )
    assert answer.status_code == 409
    assert _alert(answer.text) == f"cancel: Not cancelled: there is no authorization {number}"
    assert 'value="gone"' in answer.text
    async with create_session_factory(console_any.engine)() as session:
        lines = list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "console.cancel")
                .order_by(AuditEntry.id)
            )
        )
    # the line stored before the command was sent, then its outcome
    assert [(a.target, a.outcome) for a in lines] == [
        (f"authorization:{number}", "sent"),
        (f"authorization:{number}", "refused"),
    ]
    assert lines[1].detail == f"not_found: there is no authorization {number}; reason: gone"
