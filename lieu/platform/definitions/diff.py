"""A business-language diff between two versions of a definition."""

from __future__ import annotations

from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.limits import Limit, Window, WindowKind, amount
from lieu.platform.definitions.steps import Authorization
from lieu.platform.pricing.terms import PAYMENT_MODEL_WORDS, Pricing, money

__all__ = ["DifferentSupports", "amount", "diff_definitions", "window_words"]


def window_words(window: Window) -> str:
    """'lifetime', 'calendar-year', 'per-stay', 'rolling 365-day' …"""
    match window.kind:
        case WindowKind.ROLLING_DAYS:
            return f"rolling {window.days}-day"
        case WindowKind.CALENDAR_YEAR:
            return "calendar-year"
        case WindowKind.PER_AUTHORIZATION:
            return "per-authorization"
        case WindowKind.PER_STAY:
            return "per-stay"
        case _:
            return "lifetime"


class DifferentSupports(ValueError):
    """Two definitions of different supports were given to compare."""


def diff_definitions(old: Definition, new: Definition) -> list[str]:
    """One sentence per change from old to new, each naming the support and when it applies.

    Give it effective definitions (a plan's merged over its baseline: `inheritance.effective`):
    a plan's own document lists only what it adds or lowers, so compared with its baseline what
    it inherits would read as removed, and a narrowing as a widening.
    """
    if old.support != new.support:
        raise DifferentSupports(
            f"{old.ref} defines {old.title} and {new.ref} defines {new.title}; compare two "
            "versions of one support"
        )
    changes = [
        *_criteria(old, new),
        *_limits(old.limits, new.limits),
        *_authorization(old.authorization, new.authorization),
        *_pricing(old.pricing, new.pricing),
    ]
    if old.title != new.title:
        changes.append(f"renamed from {old.title!r} to {new.title!r}")
    when = f"effective {new.effective_from.isoformat()}"
    if not changes:
        if old.effective_from != new.effective_from:
            return [
                f"{new.title}: effective date moved from {old.effective_from} to "
                f"{new.effective_from}"
            ]
        return [f"{new.title}: no changes"]
    return [f"{new.title}: {change}, {when}" for change in changes]


def _criteria(old: Definition, new: Definition) -> list[str]:
    before = {c.id: c for c in old.criteria}
    after = {c.id: c for c in new.criteria}
    found = [f"criterion added: {c.label}" for i, c in after.items() if i not in before]
    found += [f"criterion removed: {c.label}" for i, c in before.items() if i not in after]
    for key in before.keys() & after.keys():
        if before[key].rule != after[key].rule:
            found.append(f"criterion changed: {after[key].label}")
        elif before[key].label != after[key].label:
            found.append(f"criterion relabelled: {before[key].label} → {after[key].label}")
    return found


def _limits(old: tuple[Limit, ...], new: tuple[Limit, ...]) -> list[str]:
    before = {limit.id: limit for limit in old}
    after = {limit.id: limit for limit in new}
    found = [f"limit added: {lim.label}" for i, lim in after.items() if i not in before]
    found += [f"limit removed: {lim.label}" for i, lim in before.items() if i not in after]
    for key in before.keys() & after.keys():
        was, now = before[key], after[key]
        if was.measure != now.measure or was.window != now.window:
            found.append(f"limit changed: {was.label} → {now.label}")
        elif was.maximum != now.maximum:
            verb = "lowered" if now.maximum < was.maximum else "raised"
            found.append(
                f"{window_words(now.window)} cap {verb} from {amount(was.maximum, was.measure)} "
                f"to {amount(now.maximum, now.measure)}"
            )
        if was.exception.allowed != now.exception.allowed:
            state = "now allowed" if now.exception.allowed else "no longer allowed"
            found.append(f"exception to '{now.label}' {state}")
    return found


def _authorization(old: Authorization | None, new: Authorization | None) -> list[str]:
    if old is None or new is None:
        return [] if old == new else ["authorization " + ("added" if new else "removed")]
    before = [s.describe() for s in old.steps]
    after = [s.describe() for s in new.steps]
    found = [f"step added: {s}" for s in after if s not in before]
    found += [f"step removed: {s}" for s in before if s not in after]
    if old.period_days != new.period_days:
        found.append(
            f"authorization period changed from {old.period_days or 'none'} to "
            f"{new.period_days or 'none'} days"
        )
    if old.retroactive != new.retroactive:
        state = "allowed" if new.retroactive.allowed else "not allowed"
        found.append(f"retroactive authorization {state}")
    if old.closed_loop_referral != new.closed_loop_referral:
        state = "tracked" if new.closed_loop_referral else "not tracked"
        found.append(f"closed-loop referral {state}")
    if old.reauthorization != new.reauthorization:
        found.append("reauthorization terms changed")
    if old.plan_defaults != new.plan_defaults:
        terms = ", ".join(term.replace("_", " ") for term in new.plan_defaults) or "none"
        found.append(f"plan defaults (terms a plan may set either way, not DHCS rules): {terms}")
    return found


def _pricing(old: Pricing | None, new: Pricing | None) -> list[str]:
    if old is None or new is None:
        return [] if old == new else ["pricing " + ("added" if new else "removed")]
    found = []
    if old.payment_model != new.payment_model:
        found.append(
            f"payment model changed from {PAYMENT_MODEL_WORDS[old.payment_model]} to "
            f"{PAYMENT_MODEL_WORDS[new.payment_model]}"
        )
    codes_before = {str(c) for c in old.codes}
    codes_after = {str(c) for c in new.codes}
    found += [f"billing code added: {c}" for c in sorted(codes_after - codes_before)]
    found += [f"billing code removed: {c}" for c in sorted(codes_before - codes_after)]
    for name, was, now in (("contracted rate", old.rate, new.rate), ("cost cap", old.cap, new.cap)):
        if was != now:
            if was is None or now is None:
                found.append(f"{name} {'set to ' + money(now) if now is not None else 'removed'}")
            else:
                verb = "lowered" if now < was else "raised"
                found.append(f"{name} {verb} from {money(was)} to {money(now)} per {new.unit}")
    if old.guidance != new.guidance:
        found.append("pricing guidance range updated")
    return found
