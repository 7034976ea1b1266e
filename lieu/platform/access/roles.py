"""Who is calling: a role and a scope (a plan; for providers also a provider organization)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """The four audiences of the API."""

    PLAN_ADMIN = "plan_admin"  # the plan's product team
    REVIEWER = "reviewer"  # utilization-management reviewer
    PROVIDER = "provider"  # a community-based organization, clinic or discharge planner
    OPERATIONS = "operations"  # operations staff


class ScopeError(ValueError):
    """A token's scope does not fit its role; the message says what to pass."""


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: its token id, role, plan and (providers only) organization."""

    token_id: str
    role: Role
    plan: str
    provider: str | None = None
    label: str = ""
    review_roles: tuple[str, ...] = ()  # reviewers: the review roles a step may ask for
    approver: bool = False  # plan_admin: may approve a colleague's definition draft

    def __post_init__(self) -> None:
        check_scope(self.role, self.plan, self.provider)

    @property
    def actor(self) -> str:
        """How the caller is named in timelines and the audit log."""
        who = f"{self.role.value}:{self.plan}"
        if self.provider:
            who += f"/{self.provider}"
        return f"{who}:{self.label or self.token_id}"

    def sees_plan(self, plan: str) -> bool:
        """Personal health information never crosses a plan boundary."""
        return plan == self.plan

    def sees_authorization(self, plan: str, provider: str) -> bool:
        """Providers see only their own authorizations; the plan's staff see all of the plan's."""
        if not self.sees_plan(plan):
            return False
        return self.role is not Role.PROVIDER or provider == self.provider


def check_scope(role: Role, plan: str, provider: str | None) -> None:
    """Raise ScopeError unless the scope fits the role."""
    if not plan:
        raise ScopeError("every token is scoped to a plan; pass --plan")
    if role is Role.PROVIDER and not provider:
        raise ScopeError("a provider token is scoped to a provider organization; pass --provider")
    if role is not Role.PROVIDER and provider:
        raise ScopeError(f"only provider tokens name a provider organization, not {role.value}")


# Who may read what an authorization holds for its member (documents, notices): its provider and
# the plan's reviewers and operations; not the product team, which configures and needs no PHI.
FILE_READERS = frozenset({Role.PROVIDER, Role.REVIEWER, Role.OPERATIONS})
