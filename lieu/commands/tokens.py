"""`lieu tokens create | list | revoke`: API tokens for the GraphQL API (the secret is printed
once; only its hash is stored)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from lieu.commands.database import stack_engine
from lieu.commands.errors import CommandError
from lieu.platform.access.audit import record_command
from lieu.platform.access.roles import Role, ScopeError
from lieu.platform.access.tokens import (
    TokenNotFound,
    check_known_scope,
    issue_token,
    list_tokens,
    revoke_token,
)
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.settings import Settings

tokens_app = typer.Typer(
    name="tokens",
    help="API tokens: a role and a scope (a plan; for providers an organization).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ROLES = ", ".join(r.value for r in Role)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a role; use one of {ROLES}", param_hint="--role"
        ) from None


async def _create(
    settings: Settings,
    role: Role,
    plan: str,
    provider: str | None,
    days: int | None,
    label: str,
    review_roles: tuple[str, ...] = (),
    approver: bool = False,
) -> str:
    async with (
        stack_engine(settings) as engine,
        create_session_factory(for_writes(engine)).begin() as session,
    ):
        await check_known_scope(session=session, role=role, plan=plan, provider=provider)
        issued = await issue_token(
            session=session,
            role=role,
            plan=plan,
            provider=provider,
            expires_in_days=days,
            label=label,
            actor="cli",
            review_roles=review_roles,
            approver=approver,
        )
        record_command(
            session,
            plan=plan,
            action="cli.tokens_create",
            target=f"token:{issued.token.id}",
            outcome="ok",
            detail=f"role {role.value}"
            + (f", organization {provider}" if provider else "")
            + (", approver" if approver else ""),
        )
    return issued.secret


@tokens_app.command("create")
def create(
    role: Annotated[str, typer.Option(help=f"One of {ROLES}.")],
    plan: Annotated[str, typer.Option(help="The plan the token is scoped to.")],
    provider: Annotated[
        str | None, typer.Option(help="The provider organization (provider tokens only).")
    ] = None,
    expires_in: Annotated[
        int | None, typer.Option("--expires-in", help="Days until it expires (default never).")
    ] = None,
    label: Annotated[str, typer.Option(help="Who or what holds the token.")] = "",
    review_role: Annotated[
        list[str] | None,
        typer.Option(
            "--review-role",
            help="Reviewer tokens: a review role a definition's review step may ask for "
            "(repeat for several; default utilization_management).",
        ),
    ] = None,
    approver: Annotated[
        bool,
        typer.Option(
            "--approver",
            help="plan_admin tokens: may approve a colleague's definition draft (four eyes: "
            "never their own).",
        ),
    ] = False,
) -> None:
    """Create a token and print its secret once (store it now; it cannot be shown again)."""
    if expires_in is not None and expires_in <= 0:
        raise typer.BadParameter(
            f"must be a positive number of days, got {expires_in}", param_hint="--expires-in"
        )
    chosen = _role(role)
    try:
        secret = asyncio.run(
            _create(
                Settings.from_env(),
                chosen,
                plan,
                provider,
                expires_in,
                label,
                tuple(r.strip() for r in review_role or () if r.strip()),
                approver,
            )
        )
    except ScopeError as wrong:
        raise CommandError(str(wrong)) from None
    typer.echo(secret)


@tokens_app.command("list")
def list_(
    plan: Annotated[str | None, typer.Option(help="Only this plan's tokens.")] = None,
) -> None:
    """Tokens (never their secrets): id, role, scope, label, expiry, revocation."""

    async def read() -> list[str]:
        async with (
            stack_engine(Settings.from_env()) as engine,
            create_session_factory(engine)() as session,
        ):
            rows = await list_tokens(session=session, plan=plan)
        return [
            "\t".join(
                [
                    row.id,
                    row.role,
                    row.plan + (f"/{row.provider}" if row.provider else ""),
                    row.label or "-",
                    f"expires {row.expires_at.date()}" if row.expires_at else "no expiry",
                    f"revoked {row.revoked_at.date()}" if row.revoked_at else "active",
                ]
            )
            for row in rows
        ]

    for line in asyncio.run(read()):
        typer.echo(line)


@tokens_app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(help="The id `lieu tokens list` shows.")],
) -> None:
    """Revoke a token at once."""

    async def write() -> None:
        async with (
            stack_engine(Settings.from_env()) as engine,
            create_session_factory(for_writes(engine)).begin() as session,
        ):
            revoked = await revoke_token(session=session, token_id=token_id)
            record_command(
                session,
                plan=revoked.plan,
                action="cli.tokens_revoke",
                target=f"token:{token_id}",
                outcome="ok",
            )

    try:
        asyncio.run(write())
    except TokenNotFound as missing:
        raise CommandError(str(missing)) from None
    typer.echo(f"revoked {token_id}")
