"""The studio's review and publishing (issue #13 point 5): the author submits a draft for
approval from its support page; the plan's reviews are listed; a review's page shows what the
draft changes (problems, the diffs against the version in force and the baseline, the cases run
with it, and the simulation on demand) and, to a colleague with an approver token who did not
write it, the approve (with the effective date) and return (with a comment) forms. The same
service functions as GraphQL's submitDefinition / approveDefinition / returnDefinition; every
step audited."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lieu.admin.actions import origin_of
from lieu.admin.database import reads, runtime_of, writes
from lieu.admin.pages import page
from lieu.admin.studio import change_of_draft, plan_today, stored_versions, studio_principal
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.roles import Principal
from lieu.platform.definitions.errors import (
    DefinitionError,
    InvalidDefinition,
    VersionNotFound,
)
from lieu.platform.definitions.models import DefinitionReview, ReviewStatus
from lieu.platform.definitions.reviews import (
    Reviewer,
    ReviewRefused,
    approve,
    authors,
    find_review,
    reviews,
    send_back,
    submit,
    withdraw,
)
from lieu.platform.definitions.supports import SUPPORT_NAMES, SUPPORTS
from lieu.platform.definitions.versions import get_version

LONGEST_TEXT = 2000


def _reviewer(principal: Principal) -> Reviewer:
    return Reviewer(principal.actor, approver=principal.approver)


def _audit(
    request: Request, principal: Principal, action: str, target: str, outcome: str, detail: str = ""
) -> AuditRecord:
    return AuditRecord(principal, action, target, outcome, origin_of(request), detail=detail)


def _text(value: object) -> str:
    return str(value or "").strip()[:LONGEST_TEXT]


async def submit_draft(request: Request) -> Response:
    """Submit the support's draft (the form's version) for approval."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    support = request.path_params["support"]
    if support not in SUPPORTS:
        return page(
            request, "not_found.html", {"what": "support", "number": support}, status_code=404
        )
    form = await request.form()
    raw = _text(form.get("version"))
    if not (raw.isdigit() and len(raw) < 6):
        return _refusal(request, principal, f"version {raw!r} is not a version number", 400)
    version, plan = int(raw), principal.plan
    target = f"definition:{plan}/{support}/v{version}"
    try:
        async with writes(request).begin() as session:
            review = await submit(
                session=session,
                plan=plan,
                support=support,
                version=version,
                actor=principal.actor,
                note=_text(form.get("note")),
            )
            record(
                session,
                [
                    _audit(
                        request,
                        principal,
                        "console.submit_definition",
                        target,
                        "ok",
                        f"review {review.id}",
                    )
                ],
            )
    except (ReviewRefused, InvalidDefinition, VersionNotFound) as refused:
        return await _refused(request, principal, "console.submit_definition", target, refused)
    return RedirectResponse(
        str(request.url_for("admin:admin-studio-review", id=review.id)), status_code=303
    )


async def review_list(request: Request) -> Response:
    """The plan's reviews: those waiting for a decision, then the latest decided."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    async with reads(request)() as session:
        every = await reviews(session=session, plan=principal.plan, status=None)
    waiting = [r for r in every if r.status is ReviewStatus.PENDING]
    decided = sorted(
        (r for r in every if r.status is not ReviewStatus.PENDING),
        key=lambda r: r.decided_at or r.submitted_at,
        reverse=True,
    )[:50]
    return page(
        request,
        "studio_reviews.html",
        {"waiting": waiting, "decided": decided, "names": SUPPORT_NAMES},
        principal=principal,
    )


async def review_page(request: Request) -> Response:
    """One review: the draft's change, its history, and what the caller may do with it."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    number = _review_number(request)
    if number is None:
        return _missing(request, request.path_params["id"])
    plan = principal.plan
    async with reads(request)() as session:
        try:
            review = await find_review(session=session, plan=plan, review_id=number)
            row = await get_version(
                session=session, plan=plan, support=review.support, version=review.version
            )
        except (ReviewRefused, VersionNotFound):
            return _missing(request, str(number))
        today = await plan_today(session, plan)
        versions = await stored_versions(session, plan, review.support)
        root = runtime_of(request).settings.definitions_dir
        change = await change_of_draft(session, plan, versions, row, today, root)
        wrote = principal.actor in await authors(session=session, row=row)
    return page(
        request,
        "studio_review.html",
        {
            "review": review,
            "support": {"code": review.support, "name": SUPPORT_NAMES.get(review.support, "")},
            "change": change,
            "document_from": row.effective_from,
            "may_decide": _may_decide(principal, review, wrote),
            "why_not": _why_not(principal, review, wrote),
            "may_withdraw": review.status is ReviewStatus.PENDING and wrote,
            "flash_text": _flash(request.query_params.get("done", ""), review),
        },
        principal=principal,
    )


async def decide(request: Request) -> Response:
    """Approve (with the effective date), return (with a comment) or withdraw a review."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    number = _review_number(request)
    step = request.path_params["step"]
    if number is None or step not in ("approve", "return", "withdraw"):
        return _missing(request, request.path_params["id"])
    form = await request.form()
    plan, by = principal.plan, _reviewer(principal)
    target = f"definition-review:{plan}/{number}"
    action = f"console.{step}_definition"
    effective: dt.date | None = None
    if step == "approve" and _text(form.get("effective_from")):
        try:
            effective = dt.date.fromisoformat(_text(form.get("effective_from")))
        except ValueError:
            return _refusal(
                request,
                principal,
                f"effective date {_text(form.get('effective_from'))!r} is not a date: write "
                "it as YYYY-MM-DD",
                400,
            )
    try:
        async with writes(request).begin() as session:
            if step == "approve":
                published = await approve(
                    session=session,
                    plan=plan,
                    review_id=number,
                    by=by,
                    effective_from=effective,
                    comment=_text(form.get("comment")),
                )
                detail = f"{published.ref} effective {published.effective_from.isoformat()}"
            elif step == "return":
                await send_back(
                    session=session,
                    plan=plan,
                    review_id=number,
                    by=by,
                    comment=_text(form.get("comment")),
                )
                detail = ""
            else:
                await withdraw(session=session, plan=plan, review_id=number, by=by)
                detail = ""
            record(session, [_audit(request, principal, action, target, "ok", detail)])
    except (ReviewRefused, InvalidDefinition, VersionNotFound) as refused:
        return await _refused(request, principal, action, target, refused)
    if step == "approve":
        runtime_of(request).in_force.forget()  # this process answers from the new version
    done = {"approve": "approved", "return": "returned", "withdraw": "withdrawn"}[step]
    back = request.url_for("admin:admin-studio-review", id=number)
    return RedirectResponse(f"{back}?done={done}", status_code=303)


def _may_decide(principal: Principal, review: DefinitionReview, wrote: bool) -> bool:
    return review.status is ReviewStatus.PENDING and principal.approver and not wrote


def _why_not(principal: Principal, review: DefinitionReview, wrote: bool) -> str:
    if review.status is not ReviewStatus.PENDING:
        return ""
    if wrote:
        return "You wrote or submitted this draft: a colleague with an approver token decides it."
    if not principal.approver:
        return (
            "Your token may not approve definitions: a colleague with an approver token decides it."
        )
    return ""


def _flash(done: str, review: DefinitionReview) -> str:
    """The catalogue's words for a step just taken (never text from the query)."""
    if done == "approved" and review.status is ReviewStatus.APPROVED and review.effective_from:
        return (
            f"Approved and published: {review.support} v{review.version} is in force from "
            f"{review.effective_from.isoformat()}."
        )
    if done == "returned" and review.status is ReviewStatus.RETURNED:
        return "Returned to its author with your comment; the draft may be edited again."
    if done == "withdrawn" and review.status is ReviewStatus.WITHDRAWN:
        return "Withdrawn: the draft may be edited again."
    return ""


def _review_number(request: Request) -> int | None:
    raw = str(request.path_params.get("id", ""))
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


def _missing(request: Request, number: str) -> Response:
    return page(
        request, "not_found.html", {"what": "review", "number": number[:40]}, status_code=404
    )


async def _refused(
    request: Request, principal: Principal, action: str, target: str, error: DefinitionError
) -> Response:
    """The refusal in words (409; 404 for a review not found), and its audit line."""
    status = 409
    if isinstance(error, ReviewRefused) and error.code == "not_found":
        status = 404
    elif isinstance(error, ReviewRefused) and error.code in (
        "own_draft",
        "not_an_approver",
        "not_an_author",
    ):
        status = 403
    elif isinstance(error, ReviewRefused) and error.code == "comment_required":
        status = 400
    async with writes(request).begin() as session:
        record(session, [_audit(request, principal, action, target, "refused", str(error))])
    return _refusal(request, principal, str(error), status)


def _refusal(request: Request, principal: Principal, why: str, status: int) -> Response:
    return page(
        request,
        "studio_refused.html",
        {"reason": why, "back": request.headers.get("referer", "")},
        principal=principal,
        status_code=status,
    )
