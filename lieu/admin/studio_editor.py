"""The studio's editor (issue #13 point 2): a plan's draft of a support edited in a form generated
from the published JSON Schema, with the raw JSON beside it in step, checked as the analyst types
(each problem at its field, with its fix) and the baseline's bound beside each limit it narrows
("DHCS allows at most 336 hours a calendar year"). What the plan inherits from the baseline is
shown read-only. Saving calls the same service as GraphQL's createDraft / editDraft, audited."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from lieu.admin.actions import origin_of
from lieu.admin.database import reads, writes
from lieu.admin.pages import page
from lieu.admin.schema_form import FormContext, render_form
from lieu.admin.studio import plan_today, stored_versions, studio_principal
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.roles import Principal
from lieu.platform.definitions.document import Definition, DefinitionRef
from lieu.platform.definitions.errors import (
    DraftUnderReview,
    InvalidDefinition,
    PublishedVersionImmutable,
    VersionNotFound,
)
from lieu.platform.definitions.limits import Limit, amount
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.problems import Problem
from lieu.platform.definitions.schema import definition_schema
from lieu.platform.definitions.supports import BASELINE_PLAN, SUPPORT_NAMES, SUPPORTS
from lieu.platform.definitions.validation import validate_document
from lieu.platform.definitions.versions import (
    create_draft,
    edit_draft,
    get_version,
    stored_definition,
)
from lieu.platform.members.facts import NOT_FOR_RULES, load_vocabulary

LONGEST_DOCUMENT = 512 * 1024
WINDOW_WORDS = {
    "lifetime": "in a lifetime",
    "calendar_year": "in a calendar year",
    "per_authorization": "per authorization",
    "per_stay": "per stay",
}
IDENTITY = frozenset({"/plan", "/support", "/version", "/extends/plan", "/extends/support"})


def _bound(limit: Limit) -> str:
    window = limit.window
    kind = window.kind.value
    words = (
        f"in any {window.days} days"
        if kind == "rolling_days"
        else WINDOW_WORDS.get(kind, kind.replace("_", " "))
    )
    return f"DHCS allows at most {amount(limit.maximum, limit.measure)} {words} ({limit.label})"


def hints_for(document: Mapping[str, Any], baseline: Definition | None) -> dict[str, str]:
    """The baseline's bound beside each limit the plan narrows (matched by limit id)."""
    if baseline is None:
        return {}
    bounds = {limit.id: _bound(limit) for limit in baseline.limits}
    hints = {}
    for index, limit in enumerate(document.get("limits") or []):
        if isinstance(limit, Mapping) and limit.get("id") in bounds:
            hints[f"/limits/{index}/maximum"] = bounds[str(limit["id"])]
    return hints


async def _baseline(session: AsyncSession, document: Mapping[str, Any]) -> Definition | None:
    extends = document.get("extends")
    if not isinstance(extends, Mapping):
        return None
    try:
        ref = DefinitionRef(str(extends["plan"]), str(extends["support"]), int(extends["version"]))
    except (KeyError, TypeError, ValueError):
        return None
    return await stored_definition(session=session, ref=ref)


def _skeleton(
    plan: str, support: str, version: int, baseline: DefinitionVersion | None, today: dt.date
) -> dict[str, Any]:
    """A new draft of a support the plan has no draft of: extending the newest baseline."""
    document: dict[str, Any] = {
        "plan": plan,
        "support": support,
        "version": version,
        "title": SUPPORT_NAMES.get(support, support),
        "effective_from": today.isoformat(),
        "reference": "",
        "status": "draft",
        "eligibility": {"criteria": []},
    }
    if baseline is not None:
        document["extends"] = {
            "plan": BASELINE_PLAN,
            "support": support,
            "version": baseline.version,
        }
    return document


async def _document_to_edit(
    session: AsyncSession, plan: str, support: str, today: dt.date
) -> tuple[dict[str, Any], bool]:
    """The newest draft's document (True: it is stored), else a new version's: a copy of the
    plan's newest version, or a skeleton extending the newest baseline."""
    versions = await stored_versions(session, plan, support)
    own = versions.get((plan, support), [])
    drafts = [r for r in own if r.status == DefinitionStatus.DRAFT]
    if drafts:
        return dict(drafts[-1].document), True
    next_version = (own[-1].version + 1) if own else 1
    if own:
        copied = {**own[-1].document, "version": next_version, "status": "draft"}
        copied["effective_from"] = max(today, own[-1].effective_from).isoformat()
        return copied, False
    baselines = [
        r
        for r in versions.get((BASELINE_PLAN, support), [])
        if r.status == DefinitionStatus.PUBLISHED
    ]
    return _skeleton(
        plan, support, next_version, baselines[-1] if baselines else None, today
    ), False


def _context(document: Mapping[str, Any], baseline: Definition | None) -> FormContext:
    return FormContext(
        schema=definition_schema(),
        hints=hints_for(document, baseline),
        read_only=IDENTITY,
    )


@cache
def _vocabulary_json() -> str:
    """The facts a rule may read, for the rule builder: path, type, label, description, codes
    (JSON inside a data script: '<' written as \\u003c, so no text can close the element)."""
    facts = [
        {
            "path": fact.path,
            "kind": fact.kind,
            "label": fact.label or fact.path,
            "description": fact.description,
            "enum": list(fact.enum),
            "item_enum": list(fact.item_enum),
        }
        for fact in load_vocabulary().facts.values()
        if fact.kind != "object" and fact.path not in NOT_FOR_RULES
    ]
    return json.dumps(facts, ensure_ascii=False).replace("<", "\\u003c")


def _parsed(text: str) -> dict[str, Any] | str:
    """The document in the raw JSON field, or what is wrong with it."""
    if len(text) > LONGEST_DOCUMENT:
        return f"the document is over {LONGEST_DOCUMENT // 1024} KiB"
    try:
        found = json.loads(text)
    except json.JSONDecodeError as broken:
        return (
            f"the JSON does not read: {broken.msg} at line {broken.lineno}, column {broken.colno}"
        )
    if not isinstance(found, dict):
        return "a definition is a JSON object ({…})"
    return found


async def _form_text(request: Request) -> str:
    form = await request.form()
    return str(form.get("document", ""))


async def editor(request: Request) -> Response:
    """The editor on the support's newest draft (or a new version's document)."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    support = request.path_params["support"]
    if support not in SUPPORTS:
        return _missing(request, support)
    async with reads(request)() as session:
        today = await plan_today(session, principal.plan)
        document, stored = await _document_to_edit(session, principal.plan, support, today)
        baseline = await _baseline(session, document)
    return _page(request, principal, support, document, baseline, stored, [], "")


def _page(
    request: Request,
    principal: Principal,
    support: str,
    document: Mapping[str, Any],
    baseline: Definition | None,
    stored: bool,
    problems: list[Problem],
    error: str,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "studio_editor.html",
        {
            "support": {"code": support, "name": SUPPORT_NAMES[support]},
            "form": render_form(document, _context(document, baseline)),
            "raw": json.dumps(document, indent=2, ensure_ascii=False),
            "baseline": baseline,
            "stored": stored,
            "draft_version": document.get("version"),
            "problems": problems,
            "error": error,
            "vocabulary": Markup(_vocabulary_json()),
        },
        principal=principal,
        status_code=status_code,
    )


async def check(request: Request) -> Response:
    """Every problem of the document as typed (JSON: pointer, code, message, severity)."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    document = _parsed(await _form_text(request))
    if isinstance(document, str):
        problem = {"pointer": "", "code": "not-json", "message": document, "severity": "error"}
        return JSONResponse({"problems": [problem]})
    async with reads(request)() as session:
        baseline = await _baseline(session, document)
    baselines = {baseline.ref: baseline} if baseline is not None else {}
    checked = validate_document(document, baselines=baselines)
    problems = list(checked.problems)
    if document.get("plan") != principal.plan:
        problems.insert(0, Problem("/plan", "not-your-plan", f"write {principal.plan!r}"))
    return JSONResponse(
        {
            "problems": [
                {
                    "pointer": p.pointer,
                    "code": p.code,
                    "message": p.message,
                    "severity": p.severity.value,
                }
                for p in problems
            ]
        }
    )


async def redraw(request: Request) -> Response:
    """The form drawn again from the raw JSON (after the analyst edited the JSON)."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    document = _parsed(await _form_text(request))
    if isinstance(document, str):
        return HTMLResponse(document, status_code=400)
    async with reads(request)() as session:
        baseline = await _baseline(session, document)
    return HTMLResponse(str(render_form(document, _context(document, baseline))))


async def save(request: Request) -> Response:
    """Store the document as a draft (a new version, or the draft it is), audited."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    support = request.path_params["support"]
    if support not in SUPPORTS:
        return _missing(request, support)
    text = await _form_text(request)
    document = _parsed(text)
    if isinstance(document, str):
        async with reads(request)() as session:
            today = await plan_today(session, principal.plan)
            shown, stored = await _document_to_edit(session, principal.plan, support, today)
        return _page(request, principal, support, shown, None, stored, [], document, 400)
    if document.get("plan") != principal.plan or document.get("support") != support:
        async with reads(request)() as session:
            baseline = await _baseline(session, document)
        why = f"the document must be {principal.plan!r}'s {support!r}: keep its plan and support"
        return _page(request, principal, support, document, baseline, False, [], why, 400)
    target = f"definition:{principal.plan}/{support}/v{document.get('version')}"
    try:
        async with writes(request).begin() as session:
            try:
                await get_version(
                    session=session,
                    plan=principal.plan,
                    support=support,
                    version=int(document.get("version") or 0),
                )
            except (VersionNotFound, TypeError, ValueError):
                await create_draft(session=session, document=document, actor=principal.actor)
                action = "console.create_draft"
            else:
                await edit_draft(session=session, document=document, actor=principal.actor)
                action = "console.edit_draft"
            record(
                session,
                [AuditRecord(principal, action, target, "ok", origin_of(request))],
            )
    except InvalidDefinition as invalid:
        async with reads(request)() as session:
            baseline = await _baseline(session, document)
        why = "not saved: the schema refuses it (every problem is shown at its field)"
        return _page(
            request, principal, support, document, baseline, False, list(invalid.problems), why, 400
        )
    except (DraftUnderReview, PublishedVersionImmutable) as frozen:
        async with reads(request)() as session:
            baseline = await _baseline(session, document)
        return _page(request, principal, support, document, baseline, True, [], str(frozen), 409)
    back = request.url_for("admin:admin-studio-support", support=support)
    return RedirectResponse(str(back), status_code=303)


def _missing(request: Request, support: str) -> Response:
    return page(
        request, "not_found.html", {"what": "support", "number": support[:40]}, status_code=404
    )
