"""The Strawberry schema served at /graphql: one Query, Mutation and Subscription composed of
each audience's parts, behind the guards and the audit trail."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import strawberry

from lieu.graphql.appeals.mutations import AppealMutations
from lieu.graphql.appeals.queries import AppealQueries
from lieu.graphql.audit_trail import AuditTrail
from lieu.graphql.authorizations.mutations import AuthorizationMutations
from lieu.graphql.authorizations.queries import AuthorizationQueries
from lieu.graphql.authorizations.requests import RequestMutations
from lieu.graphql.authorizations.subscriptions import AuthorizationSubscriptions
from lieu.graphql.catalog import CatalogQueries
from lieu.graphql.definitions.mutations import DefinitionMutations
from lieu.graphql.definitions.queries import DefinitionQueries
from lieu.graphql.definitions.reviews import ReviewMutations, ReviewQueries
from lieu.graphql.documents.mutations import DocumentMutations
from lieu.graphql.elections.mutations import ElectionMutations
from lieu.graphql.elections.queries import ElectionQueries
from lieu.graphql.error_log import LieuSchema
from lieu.graphql.guards import guards
from lieu.graphql.limits.mutations import LimitMutations
from lieu.graphql.members.contracts import ContractMutations, ContractQueries
from lieu.graphql.members.identity import IdentityMutations, IdentityQueries
from lieu.graphql.members.mutations import MemberMutations
from lieu.graphql.members.queries import MemberQueries
from lieu.graphql.notes.schema import NoteMutations, NoteQueries
from lieu.graphql.notices.mutations import NoticeMutations
from lieu.graphql.operations.mutations import OperationsMutations
from lieu.graphql.operations.queries import OperationsQueries
from lieu.graphql.outages import Outages
from lieu.graphql.reports.queries import ReportQueries
from lieu.graphql.scalars import DecimalScalar
from lieu.graphql.webhooks.schema import WebhookMutations, WebhookQueries


@strawberry.type
class Query(
    CatalogQueries,
    MemberQueries,
    IdentityQueries,
    ContractQueries,
    AuthorizationQueries,
    DefinitionQueries,
    ReviewQueries,
    ElectionQueries,
    OperationsQueries,
    ReportQueries,
    AppealQueries,
    WebhookQueries,
    NoteQueries,
):
    """Every read, for every audience (each field says who may call it)."""


@strawberry.type
class Mutation(
    RequestMutations,
    AuthorizationMutations,
    DocumentMutations,
    NoticeMutations,
    MemberMutations,
    IdentityMutations,
    ContractMutations,
    LimitMutations,
    DefinitionMutations,
    ReviewMutations,
    ElectionMutations,
    OperationsMutations,
    AppealMutations,
    WebhookMutations,
    NoteMutations,
):
    """Every write; each is audited."""


@strawberry.type
class Subscription(AuthorizationSubscriptions):
    """Live updates (graphql-transport-ws)."""


@cache
def build_schema() -> strawberry.Schema:
    """The schema, built once a process when the first app asks for it (not at import): it
    depends on nothing but the types above, and building it takes a tenth of a second (a
    process that makes several apps, as the tests do, builds it once)."""
    return LieuSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*guards(), Outages, AuditTrail],
        scalar_overrides={Decimal: DecimalScalar},
    )
