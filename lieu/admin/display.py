"""How the console writes times, people, quantities and places: one form for each, everywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from lieu.platform.access.roles import Role
from lieu.platform.elections.counties import county_name

SYSTEM_ACTOR = "lieu"  # what workflows write for the steps they take themselves
_ROLES = frozenset(role.value for role in Role)


def moment(at: datetime | None) -> str:
    """`2026-12-02 07:51:50 UTC`: to the second, so the order of events is readable."""
    if at is None:
        return ""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def machine_moment(at: datetime | None) -> str:
    """The same instant for a `<time datetime>` attribute."""
    return "" if at is None else at.astimezone(UTC).isoformat(timespec="seconds")


def actor_name(actor: str, provider: str = "") -> str:
    """Who did something, in one form: `role · who` (`operations · night desk`).

    Timelines carry three kinds of actor: a caller as `role:plan[/provider]:label`, lieu itself
    (`lieu`), and a provider organization by its code (answering a referral). The plan is not
    repeated: the console shows only its own plan's."""
    if actor == SYSTEM_ACTOR:
        return "lieu · automatic"
    if provider and actor == provider:
        return f"provider · {provider}"
    role, _, rest = actor.partition(":")
    scope, _, who = rest.rpartition(":")
    if role not in _ROLES or not scope or not who:
        return actor  # written by something else: show it as it is rather than guess
    _plan, _, organization = scope.partition("/")
    role_words = role.replace("_", " ")
    if organization:
        return f"{role_words} {organization} · {who}"
    return f"{role_words} · {who}"


def time_left(at: datetime | None, now: datetime) -> str:
    """`in 3 days 4 hours`, `2 hours ago`: how far a moment is from now, to the minute."""
    if at is None:
        return ""
    seconds = int((at - now).total_seconds())
    past, seconds = seconds < 0, abs(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = [
        f"{n} {unit}{'s' if n != 1 else ''}"
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n
    ][:2] or ["less than a minute"]
    words = " ".join(parts)
    return f"{words} ago" if past else f"in {words}"


def amount(quantity: Decimal | None) -> str:
    """`24.00` → `24`, `12.50` → `12.5`: the quantity without trailing zeros."""
    if quantity is None:
        return "—"
    return f"{quantity.normalize():f}"


def county(slug: str) -> str:
    """A county's name (`los-angeles` → `Los Angeles`)."""
    return county_name(slug)


FILTERS = {
    "moment": moment,
    "machine_moment": machine_moment,
    "actor": actor_name,
    "time_left": time_left,
    "amount": amount,
    "county": county,
}
