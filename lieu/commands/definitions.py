"""`lieu definitions validate|diff|publish|list` and `lieu eligibility check`."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.commands.errors import database_unreachable
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.db.migrate import upgrade
from lieu.platform.definitions.diff import diff_definitions
from lieu.platform.definitions.directory import Loaded, load_directory, publish_document
from lieu.platform.definitions.document import Definition, DefinitionRef, parse_definition
from lieu.platform.definitions.eligibility import assess_member
from lieu.platform.definitions.errors import DefinitionError, InvalidDefinition
from lieu.platform.definitions.inheritance import effective
from lieu.platform.definitions.library import load_library
from lieu.platform.definitions.loading import load_files, read_json
from lieu.platform.definitions.problems import Severity
from lieu.platform.definitions.supports import BASELINE_PLAN, SUPPORTS, support_name
from lieu.platform.definitions.versions import (
    effective_in_force,
    get_version,
    list_versions,
    with_baseline,
)
from lieu.platform.members.facts import member_problems
from lieu.platform.rules.reasons import Status
from lieu.settings import Settings, SettingsError

definitions_app = typer.Typer(
    name="definitions",
    help="Validate, diff, publish and list benefit definitions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eligibility_app = typer.Typer(
    name="eligibility",
    help="Ask whether a member is eligible for a Community Support, and why.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
T = TypeVar("T")


@eligibility_app.callback()
def eligibility() -> None:
    """Ask whether a member is eligible for a Community Support, and why."""


DATABASE_FAILURES = (OSError, OperationalError, InterfaceError, DBAPIError)
REF_PATTERN = re.compile(r"^(?P<plan>[a-z0-9-]+)/(?P<support>[a-z0-9-]+)/v(?P<version>\d+)$")
MARKS = {Status.HELD: "✓", Status.FAILED: "✗", Status.UNDETERMINED: "?"}


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise."""
    typer.echo(f"lieu: error: {message}", err=True)
    return typer.Exit(code)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        raise fail(str(error)) from None


def with_session(work: Callable[[AsyncSession], Awaitable[T]], *, write: bool = False) -> T:
    """Migrate the configured database, run `work` in one transaction, commit, and return."""
    settings = _settings()

    async def run() -> T:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            factory = create_session_factory(for_writes(engine) if write else engine)
            async with factory.begin() as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DefinitionError as error:
        raise fail(str(error), 1) from None
    except DATABASE_FAILURES as failure:
        raise fail(str(database_unreachable(settings.database_url, failure))) from None


@definitions_app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Definition files or directories.")],
) -> None:
    """Check definitions; print one line per problem (path#pointer: code: message)."""
    settings = _settings()
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise fail(f"{missing[0]} does not exist; give a definition file or directory")
    sources = load_files(paths, root=settings.definitions_dir)
    failed = False
    for source in sources:
        for problem in source.validated.problems:
            failed = failed or problem.severity is Severity.ERROR
            typer.echo(problem.render(str(source.path)))
    if failed:
        raise typer.Exit(1)
    typer.echo(f"{len(sources)} definition(s) valid")


async def _stored(session: AsyncSession, text: str) -> Definition:
    match = REF_PATTERN.match(text)
    if match is None:
        raise DefinitionError(f"{text} is neither a file nor a version like dhcs/respite/v1")
    ref = DefinitionRef(match["plan"], match["support"], int(match["version"]))
    row = await get_version(
        session=session, plan=ref.plan, support=ref.support, version=ref.version
    )
    return parse_definition(row.document)


def _narrowed(definition: Definition, other: Definition) -> Definition:
    """A plan's definition as it applies, onto its baseline: the other file, or the shipped one
    (as written when neither is its baseline). Without this a plan's version would read as
    removing every criterion, step and price it inherits."""
    if definition.extends is None:
        return definition
    if other.ref == definition.extends:
        return effective(other, definition)
    shipped = load_library([_settings().definitions_dir]).definitions.get(definition.extends)
    return definition if shipped is None else effective(shipped, definition)


def _from_file(path: Path) -> Definition:
    source = load_files([path], root=_settings().definitions_dir)[0]
    if source.definition is None:
        first = source.validated.problems[0]
        raise fail(f"{first.render(str(path))} (run `lieu definitions validate {path}`)", 1)
    return source.definition


@definitions_app.command()
def diff(
    old: str = typer.Argument(..., help="A definition file, or a stored version plan/support/vN."),
    new: str = typer.Argument(..., help="The newer file or stored version."),
) -> None:
    """Say in plain words what changed between two versions (a plan's as it applies: narrowed
    onto its baseline)."""
    if Path(old).is_file() and Path(new).is_file():
        first, second = _from_file(Path(old)), _from_file(Path(new))
        before, after = _narrowed(first, second), _narrowed(second, first)
    else:
        files = {text: _from_file(Path(text)) for text in (old, new) if Path(text).is_file()}

        async def in_force(session: AsyncSession, text: str) -> Definition:
            written = files[text] if text in files else await _stored(session, text)
            return await with_baseline(session=session, definition=written) or written

        async def both(session: AsyncSession) -> tuple[Definition, Definition]:
            return await in_force(session, old), await in_force(session, new)

        before, after = with_session(both)
    for line in diff_definitions(before, after):
        typer.echo(line)


def _show(loaded: Loaded) -> None:
    typer.echo(f"{loaded.action.value}: {loaded.ref} (sha256 {loaded.content_hash[:12]})")


@definitions_app.command()
def publish(
    path: Annotated[Path, typer.Argument(help="A definition file, or a directory of them.")],
    actor: str = typer.Option("cli", help="Who is publishing (recorded in the history)."),
) -> None:
    """Validate and publish; unchanged versions are left alone, changed ones refused."""
    if not path.exists():
        raise fail(f"{path} does not exist; give a definition file or directory")
    if path.is_dir():
        results = with_session(
            lambda session: load_directory(session=session, root=path, actor=actor), write=True
        )
    else:
        document, problems = read_json(path)
        if problems or not isinstance(document, dict):
            raise fail(f"{path}: {problems[0].message if problems else 'not a JSON object'}", 1)
        results = [
            with_session(
                lambda s: publish_document(session=s, document=document, actor=actor), write=True
            )
        ]
    for loaded in results:
        _show(loaded)


@definitions_app.command(name="list")
def list_(
    plan: str | None = typer.Option(None, help="Only this plan."),
    support: str | None = typer.Option(None, help="Only this support."),
) -> None:
    """List stored versions: plan, support, version, status, effective date, hash, title."""

    async def rows(session: AsyncSession) -> list[tuple[Any, ...]]:
        found = await list_versions(session=session, plan=plan, support=support)
        return [
            (
                r.plan,
                r.support,
                r.version,
                r.status.value,
                r.effective_from,
                (r.content_hash or "")[:12],
                r.title,
            )
            for r in found
        ]

    found = with_session(rows)
    if not found:
        typer.echo("no definitions stored; publish some with `lieu definitions publish PATH`")
    for row in found:
        typer.echo("  ".join(str(cell) for cell in row))


def _member(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        facts = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        raise fail(f"cannot read member facts from {path}: {error}".splitlines()[0]) from None
    problems = member_problems(facts)
    if problems:
        raise fail(f"{path}: {problems[0]} (member facts must match member-facts.schema.json)")
    assert isinstance(facts, dict)
    return facts


@eligibility_app.command()
def check(
    member: Annotated[Path, typer.Option(help="Member facts, JSON or YAML.")],
    support: Annotated[str, typer.Option(help="Support code, e.g. housing-deposits.")],
    plan: str = typer.Option(BASELINE_PLAN, help="Plan whose definition applies."),
    as_of: str = typer.Option("", help="Date of service YYYY-MM-DD (default today)."),
) -> None:
    """Is this member eligible, not eligible, or undetermined — and why."""
    if support not in SUPPORTS:
        raise fail(f"{support!r} is not a support code; use one of {', '.join(sorted(SUPPORTS))}")
    try:
        on = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise fail(f"--as-of {as_of!r} is not a date; write YYYY-MM-DD") from None
    facts = _member(member)

    async def lookup(session: AsyncSession) -> Definition | None:
        found = await effective_in_force(session=session, plan=plan, support=support, on=on)
        if found is None and plan != BASELINE_PLAN:
            found = await effective_in_force(
                session=session, plan=BASELINE_PLAN, support=support, on=on
            )
        return found

    definition = with_session(lookup)
    if definition is None:
        raise fail(
            f"no published definition of {support_name(support)} is in force on {on}; "
            "publish one with `lieu definitions publish`",
            1,
        )
    assessment = assess_member(definition, facts, on)
    typer.echo(f"{assessment.outcome.value}: {definition.title} ({definition.ref}) on {on}")
    for reason in assessment.reasons:
        typer.echo(f"  {MARKS[reason.status]} {reason.text}")
    if assessment.missing:
        typer.echo(f"  missing facts: {', '.join(assessment.missing)}")


__all__ = ["InvalidDefinition", "definitions_app", "eligibility_app"]
