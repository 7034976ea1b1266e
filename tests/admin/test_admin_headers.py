"""Every console answer tells the browser to run no inline or foreign script, never to frame the
page, not to guess types, not to send the address to other sites, and (pages with member data)
not to keep a copy; `?page=` that is not a page number is a 400 page that says what to give."""

from __future__ import annotations

import re

import httpx
import pytest

from lieu.admin.guard import CONSOLE_POLICY
from lieu.platform.access.roles import Role
from tests.admin.console_stack import Console

pytestmark = pytest.mark.temporal

SAFE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def _assert_guarded(answer: httpx.Response, *, policy: str = CONSOLE_POLICY) -> None:
    for name, value in SAFE.items():
        assert answer.headers.get(name) == value, (answer.url, name)
    assert answer.headers.get("content-security-policy") == policy, answer.url
    assert "frame-ancestors 'none'" in policy


async def test_every_console_page_carries_the_security_headers_and_no_store(
    console: Console,
) -> None:
    number = await console.project()
    async with httpx.AsyncClient(base_url=console.base) as anonymous:
        signed_out = [await anonymous.get("/admin/"), await anonymous.get("/admin/login")]
    async with await console.signed_in(Role.OPERATIONS) as http:
        pages = [
            await http.get("/admin/"),
            await http.get("/admin/authorizations"),
            await http.get("/admin/authorizations", params={"member": "91000001A"}),
            await http.get(f"/admin/authorizations/{number}"),
            await http.get("/admin/authorizations/A-NONE"),
            await http.get("/admin/authorizations", params={"page": "x"}),
            await http.submit(f"/admin/authorizations/{number}/cancel", {"reason": "gone"}),
            await http.post(f"/admin/authorizations/{number}/cancel", data={"reason": "x"}),
        ]
        css = await http.get("/admin/static/console.css")
    for answer in [*signed_out, *pages]:
        _assert_guarded(answer)
        assert answer.headers.get("cache-control") == "no-store", answer.url
        assert "<script" not in answer.text and "<style" not in answer.text
        assert not re.search(r"\sstyle=", answer.text), "no inline style attribute"
    _assert_guarded(css)
    assert css.headers.get("cache-control") != "no-store"


@pytest.mark.parametrize("given", ["0", "-1", "abc", "²", "١٢", "99999999999999999999", "10001"])
async def test_a_page_number_that_is_not_one_is_a_400_saying_what_to_give(
    console: Console, given: str
) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.get("/admin/authorizations", params={"page": given, "status": "x"})
    assert answer.status_code == 400
    alert = re.search(r'<p class="error" role="alert" id="bad-page">(.*?)</p>', answer.text)
    assert alert is not None
    assert "give a whole number from 1 to 10000" in alert.group(1)
    assert "?status=x" in answer.text, "a link to the first page of the same search"


async def test_the_last_page_number_answers(console: Console) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.get("/admin/authorizations", params={"page": "10000"})
    assert answer.status_code == 200
    assert "Page 10000" in answer.text
