"""Refusals from the authorization command API, as typed results."""

from __future__ import annotations

from decimal import Decimal

from lieu.graphql.errors import Conflict, LimitExceeded, NotAllowed, NotFound, ValidationErrors
from lieu.workflows.authorizations.service import AuthorizationRequestError

# The input field each validation code is about.
POINTERS = {
    "bad_quantity": "/quantity",
    "over_maximum": "/quantity",
    "reason_required": "/reason",
    "bad_unit": "/unit",
    "no_county": "/county",
    "retroactive": "/serviceStart",
    "bad_billing": "/code",
    "rate_outside_range": "/amount",
    "key_required": "/idempotencyKey",
    "unknown_requirement": "/requirement",
}

Refused = ValidationErrors | NotFound | NotAllowed | Conflict | LimitExceeded


def refused(error: AuthorizationRequestError, authorization_id: str = "") -> Refused:
    """The typed result for a refusal `code` (anything unlisted is a state conflict)."""
    if error.code in POINTERS:
        return ValidationErrors.one(POINTERS[error.code], error.code, error.message)
    if error.code in ("not_allowed", "not_contracted"):
        return NotAllowed(message=error.message)
    if error.code == "no_definition":
        return NotFound(message=error.message, what="definition", id="")
    if error.code == "member_not_found":
        return NotFound(message=error.message, what="member", id="")
    if error.code == "not_found":
        return not_found(authorization_id)
    if error.code == "limit_exceeded":
        reply = error.reply
        details = error.details
        return LimitExceeded(
            message=error.message,
            limit_id=details.get("limit_id"),
            measure=str(details.get("measure", "")),
            requested=Decimal(str(details.get("requested", 0))),
            remaining=(
                reply.remaining if reply is not None else Decimal(str(details.get("remaining", 0)))
            ),
        )
    return Conflict(message=error.message, code=error.code)


def not_found(authorization_id: str) -> NotFound:
    """The same answer whether the authorization does not exist or is not the caller's."""
    return NotFound(
        message=f"no authorization {authorization_id} that you may see",
        what="authorization",
        id=authorization_id,
    )
