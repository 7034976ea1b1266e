"""Permission classes: who may call a field at all. Scope (which plan, which provider's records)
is enforced by the scoped service queries each resolver calls."""

from __future__ import annotations

from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import ClientError
from lieu.platform.access.roles import Role

BEARER_HINT = "send `Authorization: Bearer <token>`; `lieu tokens create` issues one"


class Authenticated(BasePermission):
    """A valid, unexpired, unrevoked token came with the request."""

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        context = info.context
        if context.principal is None:
            reason = context.rejection or f"authentication required: {BEARER_HINT}"
            raise ClientError(reason, "UNAUTHENTICATED")
        return True


class RoleIn(BasePermission):
    """The caller's role is one of `roles`; a refusal is audited."""

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        caller = info.context.caller
        if caller.role in self.roles:
            return True
        info.context.audit(info.field_name, "-", "denied", f"role {caller.role.value}")
        allowed = ", ".join(sorted(r.value for r in self.roles))
        raise ClientError(
            f"`{info.field_name}` is not open to {caller.role.value} tokens (open to: {allowed})",
            "FORBIDDEN",
        )


def allow(*roles: Role) -> list[FieldExtension]:
    """The field extensions for a field open to `roles` (authentication first)."""
    return [
        PermissionExtension(
            permissions=[Authenticated(), RoleIn(frozenset(roles))], use_directives=False
        )
    ]


ANYONE = tuple(Role)
STAFF = (Role.REVIEWER, Role.OPERATIONS)
