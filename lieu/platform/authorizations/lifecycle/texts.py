"""Every sentence an authorization's timeline, notices and refusals say, in one place."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lieu.platform.definitions.steps import Duration, Step

# Moments come in already in the plan's words (`PlanCalendar.words`: 2026-12-11 17:30 PST).


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


def presumptive_ends(ends: date) -> str:
    return (
        f"the presumptive service continues through {(ends - timedelta(days=1)).isoformat()} "
        f"and ends on {ends.isoformat()}, after the member's advance notice"
    )


def documents_requested(labels: list[str]) -> str:
    return f"documents needed before the request goes on: {', '.join(labels)}"


def documents_notice(labels: list[str]) -> str:
    return f"Please send: {', '.join(labels)}"


def document_attached(label: str, filename: str) -> str:
    return f"{label} on file ({filename})"


def review_requested(step: Step, due: str, urgency: str, span: Duration, capped: str) -> str:
    limit = f"; capped at the federal limit: {capped}" if capped else ""
    return f"review by {step.role}; decision due {due} ({urgency}, {span}{limit})"


def second_review_requested(role: str, first: str, due: str) -> str:
    return f"second review by {role} (not {first}); decision due {due}"


ESCALATED = (
    "review deadline passed without a decision; escalated to operations "
    "(the request stays pending: it is neither approved nor denied)"
)


def escalated(due: str) -> str:
    return f"no decision yet; the deadline is {due}: escalated to operations"


def deemed_denied(due: str) -> str:
    return (
        f"no decision by the deadline ({due}): the request is denied as of then (42 CFR "
        "438.404(c)(5)); the member's notice is issued, and a late decision is recorded as a "
        "reversal or a denial"
    )


def deemed_renewal_denied(due: str) -> str:
    return f"no decision on the reauthorization by the deadline ({due}): it is denied"


def late_decisions_until(until: str) -> str:
    return f"a reviewer's late decision is taken until {until}"


LATE_DECISIONS_CLOSED = "no late decision came; the deemed denial stands"
DEEMED_NOTICE = "Request denied: no decision was made in time"


def reversed_(decision: str, quantity: Decimal, measure: str, reason: str) -> str:
    return (
        f"late decision reverses the deemed denial: {DECISION_WORDS[decision]} for "
        f"{amount(quantity, measure)}: {reason}"
    )


def reversal_notice(support: str) -> str:
    return f"Decision reversed: {support} is approved after all"


def extended(due: str, reason: str) -> str:
    return f"deadline extended to {due}: {reason}"


def extension_notice(reason: str, due: str) -> str:
    return f"Decision deferred to {due}: {reason}"


def information_requested(needed: tuple[str, ...], due: str) -> str:
    return f"information requested: {'; '.join(needed)}; the decision is still due {due}"


def information_notice(needed: tuple[str, ...], due: str) -> str:
    return f"Information needed before {due}: {'; '.join(needed)}"


def information_received(note: str) -> str:
    return f"information received: {note}".rstrip(": ")


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


def referral_sent(due: date) -> str:
    return f"provider to accept by {due.isoformat()}"


def referral_due(text: str) -> date | None:
    """The day a `referral_sent` timeline entry gives the provider to answer by (read back
    from the words `referral_sent` wrote), or None."""
    words, _, day = text.rpartition(" ")
    if words != "provider to accept by":
        return None
    try:
        return date.fromisoformat(day)
    except ValueError:
        return None


def referral_notice(provider: str, due: date) -> str:
    return f"Referral sent to {provider}; to be accepted by {due.isoformat()}"


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
NO_INFORMATION_ASKED = "no information was asked for; nothing is awaited"
NEEDED_REQUIRED = "say what information is needed (at least one item)"


def extension_too_short(new: str, due: str) -> str:
    return (
        f"the extension runs to {new} (its days count from receipt), which is not after the "
        f"deadline {due}; the deadline stays"
    )


def unknown_reason(code: str, known: tuple[str, ...]) -> str:
    return f"unknown reason code {code!r}; use one of {', '.join(known)}"


ALREADY_EXTENDED = "the review was extended once already"
REASON_REQUIRED = "give a reason"
MODIFY_NEEDS_QUANTITY = "a modification needs a positive quantity"
POSITIVE_QUANTITY = "the quantity must be positive"
NOTHING_FAILED = "nothing has failed; there is nothing to retry"
ONLY_ACTIVE_ENDED = "only an active authorization's service can be ended (cancel it otherwise)"


def service_ending(ends: date, reason: str) -> str:
    return (
        f"service ends on {ends.isoformat()}, after the member's advance notice "
        f"(it continues through {(ends - timedelta(days=1)).isoformat()}): {reason}"
    )


def ends_on_its_own(end: date, notice_ends: date) -> str:
    return (
        f"the authorization ends on its own on {end.isoformat()}, before ten days' notice would "
        f"run ({notice_ends.isoformat()}); let it expire"
    )


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


# --- appeals ---------------------------------------------------------------------------------

APPEAL_WORDS = {
    "upheld": "upheld: the determination stands",
    "overturned": "overturned: the request is approved",
    "partly_overturned": "partly overturned",
    "not_decided": "not decided in time: the member may ask for a State Fair Hearing",
}


def appeal_filed(appeal_id: str, on_behalf: str, expedited: bool, due: str) -> str:
    kind = "expedited appeal" if expedited else "appeal"
    return f"{kind} {appeal_id} filed for the {on_behalf}; to be resolved by {due}"


def appeal_resolved(
    appeal_id: str, outcome: str, quantity: Decimal | None, measure: str, reason: str
) -> str:
    words = APPEAL_WORDS.get(outcome, outcome)
    if outcome == "partly_overturned" and quantity is not None:
        words = f"{words}: {amount(quantity, measure)} approved"
    return f"appeal {appeal_id} {words} — {reason}"


def appeal_approved(quantity: Decimal, measure: str, appeal_id: str) -> str:
    return f"approved {amount(quantity, measure)} on appeal {appeal_id}"


def appeal_hold_refused(message: str) -> str:
    return (
        f"the appeal approved the request, but nothing fits under the limits ({message}): a "
        "reviewer's limit exception is needed before service can be authorized"
    )


def appeal_after_end(appeal_id: str, status: str) -> str:
    return (
        f"appeal {appeal_id} approved more, but the authorization is {status} and can authorize "
        "nothing more: request the service again, citing the appeal"
    )


APPEAL_WINDOW_CLOSED = "the 60 days to appeal have passed with no appeal filed"
NOTHING_TO_APPEAL = (
    "there is no adverse determination to appeal: an appeal is filed against a denial, a "
    "partial approval or a request not decided in time, within 60 days of its notice"
)
ONE_APPEAL = (
    "the plan's appeal of this determination has been resolved; the member may ask for a State "
    "Fair Hearing (42 CFR 438.402(b): one level of appeal at the plan)"
)
NO_APPEALS_RECORDED = (
    "this authorization began before lieu recorded appeals; record the appeal outside lieu"
)


def appeal_window_passed(until: str) -> str:
    return f"the 60 days to appeal ended {until}; an appeal can no longer be filed with the plan"


def appeal_open(appeal_id: str) -> str:
    return f"appeal {appeal_id} is being decided already; wait for its resolution"


def unknown_on_behalf(on_behalf: str) -> str:
    return (
        f"an appeal is filed for the member, or by the provider on their behalf: {on_behalf!r} "
        "is neither"
    )


def unknown_appeal(appeal_id: str, open_one: str) -> str:
    return f"appeal {appeal_id} is not the one open on this authorization ({open_one or 'none'})"
