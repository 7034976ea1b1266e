"""The console's success messages: a redirect names one by its code (`?flash=cancelled`) and
the page writes the catalogue's text, so a link can never make the console say anything else."""

from __future__ import annotations

from collections.abc import Mapping

# `{number}` is the authorization (or batch) number of the page's own route, never text from
# the query.
MESSAGES: Mapping[str, str] = {
    "cancelled": (
        "Authorization {number} is cancelled: what it held is released and the provider and "
        "member are told."
    ),
    "approved": "Decision recorded: authorization {number} is approved.",
    "modified": "Decision recorded: authorization {number} is approved for a different quantity.",
    "denied": "Decision recorded: authorization {number} is denied.",
    "extended": (
        "Review deadline extended: authorization {number} has its new deadline (see Deadlines) "
        "and the provider and member are sent the extension notice."
    ),
    "retried": "Authorization {number} runs its failed step again (see the timeline).",
    "bulk_started": (
        "Batch {number} runs: each item's outcome shows below as it comes (refresh to follow it)."
    ),
    "bulk_stopped": (
        "Batch {number} stops after the item in hand; the items not reached are skipped."
    ),
    "accepted": "Referral {number} accepted: the member and the plan are told.",
    "declined": "Referral {number} declined: the plan is told, with your reason.",
    "information_sent": "The reviewer of {number} is told the information is sent.",
    "reported": "Service reported on authorization {number}; what is left is shown below.",
    "reauthorization_requested": "Reauthorization of {number} requested: it goes to review.",
    "document_attached": "Document attached to authorization {number}.",
    "webhook_removed": "Webhook removed: nothing more is sent to it.",
    "note_added": "Note added to {number}: the plan's staff read it on the authorization.",
    "exception_approved": (
        "Exception approved: the member's cap is raised (see Limits). Authorization {number} "
        "keeps what it holds; a new request for the rest may use the raised cap."
    ),
}


def flash_message(code: str, *, number: str | None) -> str:
    """The catalogue's text for a code on a page about authorization `number`; an unknown
    code, or one that needs a number on a page without one, shows nothing."""
    template = MESSAGES.get(code)
    if template is None:
        return ""
    if "{number}" in template:
        if not number:
            return ""
        return template.format(number=number)
    return template
