# ruff: noqa: E501  (the table reads best one operation per line)
"""Every operation × every role: allowed or denied, as the issue's table says.

Allowed means the role gets past the permission classes (the answer may still be a typed
NotFound or ValidationErrors for these placeholder inputs); denied means a FORBIDDEN error and no
data. Without a token every operation answers UNAUTHENTICATED.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.graphql.graphql_stack import ANA, Api

pytestmark = pytest.mark.temporal

PA, RV, PR, OP = "plan_admin", "reviewer", "provider", "operations"
EVERYONE = {PA, RV, PR, OP}
DRAFT = {"plan": "demo-plan", "support": "respite", "version": 99}


@dataclass(frozen=True)
class Operation:
    name: str
    document: str
    allowed: set[str]
    variables: dict[str, Any] | None = None


OPERATIONS = [
    # provider and shared reads
    Operation("offerings", '{ offerings(county: "sacramento") { support } }', EVERYONE),
    Operation(
        "eligibility",
        f'{{ eligibility(cin: "{ANA}", support: "respite") {{ __typename }} }}',
        {PR, RV, PA},
    ),
    Operation(
        "balances", f'{{ balances(cin: "{ANA}", support: "respite") {{ __typename }} }}', {PR, RV, OP}
    ),
    Operation("member", f'{{ member(cin: "{ANA}") {{ __typename }} }}', EVERYONE),
    Operation("members", "{ members { nodes { cin } } }", {PA, OP}),
    Operation("authorization", '{ authorization(id: "A-NONE") { __typename } }', {PR, RV, OP}),
    Operation("authorizations", "{ authorizations { nodes { id } } }", {PR, RV, OP}),
    Operation("reviewQueue", "{ reviewQueue { nodes { id } } }", {RV, OP}),
    # plan product team
    Operation("definitions", "{ definitions { nodes { support } } }", {PA}),
    Operation("definition", '{ definition(support: "respite", version: 1, plan: "dhcs") { __typename } }', {PA}),
    Operation("definitionHistory", '{ definitionHistory(support: "respite") { kind } }', {PA}),
    Operation("validateDefinition", "query($d: JSON!) { validateDefinition(document: $d) { valid } }", {PA}, {"d": DRAFT}),
    Operation("diffDefinitions", '{ diffDefinitions(support: "respite", fromVersion: 1, toVersion: 2, plan: "dhcs") { __typename } }', {PA}),
    Operation("simulateDraft", '{ simulateDraft(support: "respite", version: 99) { __typename } }', {PA}),
    Operation("definitionReviews", "{ definitionReviews { id } }", {PA}),
    Operation("electionChanges", "{ electionChanges { id } }", {PA, OP}),
    Operation(
        "affectedByRemovals",
        '{ affectedByRemovals(cycleStart: "2027-01-01") { authorizationId } }',
        {PA, OP},
    ),
    # operations
    Operation("overdueReviews", "{ overdueReviews { nodes { id } } }", {RV, OP}),
    Operation("expiringAuthorizations", "{ expiringAuthorizations { nodes { id } } }", {OP}),
    Operation("stalledAuthorizations", "{ stalledAuthorizations { nodes { id } } }", {OP}),
    Operation("workflows", "{ workflows(status: FAILED) { nodes { id } } }", {OP}),
    Operation("auditLog", "{ auditLog { nodes { action } } }", {OP}),
    # the numbers a plan publishes
    Operation("priorAuthorizationMetrics", "{ priorAuthorizationMetrics(year: 2026) { __typename } }", {PA, OP}),
    Operation("communitySupportsByQuarter", "{ communitySupportsByQuarter(year: 2026) { __typename } }", {PA, OP}),
    # writes
    Operation(
        "requestAuthorization",
        "mutation($i: AuthorizationRequestInput!) { requestAuthorization(input: $i) { __typename } }",
        {PR},
        {"i": {"cin": ANA, "support": "respite", "serviceStart": "2026-12-01", "quantity": "0", "unit": "hours", "idempotencyKey": "k"}},
    ),
    Operation("decideReview", 'mutation { decideReview(input: {authorizationId: "A-NONE", idempotencyKey: "k", decision: APPROVE, reason: "ok"}) { __typename } }', {RV}),
    Operation("extendReview", 'mutation { extendReview(input: {authorizationId: "A-NONE", idempotencyKey: "k", reason: "records"}) { __typename } }', {RV, OP}),
    Operation("respondToReferral", 'mutation { respondToReferral(input: {authorizationId: "A-NONE", idempotencyKey: "k", accept: true}) { __typename } }', {PR}),
    Operation("requestInformation", 'mutation { requestInformation(input: {authorizationId: "A-NONE", idempotencyKey: "k", needed: ["order"]}) { __typename } }', {RV}),
    Operation("provideInformation", 'mutation { provideInformation(input: {authorizationId: "A-NONE", idempotencyKey: "k", note: "sent"}) { __typename } }', {PR}),
    Operation("reportService", 'mutation { reportService(input: {authorizationId: "A-NONE", idempotencyKey: "k", reportId: "r", start: "2026-12-01", end: "2026-12-01", quantity: "1", code: "H0045", modifiers: ["U6"], amount: "100", renderingNpi: "1234567893"}) { __typename } }', {PR}),
    Operation("requestReauthorization", 'mutation { requestReauthorization(input: {authorizationId: "A-NONE", idempotencyKey: "k", quantity: "1"}) { __typename } }', {PR}),
    Operation("closeReferral", 'mutation { closeReferral(input: {authorizationId: "A-NONE", idempotencyKey: "k", reason: OTHER}) { __typename } }', {PR, OP}),
    Operation("attachDocument", 'mutation($f: Upload!) { attachDocument(authorizationId: "A-NONE", requirement: "provider_order", file: $f, idempotencyKey: "k") { __typename } }', {PR}, {"f": "not a file part"}),
    Operation("recordNoticeDelivery", 'mutation { recordNoticeDelivery(input: {noticeId: "N-NONE", idempotencyKey: "k", channel: MAIL, status: SENT, at: "2026-12-01T00:00:00Z"}) { __typename } }', {OP}),
    Operation("endAuthorization", 'mutation { endAuthorization(input: {authorizationId: "A-NONE", idempotencyKey: "k", reason: "moved"}) { __typename } }', {RV, OP}),
    Operation("cancelAuthorization", 'mutation { cancelAuthorization(input: {authorizationId: "A-NONE", idempotencyKey: "k", reason: "dup"}) { __typename } }', {OP}),
    Operation("importMembers", 'mutation { importMembers(jsonl: "not json") { __typename } }', {PA}),
    Operation("identityLockouts", "{ identityLockouts { id } }", {OP}),
    Operation("contracts", "{ contracts { provider support } }", EVERYONE),
    Operation("addContract", 'mutation { addContract(input: {provider: "cbo", support: "none"}) { __typename } }', {PA}),
    Operation("removeContract", 'mutation { removeContract(input: {provider: "cbo", support: "none"}) { __typename } }', {PA}),
    Operation("clearIdentityLockout", 'mutation { clearIdentityLockout(id: "none") { __typename } }', {OP}),
    Operation("importPriorUse", 'mutation { importPriorUse(content: "not,a,header") { __typename } }', {OP}),
    Operation("approveLimitException", 'mutation { approveLimitException(input: {cin: "NOBODY0", support: "respite", limitId: "none", extra: "1", appliesFrom: "2026-12-01", reason: "r", idempotencyKey: "k"}) { __typename } }', {RV}),
    Operation("createDraft", "mutation($d: JSON!) { createDraft(document: $d) { __typename } }", {PA}, {"d": {"plan": "demo-plan"}}),
    Operation("editDraft", "mutation($d: JSON!) { editDraft(document: $d) { __typename } }", {PA}, {"d": {"plan": "demo-plan"}}),
    Operation("publishDefinition", 'mutation { publishDefinition(support: "respite", version: 99) { __typename } }', {PA}),
    Operation("retireDefinition", 'mutation { retireDefinition(support: "respite", version: 99) { __typename } }', {PA}),
    Operation("submitDefinition", 'mutation { submitDefinition(support: "respite", version: 99) { __typename } }', {PA}),
    Operation("approveDefinition", 'mutation { approveDefinition(reviewId: "999999") { __typename } }', {PA}),
    Operation("returnDefinition", 'mutation { returnDefinition(reviewId: "999999", comment: "x") { __typename } }', {PA}),
    Operation("withdrawDefinition", 'mutation { withdrawDefinition(reviewId: "999999") { __typename } }', {PA}),
    Operation("submitElectionChange", 'mutation { submitElectionChange(county: "kern", support: "respite", kind: ADD) { __typename } }', {PA}),
    Operation("retryWorkflow", 'mutation { retryWorkflow(workflowId: "A-NONE", reason: "r") { __typename } }', {OP}),
    # webhooks (an organization's own)
    Operation("webhooks", "{ webhooks { id url } }", {PR}),
    Operation("registerWebhook", 'mutation { registerWebhook(input: {url: "ftp://example.org/x"}) { __typename } }', {PR}),
    Operation("removeWebhook", 'mutation { removeWebhook(id: "wh_none") { __typename } }', {PR}),
    Operation("referralNotes", '{ referralNotes(authorizationId: "A-NONE") { __typename } }', {PR, RV, OP}),
    Operation("addReferralNote", 'mutation { addReferralNote(input: {authorizationId: "A-NONE", text: "t"}) { __typename } }', {PR, RV, OP}),
    # appeals and grievances
    Operation("appeal", '{ appeal(id: "A-NONE-AP1") { __typename } }', {PR, RV, OP}),
    Operation("appeals", "{ appeals { nodes { id } } }", {PR, RV, OP}),
    Operation("grievances", "{ grievances { nodes { id } } }", {OP}),
    Operation("fileAppeal", 'mutation { fileAppeal(input: {authorizationId: "A-NONE", idempotencyKey: "k", reason: "r", memberConsent: true}) { __typename } }', {OP, PR}),
    Operation("decideAppeal", 'mutation { decideAppeal(input: {appealId: "A-NONE-AP1", idempotencyKey: "k", outcome: UPHELD, reason: "r"}) { __typename } }', {RV}),
    Operation("extendAppeal", 'mutation { extendAppeal(input: {appealId: "A-NONE-AP1", idempotencyKey: "k", reason: "r"}) { __typename } }', {RV, OP}),
    Operation("fileGrievance", f'mutation {{ fileGrievance(input: {{memberCin: "{ANA}", idempotencyKey: "k", category: "bogus", description: "d"}}) {{ __typename }} }}', {OP}),
    Operation("acknowledgeGrievance", 'mutation { acknowledgeGrievance(input: {grievanceId: "G-NONE"}) { __typename } }', {OP}),
    Operation("resolveGrievance", 'mutation { resolveGrievance(input: {grievanceId: "G-NONE", resolution: "done"}) { __typename } }', {OP}),
]  # fmt: skip

CASES = [(op, role) for op in OPERATIONS for role in sorted(EVERYONE)]


def test_the_table_covers_every_root_field() -> None:
    from lieu.graphql.schema import build_schema

    graph = build_schema()._schema
    assert graph.query_type is not None and graph.mutation_type is not None
    fields = set(graph.query_type.fields) | set(graph.mutation_type.fields)
    public = {"service", "supports", "me"}
    assert fields - public == {op.name for op in OPERATIONS}


def codes(answer: dict[str, Any]) -> set[str]:
    return {e.get("extensions", {}).get("code", "") for e in answer.get("errors", [])}


@pytest.mark.parametrize(
    ("operation", "role"), CASES, ids=[f"{op.name}-{role}" for op, role in CASES]
)
async def test_role_is_allowed_or_denied(
    api: Api, seeded: Any, operation: Operation, role: str
) -> None:
    token = seeded.tokens.by_role()[role]
    answer = await api.call(token, operation.document, operation.variables)
    if role in operation.allowed:
        assert not codes(answer) & {"FORBIDDEN", "UNAUTHENTICATED"}, answer
        assert "errors" not in answer, answer
        assert answer["data"][operation.name] is not None
    else:
        assert codes(answer) == {"FORBIDDEN"}, answer
        assert answer["data"] is None
        assert f"`{operation.name}` is not open to {role} tokens" in answer["errors"][0]["message"]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.name for op in OPERATIONS])
async def test_without_a_token_every_operation_is_unauthenticated(
    api: Api, operation: Operation
) -> None:
    answer = await api.call(None, operation.document, operation.variables)
    assert codes(answer) == {"UNAUTHENTICATED"}, answer
    assert "Authorization: Bearer <token>" in answer["errors"][0]["message"]
