"""API tokens: issue (the secret is shown once), authenticate, list and revoke.

A token reads `lieu_<id>_<secret>`. The id is stored in clear to find the row; only the SHA-256 of
the whole token is stored (the secret has 256 bits of entropy, so a fast hash is enough).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.contracts import BASELINE, known_organizations
from lieu.platform.access.models import ApiToken
from lieu.platform.access.roles import Principal, Role, ScopeError, check_scope
from lieu.platform.db.base import utcnow
from lieu.platform.definitions.models import DefinitionVersion
from lieu.platform.plans.models import PlanRecord

PREFIX = "lieu"
DEFAULT_REVIEW_ROLE = "utilization_management"  # the review role every baseline's review asks


class TokenRejected(Exception):
    """The bearer token cannot be used; the message says why (never echoing the secret)."""


class TokenNotFound(LookupError):
    """No token with that id."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token: the row as stored and the secret, which is never shown again."""

    token: ApiToken
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_token(
    *,
    session: AsyncSession,
    role: Role,
    plan: str,
    provider: str | None = None,
    expires_in_days: int | None = None,
    label: str = "",
    actor: str,
    now: datetime | None = None,
    review_roles: tuple[str, ...] = (),
    approver: bool = False,
) -> IssuedToken:
    """Create a token for a role and scope; ScopeError when the scope does not fit the role."""
    check_scope(role, plan, provider)
    if review_roles and role is not Role.REVIEWER:
        raise ScopeError("review roles are for reviewer tokens; drop --review-role")
    if approver and role is not Role.PLAN_ADMIN:
        raise ScopeError("only plan_admin tokens approve definitions; drop --approver")
    if role is Role.REVIEWER and not review_roles:
        review_roles = (DEFAULT_REVIEW_ROLE,)
    if expires_in_days is not None and expires_in_days <= 0:
        raise ValueError(f"expires_in_days must be positive, got {expires_in_days}")
    issued_at = now or utcnow()
    token_id = secrets.token_hex(8)
    secret = f"{PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
    row = ApiToken(
        id=token_id,
        secret_hash=_digest(secret),
        role=role.value,
        plan=plan,
        provider=provider,
        label=label,
        review_roles=",".join(review_roles),
        approver=approver,
        created_by=actor,
        created_at=issued_at,
        expires_at=None if expires_in_days is None else issued_at + timedelta(days=expires_in_days),
    )
    session.add(row)
    await session.flush()
    return IssuedToken(row, secret)


async def known_plans(*, session: AsyncSession) -> list[str]:
    """The plans lieu holds: a plan file stored, or a definition of its own (not the baseline)."""
    rows = await session.scalars(
        union(
            select(PlanRecord.plan),
            select(DefinitionVersion.plan).where(DefinitionVersion.plan != BASELINE),
        )
    )
    return sorted(set(rows))


async def check_known_scope(
    *, session: AsyncSession, role: Role, plan: str, provider: str | None = None
) -> None:
    """ScopeError unless the plan is one lieu holds and a provider token's organization is one
    the plan has contracts with; the message names the known ones."""
    check_scope(role, plan, provider)
    plans = await known_plans(session=session)
    if plan not in plans:
        raise ScopeError(
            f"there is no plan {plan[:80]!r}; the plans are {', '.join(plans) or 'none yet'} "
            "(`lieu definitions publish` or `lieu dev` stores them)"
        )
    if provider is None:
        return
    organizations = await known_organizations(session=session, plan=plan)
    if provider not in organizations:
        raise ScopeError(
            f"{plan} has no contract with an organization {provider[:80]!r}; its organizations "
            f"are {', '.join(organizations) or 'none yet'} (a plan administrator adds one "
            "with addContract)"
        )


def token_id_of(secret: str) -> str | None:
    """The id part of a well-formed token, else None."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


@dataclass(frozen=True, slots=True)
class Verified:
    """A token found valid: whom it stands for and until when (None: no expiry)."""

    principal: Principal
    expires_at: datetime | None

    def check_expiry(self, now: datetime) -> None:
        """TokenRejected once the token has expired."""
        if self.expires_at is not None and self.expires_at <= now:
            raise TokenRejected(
                f"token {self.principal.token_id} expired on {self.expires_at.date().isoformat()}"
            )


def secret_digest(secret: str) -> str:
    """The SHA-256 of a token as stored (a key that never holds the secret itself)."""
    return _digest(secret)


async def verify(*, session: AsyncSession, secret: str, now: datetime | None = None) -> Verified:
    """The principal a bearer token stands for and its expiry; TokenRejected saying why not."""
    token_id = token_id_of(secret)
    if token_id is None:
        raise TokenRejected("the bearer token is malformed; expected lieu_<id>_<secret>")
    row = await session.get(ApiToken, token_id)
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(secret)):
        raise TokenRejected("the bearer token is not valid")
    return verify_row(row, now or utcnow())


def verify_row(row: ApiToken, now: datetime) -> Verified:
    """Whom a stored token stands for, once its secret was checked (or a console session
    opened with it names it); TokenRejected when it is revoked or expired."""
    if row.revoked_at is not None:
        raise TokenRejected(f"token {row.id} was revoked on {row.revoked_at.date().isoformat()}")
    verified = Verified(
        Principal(
            token_id=row.id,
            role=Role(row.role),
            plan=row.plan,
            provider=row.provider,
            label=row.label,
            review_roles=review_roles_of(row),
            approver=bool(row.approver) and row.role == Role.PLAN_ADMIN.value,
        ),
        row.expires_at,
    )
    verified.check_expiry(now)
    return verified


async def still_valid(
    *, session: AsyncSession, token_id: str, now: datetime | None = None
) -> str | None:
    """Why a token verified earlier may no longer be used (revoked, expired, gone), else None:
    what a long-lived connection asks before each answer it pushes."""
    row = await session.get(ApiToken, token_id, populate_existing=True)
    if row is None:
        return f"token {token_id} no longer exists"
    try:
        verify_row(row, now or utcnow())
    except TokenRejected as rejected:
        return str(rejected)
    return None


async def authenticate(
    *, session: AsyncSession, secret: str, now: datetime | None = None
) -> Principal:
    """The principal a bearer token stands for; TokenRejected saying why it cannot be used."""
    return (await verify(session=session, secret=secret, now=now)).principal


def review_roles_of(row: ApiToken) -> tuple[str, ...]:
    """A reviewer token's review roles (tokens made before roles existed: the default one)."""
    if row.role != Role.REVIEWER.value:
        return ()
    roles = tuple(role for role in (row.review_roles or "").split(",") if role)
    return roles or (DEFAULT_REVIEW_ROLE,)


async def list_tokens(*, session: AsyncSession, plan: str | None = None) -> list[ApiToken]:
    """Tokens (never their secrets), newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id)
    if plan is not None:
        query = query.where(ApiToken.plan == plan)
    return list(await session.scalars(query))


async def revoke_token(
    *, session: AsyncSession, token_id: str, now: datetime | None = None
) -> ApiToken:
    """Revoke a token at once (revoking twice keeps the first date); TokenNotFound otherwise."""
    row = await session.get(ApiToken, token_id)
    if row is None:
        raise TokenNotFound(f"no token with id {token_id!r}; `lieu tokens list` shows them")
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
    await session.flush()
    return row
