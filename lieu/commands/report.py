"""`lieu report prior-authorization | community-supports`: the numbers a plan publishes, read from
the stack's database (docs/reports.md says what each figure counts)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.commands.database import stack_engine
from lieu.commands.errors import CommandError
from lieu.platform.db.engine import create_session_factory
from lieu.platform.reports.appeals import appeal_records
from lieu.platform.reports.community_supports import community_supports_by_quarter
from lieu.platform.reports.formats import (
    Format,
    render_community_supports,
    render_prior_authorization,
)
from lieu.platform.reports.periods import PeriodError
from lieu.platform.reports.plans import plan_on_record, plans_on_record
from lieu.platform.reports.prior_authorization import prior_authorization_metrics
from lieu.settings import Settings

report_app = typer.Typer(
    name="report",
    help="The numbers a plan publishes: CMS-0057-F prior authorization metrics, Community "
    "Supports by quarter.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
Plan = Annotated[str, typer.Option("--plan", help="The plan to report on.")]
Year = Annotated[int, typer.Option("--year", help="The calendar year, on the plan's clock.")]
FormatOption = Annotated[Format, typer.Option("--format", help="table, csv or json.")]
Output = Annotated[
    Path | None, typer.Option("--output", help="Write to this file (default: standard output).")
]
Report = TypeVar("Report")


async def _read(plan: str, read: Callable[[AsyncSession], Awaitable[Report]]) -> Report:
    async with (
        stack_engine(Settings.from_env()) as engine,
        create_session_factory(engine)() as session,
    ):
        if not await plan_on_record(plan, session=session):
            known = await plans_on_record(session=session)
            listed = ", ".join(known) if known else "none yet"
            raise CommandError(
                f"no plan {plan!r} in this database (plans with settings or requests: {listed});"
                " check --plan"
            )
        return await read(session)


def _run(plan: str, read: Callable[[AsyncSession], Awaitable[Report]]) -> Report:
    try:
        return asyncio.run(_read(plan, read))
    except PeriodError as wrong:
        raise typer.BadParameter(str(wrong), param_hint="--year") from None


def _write(text: str, output: Path | None, what: str) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as failure:
        raise CommandError(f"cannot write {output}: {failure.strerror or failure}") from None
    typer.echo(f"wrote {output} ({what})")


def _notes_aside(notes: tuple[str, ...], form: Format) -> None:
    # CSV has no room for notes; say them beside it, on standard error, so they are seen.
    if form is Format.CSV:
        for note in notes:
            typer.echo(f"lieu: note: {note}", err=True)


@report_app.command("prior-authorization")
def prior_authorization(
    plan: Plan, year: Year, form: FormatOption = Format.TABLE, output: Output = None
) -> None:
    """CMS-0057-F prior authorization metrics of the requests received in a year.

    Overall and per support: standard requests approved, denied and approved after appeal,
    requests approved after an extension, expedited requests approved and denied, and the
    average and median hours from receipt to decision, standard and expedited.
    """
    report = _run(
        plan,
        lambda session: prior_authorization_metrics(
            session=session, plan=plan, year=year, appeals=appeal_records()
        ),
    )
    _write(render_prior_authorization(report, form), output, f"{plan} {year}, {form.value}")
    _notes_aside(report.notes, form)


@report_app.command("community-supports")
def community_supports(
    plan: Plan, year: Year, form: FormatOption = Format.TABLE, output: Output = None
) -> None:
    """Members approved for and receiving each Community Support, per quarter of receipt.

    Quarters are of the plan's local dates (America/Los_Angeles for California's plans).
    """
    report = _run(
        plan,
        lambda session: community_supports_by_quarter(
            session=session, plan=plan, year=year, appeals=appeal_records()
        ),
    )
    _write(render_community_supports(report, form), output, f"{plan} {year}, {form.value}")
    _notes_aside(report.notes, form)
