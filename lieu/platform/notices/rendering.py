"""A notice's facts in a language: the variables its template reads (docs/notices.md lists
them), then its HTML and its PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from lieu.platform.definitions.supports import support_name
from lieu.platform.notices.checks import check_facts, zone_of
from lieu.platform.notices.facts import NoticeFacts, NoticeKind
from lieu.platform.notices.pdf import render_pdf
from lieu.platform.notices.plans import CONTACT_FIELDS
from lieu.platform.notices.templates import NoticeTemplates

# 42 CFR 438.402(c)(2)(ii): an appeal within 60 calendar days from the date on the notice.
APPEAL_DAYS = 60
# 42 CFR 438.420(a): benefits continue when the appeal is filed within 10 days of the notice
# or by the day the change takes effect, whichever is later.
CONTINUATION_DAYS = 10
CHANGES = (NoticeKind.REDUCTION, NoticeKind.TERMINATION)
# 42 CFR 431.221(d): a State Fair Hearing is asked for within 120 days of the notice of the
# plan's appeal resolution.
HEARING_DAYS = 120


@dataclass(frozen=True, slots=True)
class Rendered:
    """One notice in one language."""

    language: str
    title: str
    html: str
    pdf: bytes


def amount(quantity: Decimal | None) -> str:
    """`24.00` → `24`, `12.50` → `12.5`."""
    return "" if quantity is None else f"{quantity.normalize():f}"


def notice_variables(
    templates: NoticeTemplates, facts: NoticeFacts, language: str
) -> dict[str, Any]:
    """What a notice template may read, for these facts in this language."""
    zone = zone_of(facts.time_zone)
    assert zone is not None, "facts are checked before they are rendered"
    plan = templates.plan(facts.plan)
    wording = templates.wording(facts.plan, language)
    issued_on = facts.issued_at.astimezone(zone).date()
    return {
        "kind": facts.kind.value,
        "adverse": facts.kind.adverse,
        "title": wording.word("kinds", facts.kind.value),
        "key": facts.key,
        "plan": {
            "code": plan.plan,
            "name": plan.name,
            "address": list(plan.address),
            **{field: plan.contact.get(field, "") for field in CONTACT_FIELDS},
        },
        "language": {"code": language, "name": wording.name},
        "zone": zone,
        "time_zone": facts.time_zone,
        "authorization_id": facts.authorization_id,
        "member_cin": facts.member_cin,
        "provider": facts.provider,
        "to": list(facts.to),
        "support": {
            "code": facts.support,
            "name": wording.words.get("supports", {}).get(facts.support)
            or support_name(facts.support),
        },
        "definition_version": facts.definition_version,
        "issued_at": facts.issued_at,
        "issued_on": issued_on,
        "received_at": facts.received_at,
        "decide_by": facts.decide_by,
        "effective_on": facts.effective_on,
        "service_start": facts.service_start,
        "service_end": facts.service_end,
        "appeal_by": issued_on + timedelta(days=APPEAL_DAYS),
        "continue_by": _continue_by(facts, issued_on),
        "measure": wording.word("measures", facts.measure),
        "requested": amount(facts.requested),
        "approved": amount(facts.approved),
        "reason": {
            "code": facts.reason_code,
            "words": wording.word("reasons", facts.reason_code),
            "text": facts.reason.strip(),
        },
        "criteria": [{"text": c.text, "reference": c.reference} for c in facts.criteria],
        "needed": list(facts.needed),
        "appeal_id": facts.appeal_id,
        "outcome": facts.outcome,
        "hearing_by": issued_on + timedelta(days=HEARING_DAYS),
    }


def render_notice(templates: NoticeTemplates, facts: NoticeFacts, language: str) -> Rendered:
    """The notice in `language`, as HTML and PDF (`InvalidNoticeFacts` for facts that cannot
    make a notice, `NoticeTemplateError` for a template that cannot render it)."""
    check_facts(facts)
    variables = notice_variables(templates, facts, language)
    html = templates.render(facts.plan, language, variables)
    title = f"{variables['title']} — {variables['support']['name']}"
    fonts = templates.plan(facts.plan).fonts
    pdf = render_pdf(html, title=title, language=language, fonts=fonts)
    return Rendered(language=language, title=title, html=html, pdf=pdf)


def _continue_by(facts: NoticeFacts, issued_on: date) -> date | None:
    if facts.kind not in CHANGES:
        return None
    by_notice = issued_on + timedelta(days=CONTINUATION_DAYS)
    return max(by_notice, facts.effective_on) if facts.effective_on else by_notice


def render_for_member(
    templates: NoticeTemplates, facts: NoticeFacts, preferred_language: str | None
) -> list[Rendered]:
    """The notice in every language it is issued in: the member's (`preferred_language` when
    the plan sends notices in it, else the plan's first) and the copies the plan keeps."""
    check_facts(facts)
    languages = templates.plan(facts.plan).languages_for(preferred_language)
    return [render_notice(templates, facts, language) for language in languages]
