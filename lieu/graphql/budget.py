"""The schema extension that refuses an operation before it runs when it would cost more than the
budget (lieu.graphql.cost), or when its caller has used up its allowance of expensive operations
(lieu.graphql.rate_limits); over a websocket, where each operation is not its own HTTP request,
it also draws on the caller's request allowance."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from lieu.graphql import cost
from lieu.graphql.context import Context
from lieu.graphql.rate_limits import RateLimits, Refusal

RATE_LIMITS_KEY = "lieu.graphql.rate_limits"  # where the endpoint leaves its buckets in the scope


class OperationBudget(SchemaExtension):
    """Cost over budget: refused with the cost, the budget and how to lower it. Expensive
    fields past the caller's allowance: refused with when to try again (HTTP 429 and
    `Retry-After` over HTTP)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if isinstance(context, Context) and document is not None:
            budget = context.runtime.settings.graphql_max_cost
            estimate = cost.operation_cost(
                execution.schema._schema, document, execution.operation_name, execution.variables
            )
            if estimate.total > budget:
                raise GraphQLError(
                    estimate.explain(budget),
                    extensions={"code": cost.CODE, "cost": estimate.total, "budget": budget},
                )
            refusal = _rate_refusal(context, estimate)
            if refusal is not None:
                if isinstance(context.response, Response):
                    context.response.status_code = 429
                    context.response.headers["Retry-After"] = str(refusal.retry_after)
                raise GraphQLError(
                    refusal.message,
                    extensions={"code": refusal.code, "retryAfter": refusal.retry_after},
                )
        yield


def _rate_refusal(context: Context, estimate: cost.Cost) -> Refusal | None:
    limits = context.request.scope.get(RATE_LIMITS_KEY)
    if not isinstance(limits, RateLimits):
        return None
    if isinstance(context.request, WebSocket):
        refused = limits.admit(context.principal, context.origin.client_ip)
        if refused is not None:
            return refused
    return limits.admit_expensive(
        context.principal, context.origin.client_ip, dict(estimate.expensive)
    )
