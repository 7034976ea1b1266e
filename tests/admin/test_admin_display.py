"""How the console writes times, people and quantities: one form each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from lieu.admin.display import actor_name, amount, moment, time_left
from lieu.admin.flash import MESSAGES, flash_message


def test_a_moment_is_written_to_the_second_in_utc() -> None:
    pacific = timezone(timedelta(hours=-8))
    assert moment(datetime(2026, 12, 2, 7, 51, 50, tzinfo=pacific)) == "2026-12-02 15:51:50 UTC"
    assert moment(datetime(2026, 12, 2, 7, 51, 0, tzinfo=UTC)) == "2026-12-02 07:51:00 UTC"


@pytest.mark.parametrize(
    ("actor", "shown"),
    [
        ("operations:demo-plan:night desk", "operations · night desk"),
        ("reviewer:demo-plan:tok_9f2c", "reviewer · tok_9f2c"),
        ("plan_admin:demo-plan:product", "plan admin · product"),
        ("provider:demo-plan/org-a:intake", "provider org-a · intake"),
        ("lieu", "lieu · automatic"),
        ("org-a", "provider · org-a"),
        ("discharge-planner@hospital", "discharge-planner@hospital"),
    ],
)
def test_every_kind_of_actor_is_named_as_role_then_who(actor: str, shown: str) -> None:
    assert actor_name(actor, provider="org-a") == shown


@pytest.mark.parametrize(
    ("quantity", "shown"),
    [(Decimal("24.00"), "24"), (Decimal("12.50"), "12.5"), (Decimal("40"), "40"), (None, "—")],
)
def test_a_quantity_is_written_without_trailing_zeros(quantity: Decimal | None, shown: str) -> None:
    assert amount(quantity) == shown


def test_a_flash_code_reads_from_the_catalogue_with_the_route_s_number() -> None:
    assert flash_message("cancelled", number="A-1").startswith("Authorization A-1 is cancelled")
    assert flash_message("denied", number="A-1") == (
        "Decision recorded: authorization A-1 is denied."
    )


@pytest.mark.parametrize("code", ["", "nonsense", "Cancelled", "cancelled ", "<b>hi</b>"])
def test_an_unknown_flash_code_shows_nothing(code: str) -> None:
    assert flash_message(code, number="A-1") == ""


@pytest.mark.parametrize("code", sorted(c for c, text in MESSAGES.items() if "{number}" in text))
def test_a_code_about_an_authorization_shows_nothing_on_a_page_without_one(code: str) -> None:
    assert flash_message(code, number=None) == ""


def test_a_code_about_no_authorization_shows_on_any_page() -> None:
    assert flash_message("webhook_removed", number=None).startswith("Webhook removed")


def test_time_left_says_how_far_a_moment_is_in_at_most_two_units() -> None:
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert time_left(now + timedelta(days=3, hours=4, minutes=5), now) == "in 3 days 4 hours"
    assert time_left(now - timedelta(hours=2), now) == "2 hours ago"
    assert time_left(now + timedelta(seconds=20), now) == "in less than a minute"
    assert time_left(None, now) == ""
