"""Every sentence an authorization's timeline, notices and refusals say, in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from lieu.platform.definitions.steps import Duration, Step


def when(moment: datetime) -> str:
    """A deadline as people read it: 2026-11-30 17:00 UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def amount(quantity: Decimal, measure: str) -> str:
    return f"{quantity} {measure}"


def received(
    support: str,
    by: str,
    quantity: Decimal,
    measure: str,
    start: date,
    urgency: str,
    plan: str,
    version: int,
) -> str:
    return (
        f"{support} requested by {by} for {amount(quantity, measure)} from {start.isoformat()} "
        f"({urgency}; definition {plan} v{version})"
    )


def not_retroactive(start: date, today: date) -> str:
    return (
        f"service from {start.isoformat()} is before the request ({today.isoformat()}), and this "
        "support is not authorized retroactively; request service from today on"
    )


def too_late(start: date, today: date, max_days: int) -> str:
    return (
        f"service from {start.isoformat()} is {(today - start).days} days before the request; "
        f"this support is authorized at most {max_days} days after service"
    )


def eligibility(outcome: str, explanation: tuple[str, ...]) -> str:
    return f"{outcome.replace('_', ' ')}: {'; '.join(explanation)}"


UNDETERMINED_TO_REVIEW = (
    "eligibility undetermined; the reviewer decides with the missing facts listed"
)


def not_eligible(explanation: tuple[str, ...]) -> str:
    return f"not eligible: {'; '.join(explanation)}"


def limit_reached(message: str) -> str:
    return f"limit reached: {message}"


def presumptive(days: int, until: date) -> str:
    return (
        f"presumptive authorization: service may start at once, for {days} days "
        f"(to {until.isoformat()}) while review runs"
    )


PRESUMPTIVE_NOTICE = "Service may start now under presumptive authorization"


def documents_requested(labels: list[str]) -> str:
    return f"documents needed before the request goes on: {', '.join(labels)}"


def documents_notice(labels: list[str]) -> str:
    return f"Please send: {', '.join(labels)}"


def document_attached(label: str, filename: str) -> str:
    return f"{label} on file ({filename})"


def review_requested(step: Step, deadline: datetime, urgency: str, span: Duration) -> str:
    return f"review by {step.role}; decision due {when(deadline)} ({urgency}, {span})"


def second_review_requested(role: str, first: str, deadline: datetime) -> str:
    return f"second review by {role} (not {first}); decision due {when(deadline)}"


ESCALATED = (
    "review deadline passed without a decision; escalated to operations "
    "(the request stays pending: it is neither approved nor denied)"
)


def extended(deadline: datetime, reason: str) -> str:
    return f"deadline extended to {when(deadline)}: {reason}"


def extension_notice(reason: str, deadline: datetime) -> str:
    return f"Decision deferred to {when(deadline)}: {reason}"


DECISION_WORDS = {"approve": "approved", "modify": "modified", "deny": "denied"}


def approved(decision: str, quantity: Decimal, measure: str, reason: str) -> str:
    return f"{DECISION_WORDS[decision]} for {amount(quantity, measure)}: {reason}"


def approved_without_review(quantity: Decimal, measure: str) -> str:
    return f"approved for {amount(quantity, measure)}"


def confirmed(decision: str, quantity: Decimal, measure: str, reason: str) -> str:
    return f"second review {DECISION_WORDS[decision]} for {amount(quantity, measure)}: {reason}"


def denied(reason: str, used: Decimal, measure: str) -> str:
    if used > 0:
        return f"{reason}; service already delivered ({amount(used, measure)}) stays charged"
    return reason


def denied_notice(reason: str) -> str:
    return f"Request denied: {reason}"


def refused(reason: str) -> str:
    return f"Request refused: {reason}"


def authorized_notice(support: str, provider: str) -> str:
    return f"Authorized: {support} with provider {provider}"


def referral_sent(due: datetime) -> str:
    return f"provider to accept by {due.date().isoformat()}"


def referral_notice(provider: str, due: datetime) -> str:
    return f"Referral sent to {provider}; to be accepted by {due.date().isoformat()}"


ACCEPTED = "referral accepted"


def no_answer(provider: str) -> str:
    return f"no answer from {provider}"


NO_ANSWER_NOTICE = "The provider did not accept in time"
DECLINED_NOTICE = "The provider declined the referral"


def active(end: date) -> str:
    return f"active to {end.isoformat()}"


def reminder(end: date) -> str:
    return (
        f"authorization ends {end.isoformat()}; request reauthorization now if service should "
        "continue"
    )


REMINDER_NOTICE = "Reauthorization due soon"


def reauthorization_requested(quantity: Decimal, measure: str, reason: str) -> str:
    return f"continue for {amount(quantity, measure)}: {reason}".rstrip(": ")


def renewals_used_up(allowed: int) -> str:
    return f"only {allowed} renewal(s) allowed, and they are used"


def renewed(end: date) -> str:
    return f"renewed: active to {end.isoformat()}"


def reauthorization_denied_notice(reason: str) -> str:
    return f"Reauthorization denied: {reason}"


def released(quantity: Decimal, measure: str, reason: str) -> str:
    return f"{amount(quantity, measure)} released ({reason})"


def expired(unused: Decimal, measure: str) -> str:
    return f"expired; {amount(unused, measure)} unused released"


EXPIRED_NOTICE = "The authorization has ended"


def loop_closed(reason: str, note: str) -> str:
    return f"{reason}: {note}".rstrip(": ")


def closed_notice(reason: str) -> str:
    return f"Referral closed: {reason.replace('_', ' ')}"


def cancelled_notice(reason: str) -> str:
    return f"Authorization cancelled: {reason}"


def reports_open(until: date) -> str:
    return (
        f"service delivered inside the authorized period may be reported until {until.isoformat()}"
    )


REPORTS_CLOSED = "closed for service reports"


def service_reported(quantity: Decimal, measure: str, start: date, end: date, line: str) -> str:
    billed = f"; billed {line}" if line else ""
    return f"{amount(quantity, measure)} delivered {start}–{end}{billed}"


def service_rejected(problem: str) -> str:
    return f"rejected: {problem}"


def flagged(problem: str) -> str:
    return f"flagged for review: {problem}"


def failed(command: str, message: str) -> str:
    return (
        f"the {command} step failed and retrying cannot fix it: {message}; operations retry it "
        "once the cause is fixed"
    )


def retried(command: str, reason: str) -> str:
    return f"the {command} step runs again: {reason}"


# --- refusals --------------------------------------------------------------------------------


def not_now(authorization_id: str, status: str, what: str) -> str:
    return f"authorization {authorization_id} is {status}; {what}"


NO_REVIEW_WAITING = "there is no review waiting for a decision"
NOT_AWAITING_PROVIDER = "it is not waiting for the provider"
ONLY_ACTIVE_REAUTHORIZED = "only an active authorization can be reauthorized"
ONLY_ACTIVE_CLOSED = "only an active authorization's loop can be closed (cancel it otherwise)"
NO_REVIEW_TO_EXTEND = "there is no review to extend"
NO_EXTENSION = "this definition allows no extension"
ALREADY_EXTENDED = "the review was extended once already"
REASON_REQUIRED = "give a reason"
MODIFY_NEEDS_QUANTITY = "a modification needs a positive quantity"
POSITIVE_QUANTITY = "the quantity must be positive"
NOTHING_FAILED = "nothing has failed; there is nothing to retry"
CLOSED = "it has finished and takes no more actions"


def denied_before_review(status: str) -> str:
    return f"the request was {status} before its review opened"


def wrong_role(role: str, roles: tuple[str, ...]) -> str:
    return (
        f"this review is for the {role} role; your token's review roles are "
        f"{', '.join(roles) or 'none'}"
    )


def same_reviewer(reviewer: str) -> str:
    return f"{reviewer} made the first decision; a second review needs another reviewer"


def only_provider(provider: str) -> str:
    return f"only provider {provider} can answer this referral"


def documents_missing(labels: list[str]) -> str:
    return f"these documents must be on file before a decision: {', '.join(labels)}"


def unknown_requirement(requirement: str, known: list[str]) -> str:
    if not known:
        return f"this support asks for no documents (got {requirement!r})"
    return f"no document {requirement!r} is asked for; use one of {', '.join(known)}"


def stuck(command: str, message: str) -> str:
    return f"the request is stopped at its {command} step ({message}); operations retry it first"
