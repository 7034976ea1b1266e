"""How long a provider keeps seeing a member once its authorizations end, and how many wrong birth
dates it may give before the check locks: a plan's own choice, in its plan file
(`benefit_definitions/plans/<plan>.json`):

    "provider_access": {"grace_days": 60, "birth_date_misses": 5, "lockout_hours": 24,
                        "token_misses": 20, "token_lockout_hours": 1}

The defaults: 60 days of grace, the time a member has to appeal a notice (42 CFR
438.402(c)(2)(ii)), during which the provider that asked may need to support the appeal; it
also covers the reporting window of a support that ended. Five misses in a day for one CIN lock
that CIN for the organization for a day (guessing a birth date from an age takes hundreds of
tries: five a day makes that months), and twenty misses in an hour from one token lock that
token's birth-date checks for an hour (it stops a scan across many CINs).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

SECTION = "provider_access"
# The most a plan may set each to: past these the check protects nothing (or locks for ever).
MOST = {
    "grace_days": 366,
    "birth_date_misses": 10,
    "lockout_hours": 24 * 30,
    "token_misses": 100,
    "token_lockout_hours": 24 * 7,
}


@dataclass(frozen=True, slots=True)
class AccessTerms:
    """A plan's terms for providers' access to its members (see the module's docstring)."""

    grace_days: int = 60
    birth_date_misses: int = 5
    lockout_hours: int = 24
    token_misses: int = 20
    token_lockout_hours: int = 1

    @property
    def grace(self) -> timedelta:
        return timedelta(days=self.grace_days)

    @property
    def lockout(self) -> timedelta:
        return timedelta(hours=self.lockout_hours)

    @property
    def token_lockout(self) -> timedelta:
        return timedelta(hours=self.token_lockout_hours)


DEFAULT_ACCESS = AccessTerms()


def parse_access(document: dict[str, Any], problems: list[str]) -> AccessTerms:
    """The terms in a plan file's `provider_access` section; each problem (with its JSON
    pointer) is added to `problems`."""
    raw = document.get(SECTION, {})
    if not isinstance(raw, dict):
        problems.append(f"/{SECTION}: an object with {', '.join(MOST)}")
        return DEFAULT_ACCESS
    unknown = sorted(set(raw) - set(MOST))
    if unknown:
        problems.append(f"/{SECTION}: unknown field(s) {unknown}; the fields are {list(MOST)}")
    values: dict[str, int] = {}
    for name, most in MOST.items():
        if name not in raw:
            continue
        value = raw[name]
        least = 0 if name == "grace_days" else 1
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
            problems.append(f"/{SECTION}/{name}: a whole number from {least} to {most}")
        else:
            values[name] = value
    return AccessTerms(**values)


def access_document(terms: AccessTerms) -> dict[str, int]:
    """The terms as the plan file (and the stored settings) write them."""
    return {f.name: getattr(terms, f.name) for f in fields(terms)}


def stored_access(stored: dict[str, Any] | None) -> AccessTerms:
    """The terms a plan row holds (checked when its file was read; none: the defaults)."""
    problems: list[str] = []
    terms = parse_access({SECTION: stored or {}}, problems)
    assert not problems, problems
    return terms
