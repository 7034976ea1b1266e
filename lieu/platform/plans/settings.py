"""A plan's settings: read from its file (every problem named, with the JSON pointer), stored, and
looked up when a request arrives.

`benefit_definitions/plans/<plan>.json`:

    {"plan": "demo-plan", "time_zone": "America/Los_Angeles",
     "holidays": {"region": "US-CA", "categories": ["public"]},
     "appeals": {"standard_days": 30, "expedited_hours": 72, "extension_days": 14},
     "grievances": {"acknowledge_days": 5, "resolve_days": 30}}

A plan without a file (or a row) works on California's clock, with the federal appeal and
California's grievance timeframes (`lieu.platform.appeals.terms`). (The languages a plan sends
notices in are the notices' own settings: `benefit_definitions/notices/<plan>/plan.json`.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.terms import (
    DEFAULT_ACCESS,
    AccessTerms,
    access_document,
    parse_access,
    stored_access,
)
from lieu.platform.appeals.terms import DEFAULT_TERMS, AppealTerms, parse_terms, terms_document
from lieu.platform.plans.calendar import CALIFORNIA, CalendarError, PlanCalendar
from lieu.platform.plans.models import PlanRecord

FIELDS = {"plan", "time_zone", "holidays", "reference", "appeals", "grievances", "provider_access"}


class PlanSettingsError(ValueError):
    """A plan file is not valid; the message lists every problem with its JSON pointer."""


@dataclass(frozen=True)
class PlanSettings:
    """What a plan configures for itself."""

    plan: str
    calendar: PlanCalendar = CALIFORNIA
    reference: str = ""
    appeals: AppealTerms = DEFAULT_TERMS
    access: AccessTerms = DEFAULT_ACCESS  # providers' access to members (`access.terms`)


def default_settings(plan: str) -> PlanSettings:
    return PlanSettings(plan)


def parse_settings(document: Any, *, source: str) -> PlanSettings:
    """The settings in a plan file's JSON; `PlanSettingsError` names each problem."""
    if not isinstance(document, dict):
        raise PlanSettingsError(f"{source}: a plan file is a JSON object with plan, time_zone…")
    problems: list[str] = []
    unknown = sorted(set(document) - FIELDS)
    if unknown:
        problems.append(f"/: unknown field(s) {unknown}; the fields are {sorted(FIELDS)}")
    plan = document.get("plan")
    if not isinstance(plan, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", plan):
        problems.append("/plan: the plan's slug, lower-case letters, digits and '-'")
    zone = document.get("time_zone", CALIFORNIA.time_zone)
    holidays = document.get("holidays", {"region": CALIFORNIA.holidays})
    region, categories = CALIFORNIA.holidays, CALIFORNIA.categories
    if not isinstance(zone, str):
        problems.append("/time_zone: an IANA time zone name, such as 'America/Los_Angeles'")
        zone = CALIFORNIA.time_zone
    if not isinstance(holidays, dict) or not isinstance(holidays.get("region", ""), str):
        problems.append(
            "/holidays: an object {'region': 'US-CA', 'categories': ['public']} "
            "(region '' for weekends only)"
        )
    else:
        region = holidays.get("region", CALIFORNIA.holidays)
        raw = holidays.get("categories", list(CALIFORNIA.categories))
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw) or not raw:
            problems.append("/holidays/categories: a list of the holidays package's categories")
        else:
            categories = tuple(raw)
    calendar = PlanCalendar(zone, region, categories)
    try:
        calendar.check()
    except CalendarError as bad:
        pointer = "/time_zone" if "time zone" in str(bad) else "/holidays"
        problems.append(f"{pointer}: {bad}")
    reference = document.get("reference", "")
    if not isinstance(reference, str):
        problems.append("/reference: where the settings come from, as text")
        reference = ""
    appeals = parse_terms(document, problems)
    access = parse_access(document, problems)
    if problems:
        raise PlanSettingsError(f"{source}: " + "; ".join(problems))
    assert isinstance(plan, str)
    return PlanSettings(plan, calendar, reference, appeals, access)


def read_settings(path: Path) -> PlanSettings:
    """A plan file's settings; `PlanSettingsError` says what is wrong and where."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as unreadable:
        raise PlanSettingsError(f"{path}: cannot be read ({unreadable})") from None
    except json.JSONDecodeError as bad:
        raise PlanSettingsError(f"{path}:{bad.lineno}:{bad.colno}: not JSON ({bad.msg})") from None
    settings = parse_settings(document, source=str(path))
    if path.stem != settings.plan:
        raise PlanSettingsError(
            f"{path}: /plan is {settings.plan!r} but the file is named {path.name}; name it "
            f"{settings.plan}.json"
        )
    return settings


async def save_settings(settings: PlanSettings, *, session: AsyncSession, actor: str) -> bool:
    """Store a plan's settings; True when they changed (or are new)."""
    calendar = settings.calendar
    record = await session.get(PlanRecord, settings.plan)
    values = {
        "time_zone": calendar.time_zone,
        "holidays": calendar.holidays,
        "holiday_categories": list(calendar.categories),
        "reference": settings.reference,
        "appeal_terms": terms_document(settings.appeals),
        "access_terms": access_document(settings.access),
    }
    if record is None:
        session.add(PlanRecord(plan=settings.plan, updated_by=actor, **values))
        await session.flush()
        return True
    if all(getattr(record, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(record, name, value)
    record.updated_by = actor
    await session.flush()
    return True


async def plan_settings(plan: str, *, session: AsyncSession) -> PlanSettings:
    """The plan's stored settings, or the defaults when it has none."""
    record = await session.get(PlanRecord, plan)
    if record is None:
        return default_settings(plan)
    return PlanSettings(
        plan,
        PlanCalendar(record.time_zone, record.holidays, tuple(record.holiday_categories)),
        record.reference,
        parse_stored_terms(record.appeal_terms),
        stored_access(record.access_terms),
    )


def parse_stored_terms(stored: dict[str, Any] | None) -> AppealTerms:
    """The appeal terms a row holds (checked when its file was read; none: the defaults)."""
    problems: list[str] = []
    terms = parse_terms(stored or {}, problems)
    assert not problems, problems
    return terms
