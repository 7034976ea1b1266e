"""Acting on one authorization from the console: operations cancel it (after a confirmation
that names the effect), reviewers decide it. A refusal shows next to the form that was sent,
with what was chosen kept; a success redirects to the page with a catalogued message."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from sqlalchemy.exc import DBAPIError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lieu.admin.access import ACTIONS, refused
from lieu.admin.authorization_view import AuthorizationView, read_view
from lieu.admin.database import is_busy, reads, runtime_of, writes
from lieu.admin.display import amount
from lieu.admin.limits import approve_from_console, exception_values, held_by_a_limit
from lieu.admin.pages import busy_page, page
from lieu.admin.session import NotSignedIn, principal_of
from lieu.platform.access.audit import AuditRecord, Origin, record
from lieu.platform.access.authorizations import DEEMED, IN_REVIEW, find_authorization
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.lifecycle.actions import Action
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Decision, Status
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.service import AuthorizationRequestError
from lieu.workflows.authorizations.types import Cancel, Retry, ReviewDecision, ReviewExtension

FLASH_OF_DECISION = {
    Decision.APPROVE: "approved",
    Decision.MODIFY: "modified",
    Decision.DENY: "denied",
}
MAX_QUANTITY = Decimal(10) ** 9


class BadInput(ValueError):
    """The form cannot be sent as it is; the message says what to change."""


@dataclass(frozen=True, slots=True)
class Sent:
    """What a form carried, to show again after a refusal, and why it was refused."""

    form: str  # "decide", "cancel", "exception", "extend" or "retry"
    values: Mapping[str, str] = field(default_factory=dict)
    error: str = ""


def origin_of(request: Request) -> Origin:
    """The client address and user agent, for the audit log."""
    return Origin(
        client_ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
    )


def authorization_page(
    request: Request,
    principal: Principal,
    view: AuthorizationView | None,
    *,
    number: str,
    sent: Sent | None = None,
    status_code: int = 200,
) -> Response:
    """The authorization's page; after a refused form, that form with its values and the reason."""
    if view is None:
        return page(
            request, "not_found.html", {"number": number}, principal=principal, status_code=404
        )
    row, limits = view.row, view.limits
    reviewing = row.review_deadline is not None and row.status in IN_REVIEW
    return page(
        request,
        "authorization.html",
        {
            "row": row,
            "events": view.events,
            "notices": view.notices,
            "extras": view.extras,
            "now": datetime.now(UTC),
            "history_url": runtime_of(request).settings.workflow_history_url(row.id),
            "held": _held(row),
            "can_cancel": ACTIONS["cancel"].allows(principal) and not Status(row.status).is_final,
            "can_decide": ACTIONS["decide"].allows(principal)
            and row.review_deadline is not None
            and (row.status in IN_REVIEW or row.phase == DEEMED),
            "can_extend": ACTIONS["extend"].allows(principal)
            and (reviewing or row.phase == DEEMED),
            "can_retry": ACTIONS["retry"].allows(principal) and bool(row.problem),
            "limits": limits,
            "notes": view.notes,
            "can_except": ACTIONS["exception"].allows(principal)
            and any(line.exception_allowed for line in limits)
            and held_by_a_limit(row, list(limits)),
            "sent": sent or Sent(form=""),
        },
        principal=principal,
        status_code=status_code,
    )


async def act(request: Request) -> Response:
    """Cancel, extend a review deadline or retry a failed step (operations), decide or approve
    a limit exception (reviewers) from the console."""
    number = request.path_params["number"]
    action = request.path_params["action"]
    try:
        principal = await principal_of(request)
    except NotSignedIn:
        query = urlencode({"next": f"/admin/authorizations/{number}"})
        return RedirectResponse(f"/admin/login?{query}", status_code=303)
    shown = ACTIONS.get(action)
    if shown is None:
        return page(
            request,
            "not_found.html",
            {"number": action, "what": "console action"},
            principal=principal,
            status_code=404,
        )
    if not shown.allows(principal):
        return refused(request, principal, shown)
    async with reads(request)() as session:
        row = await find_authorization(
            session=session, principal=principal, authorization_id=number
        )
    if row is None:
        return authorization_page(request, principal, None, number=number)
    form = await request.form()
    if action == "cancel":
        return await _cancel(request, principal, row, form)
    if action == "exception":
        return await _except(request, principal, row, form)
    if action in COMMANDS:
        return await _command(request, principal, row, form, action)
    return await _decide(request, principal, row, form)


async def _except(
    request: Request, principal: Principal, row: AuthorizationRecord, form: FormData
) -> Response:
    values = exception_values(form)
    done = await approve_from_console(request, principal, row, values, origin_of(request))
    if isinstance(done, str):
        return await _again(request, principal, row.id, Sent("exception", values, done))
    return done


async def _cancel(
    request: Request, principal: Principal, row: AuthorizationRecord, form: FormData
) -> Response:
    values = {
        "reason": str(form.get("reason", "")).strip(),
        "key": _key(form),
    }
    try:
        reason = _reason(values["reason"], "a cancellation")
    except BadInput as bad:
        return await _again(request, principal, row.id, Sent("cancel", values, str(bad)), 400)
    if Status(row.status).is_final:
        already = f"authorization {row.id} is already {row.status.replace('_', ' ')}"
        return await _again(request, principal, row.id, Sent("cancel", values, already))
    if form.get("confirmed") != "yes":
        # Nothing happens before the person has read what cancelling does.
        context = {"row": row, "reason": reason, "held": _held(row), "key": values["key"]}
        return page(request, "confirm_cancel.html", context, principal=principal)
    # stored before the command is sent: a console that dies after the workflow took it
    # leaves this line, and the outcome follows (see lieu.graphql.audit_trail.audit_ahead)
    await _audit(request, principal, "console.cancel", row.id, "sent", None, reason)
    try:
        await service.act(
            runtime_of(request).temporal, row.id, Cancel(principal.actor, reason, values["key"])
        )
    except AuthorizationRequestError as refused:
        await _audit(request, principal, "console.cancel", row.id, "refused", refused, reason)
        return await _again(request, principal, row.id, Sent("cancel", values, refused.message))
    return await _done(request, principal, "console.cancel", row.id, "cancelled", reason)


@dataclass(frozen=True, slots=True)
class Command:
    """A console command that takes only a reason: what it is called, the flash on success."""

    words: str  # "an extension", in "… needs a reason"
    flash: str
    make: Callable[[str, str, str], Action]  # (actor, reason, key) -> the command


COMMANDS = {
    # the review's extension of its deadline: once, counted from receipt (42 CFR 438.210(d));
    # the workflow refuses what the definition does not allow and the refusal is shown in words
    "extend": Command("an extension", "extended", ReviewExtension),
    # run again the step the authorization stopped at (as the `retryWorkflow` mutation does)
    "retry": Command("a retry", "retried", Retry),
}


async def _command(
    request: Request, principal: Principal, row: AuthorizationRecord, form: FormData, action: str
) -> Response:
    known = COMMANDS[action]
    audited = f"console.{action}"
    values = {"reason": str(form.get("reason", "")).strip(), "key": _key(form)}
    try:
        reason = _reason(values["reason"], known.words)
    except BadInput as bad:
        return await _again(request, principal, row.id, Sent(action, values, str(bad)), 400)
    await _audit(request, principal, audited, row.id, "sent", None, reason)
    command = known.make(principal.actor, reason, values["key"])
    try:
        await service.act(runtime_of(request).temporal, row.id, command)
    except AuthorizationRequestError as refused:
        await _audit(request, principal, audited, row.id, "refused", refused, reason)
        return await _again(request, principal, row.id, Sent(action, values, refused.message))
    return await _done(request, principal, audited, row.id, known.flash, reason)


async def _decide(
    request: Request, principal: Principal, row: AuthorizationRecord, form: FormData
) -> Response:
    values = {
        "decision": str(form.get("decision", "")),
        "quantity": str(form.get("quantity", "")).strip(),
        "reason": str(form.get("reason", "")).strip(),
        "key": _key(form),
    }
    try:
        decision = _decision(values["decision"])
        quantity = _quantity(values["quantity"], decision)
        reason = _reason(values["reason"], "a decision")
    except BadInput as bad:
        return await _again(request, principal, row.id, Sent("decide", values, str(bad)), 400)
    await _audit(request, principal, "console.decide", row.id, "sent", None, reason)
    try:
        await service.act(
            runtime_of(request).temporal,
            row.id,
            ReviewDecision(
                principal.actor, decision, reason, quantity, principal.review_roles, values["key"]
            ),
        )
    except AuthorizationRequestError as refused:
        await _audit(request, principal, "console.decide", row.id, "refused", refused, reason)
        return await _again(request, principal, row.id, Sent("decide", values, refused.message))
    flash = FLASH_OF_DECISION[decision]
    return await _done(request, principal, "console.decide", row.id, flash, reason)


async def _done(
    request: Request, principal: Principal, action: str, number: str, flash: str, reason: str
) -> Response:
    """Audit what took effect and show the page with its message. The workflow has acted by
    now, so a busy database must not read as "nothing was changed"."""
    try:
        await _audit(request, principal, action, number, "ok", None, reason)
    except DBAPIError as error:
        if not is_busy(error):
            raise
        done = (
            f"The {action.removeprefix('console.')} of authorization {number} took effect (its "
            "timeline shows it), but the database was too busy to write the audit line. Do not "
            "send it again."
        )
        return busy_page(request, done=done)
    query = urlencode({"flash": flash})
    return RedirectResponse(f"/admin/authorizations/{number}?{query}", status_code=303)


async def _again(
    request: Request, principal: Principal, number: str, sent: Sent, status_code: int = 409
) -> Response:
    """The authorization's page as it stands now, with the refused form as it was sent."""
    async with reads(request)() as session:
        view = await read_view(session, principal, number, datetime.now(UTC))
    return authorization_page(
        request, principal, view, number=number, sent=sent, status_code=status_code
    )


async def _audit(
    request: Request,
    principal: Principal,
    action: str,
    number: str,
    outcome: str,
    refused: AuthorizationRequestError | None,
    reason: str,
) -> None:
    detail = f"{refused.code}: {refused.message}; reason: {reason}" if refused else reason
    line = AuditRecord(
        principal, action, f"authorization:{number}", outcome, origin_of(request), detail
    )
    async with writes(request).begin() as session:
        record(session, [line])


def _key(form: FormData) -> str:
    """The form's idempotency key (a form rendered before keys existed gets a fresh one)."""
    key = str(form.get("key", "")).strip()
    return key[:64] if key else uuid.uuid4().hex


def _held(row: AuthorizationRecord) -> str:
    """What the authorization holds and has not used, in words (`24 hours`), or ""."""
    unused = row.quantity_reserved - row.quantity_used
    return f"{amount(unused)} {row.measure}" if unused > 0 else ""


def _decision(text: str) -> Decision:
    try:
        return Decision(text)
    except ValueError:
        choices = ", ".join(d.value for d in Decision)
        raise BadInput(f"choose a decision ({choices}); {text!r} is not one") from None


def _quantity(text: str, decision: Decision) -> Decimal | None:
    if decision is not Decision.MODIFY:
        if text:
            raise BadInput(
                "a quantity is only for “approve a different quantity”: choose that "
                "decision, or clear the quantity to decide on what was requested"
            )
        return None
    if not text:
        raise BadInput("approving a different quantity needs the quantity to approve")
    try:
        quantity = Decimal(text)
    except InvalidOperation:
        raise BadInput(f"{text!r} is not a number; write the quantity like 12 or 7.5") from None
    if not quantity.is_finite() or quantity <= 0 or quantity >= MAX_QUANTITY:
        raise BadInput(f"the quantity must be a number above 0 and below {MAX_QUANTITY:,}")
    if quantity.as_tuple().exponent < -2:  # type: ignore[operator]
        raise BadInput(f"{text!r} has more than two decimals; round it to two")
    return quantity


def _reason(text: str, what: str) -> str:
    if not text:
        raise BadInput(f"{what} needs a reason; the provider and member read it")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise BadInput("the reason contains a control character; type it again as plain text")
    return text
