"""`lieu workflows member-key --plan P --cin CIN`: the Temporal visibility query that finds a
member's workflows (`LieuMemberKey = '…'`, to paste into the Temporal UI or `temporal workflow
list -q`). Temporal holds no CIN: the key is a keyed digest of plan and CIN, so only a holder of
LIEU_MEMBER_KEY_SECRET can make it. The look-up is audited as a read of the member."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from lieu.commands.database import stack_engine
from lieu.platform.access.audit import record_command
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.settings import Settings, member_key_secret
from lieu.workflows.search import member_query

LONGEST_CIN = 16

workflows_app = typer.Typer(
    name="workflows",
    help="Workflows: find a member's in Temporal without a CIN in Temporal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@workflows_app.callback()
def workflows() -> None:
    """Workflows: find a member's in Temporal without a CIN in Temporal."""


def _cin(raw: str) -> str:
    cin = raw.strip().upper()
    if not cin or len(cin) > LONGEST_CIN or not cin.isalnum():
        raise typer.BadParameter(
            f"{raw!r} is not a CIN: give the member's letters and digits (at most {LONGEST_CIN})",
            param_hint="--cin",
        )
    return cin


async def _audited(settings: Settings, plan: str, cin: str) -> None:
    async with (
        stack_engine(settings) as engine,
        create_session_factory(for_writes(engine)).begin() as session,
    ):
        record_command(
            session,
            plan=plan,
            action="cli.member_key",
            target=f"member:{plan}/{cin}",
            outcome="ok",
            detail="printed the Temporal query of the member's workflows",
        )


@workflows_app.command("member-key")
def member_key_command(
    plan: Annotated[str, typer.Option(help="The member's plan (as LieuPlan holds it).")],
    cin: Annotated[str, typer.Option(help="The member's CIN.")],
) -> None:
    """Print the query (`LieuMemberKey = '…'`) that finds the member's workflows in the Temporal
    UI. Only workflows started since lieu sets LieuMemberKey carry it."""
    if not plan.strip():
        raise typer.BadParameter("give the member's plan", param_hint="--plan")
    member = _cin(cin)
    settings = Settings.from_env()
    secret = member_key_secret(settings)  # the API's: LIEU_MEMBER_KEY_SECRET or the data dir's
    asyncio.run(_audited(settings, plan.strip(), member))
    typer.echo(member_query(secret, plan.strip(), member))
    if not settings.member_key_secret:  # a key of another secret finds nothing: say whose
        typer.echo(
            f"keyed with the secret in {settings.member_key_secret_file} (LIEU_MEMBER_KEY_SECRET "
            "is unset): right for the embedded stack of this data dir; for another stack set "
            "its LIEU_MEMBER_KEY_SECRET",
            err=True,
        )
