"""Which console page or action each role may use: exactly what the GraphQL field behind it
answers to that role (tests/admin/test_admin_access.py compares each entry with the schema), so
the console never shows plan staff what the API would refuse them."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from lieu.admin.pages import page
from lieu.platform.access.roles import Principal, Role

_STAFF = frozenset({Role.REVIEWER, Role.OPERATIONS})


@dataclass(frozen=True, slots=True)
class Shown:
    """A console page (or part, or action) and the GraphQL field that answers the same."""

    field: str  # the Query or Mutation field, as the schema names it
    roles: frozenset[Role]  # the console roles GraphQL answers it to
    words: str  # what it is, for a refusal: "search authorizations"

    def allows(self, principal: Principal) -> bool:
        return principal.role in self.roles


SEARCH = Shown("authorizations", _STAFF, "search authorizations")
ONE = Shown("authorization", _STAFF, "see an authorization")
QUEUES = {
    "overdue": Shown("overdueReviews", _STAFF, "see overdue reviews"),
    "review": Shown("reviewQueue", _STAFF, "see the review queue"),
    "expiring": Shown("expiringAuthorizations", frozenset({Role.OPERATIONS}), "see expirations"),
    "stalled": Shown("stalledAuthorizations", frozenset({Role.OPERATIONS}), "see stalled work"),
}
ACTIONS = {
    "cancel": Shown("cancelAuthorization", frozenset({Role.OPERATIONS}), "cancel"),
    "decide": Shown("decideReview", frozenset({Role.REVIEWER}), "decide a review"),
    "exception": Shown(
        "approveLimitException", frozenset({Role.REVIEWER}), "approve a limit exception"
    ),
    "extend": Shown("extendReview", _STAFF, "extend a review deadline"),
    "retry": Shown("retryWorkflow", frozenset({Role.OPERATIONS}), "retry a failed step"),
}
# Bulk actions are operations' work: a batch cancels as `cancelAuthorization` does (and each
# action in it is checked against its own field: ACTIONS[action]).
BULK = Shown("cancelAuthorization", frozenset({Role.OPERATIONS}), "run bulk actions")
CONTRACTS = Shown(
    "contracts",
    frozenset({Role.PLAN_ADMIN, Role.REVIEWER, Role.OPERATIONS}),
    "see the plan's contracts",
)
# The studio lists and tries the plan's definitions, as the `definitions` query answers them.
STUDIO = Shown("definitions", frozenset({Role.PLAN_ADMIN}), "use the studio")
_OPERATIONS = frozenset({Role.OPERATIONS})
_PLAN_OFFICE = frozenset({Role.PLAN_ADMIN, Role.OPERATIONS})
# The dashboard: counts as `authorizations` answers them, charts as the prior authorization
# metrics do, election windows as `electionChanges`, failed workflows as `workflows`.
DASHBOARD = {
    "counts": Shown("authorizations", _STAFF, "see the dashboard's counts"),
    "charts": Shown("priorAuthorizationMetrics", _PLAN_OFFICE, "see requests and decisions"),
    "elections": Shown("electionChanges", _PLAN_OFFICE, "see election windows"),
    "failures": Shown("workflows", _OPERATIONS, "see failed workflows"),
}
FAILURES = Shown("workflows", _OPERATIONS, "see failed workflows")
RETRY = Shown("retryWorkflow", _OPERATIONS, "retry a workflow")
AUDIT_LOG = Shown("auditLog", _OPERATIONS, "read the audit log")
MEMBER = Shown("member", frozenset({Role.PLAN_ADMIN, *_STAFF}), "see a member")
BALANCES = Shown("balances", _STAFF, "see a member's balances")
EVERY = (
    SEARCH,
    ONE,
    CONTRACTS,
    *QUEUES.values(),
    *ACTIONS.values(),
    BULK,
    STUDIO,
    *DASHBOARD.values(),
    FAILURES,
    RETRY,
    AUDIT_LOG,
    MEMBER,
    BALANCES,
)

# The provider inbox (/provider): each page and action, and the GraphQL field it calls the same
# service for (tests/admin/provider/test_provider_access.py compares them with the schema).
_PROVIDER = frozenset({Role.PROVIDER})
PROVIDER_PAGES = {
    "inbox": Shown("authorizations", _PROVIDER, "see your authorizations"),
    "authorization": Shown("authorization", _PROVIDER, "see an authorization"),
    "balances": Shown("balances", _PROVIDER, "see what a member has left"),
    "respond": Shown("respondToReferral", _PROVIDER, "answer a referral"),
    "inform": Shown("provideInformation", _PROVIDER, "send the information asked for"),
    "report": Shown("reportService", _PROVIDER, "report service"),
    "reauthorize": Shown("requestReauthorization", _PROVIDER, "ask for a reauthorization"),
    "upload": Shown("attachDocument", _PROVIDER, "attach a document"),
    "note": Shown("addReferralNote", _PROVIDER, "add a note for the plan"),
    "webhooks": Shown("webhooks", _PROVIDER, "see your webhooks"),
    "register": Shown("registerWebhook", _PROVIDER, "register a webhook"),
    "remove": Shown("removeWebhook", _PROVIDER, "remove a webhook"),
}


def refused(request: Request, principal: Principal, shown: Shown) -> Response:
    """403: the page says which roles may, as the API's refusal does."""
    allowed = ", ".join(sorted(role.value for role in shown.roles))
    return page(
        request,
        "refused.html",
        {"what": shown.words, "role": principal.role.value, "allowed": allowed},
        principal=principal,
        status_code=403,
    )
