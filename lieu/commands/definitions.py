"""`lieu definitions validate|diff|publish|list|test` and `lieu eligibility check`."""

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

from lieu.commands.definition_cases import test_cases
from lieu.commands.errors import database_unreachable
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.db.migrate import upgrade
from lieu.platform.definitions.diff import DifferentSupports, diff_definitions
from lieu.platform.definitions.directory import Loaded, load_directory, publish_document
from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.eligibility import assess_member, fact_wording
from lieu.platform.definitions.errors import DefinitionError, InvalidDefinition
from lieu.platform.definitions.inheritance import effective
from lieu.platform.definitions.library import load_library
from lieu.platform.definitions.loading import load_files, read_json
from lieu.platform.definitions.problems import Problem, Severity, errors
from lieu.platform.definitions.supports import BASELINE_PLAN, SUPPORTS, support_name
from lieu.platform.definitions.versions import (
    effective_in_force,
    effective_version,
    list_versions,
    unfinished_draft,
    with_baseline,
)
from lieu.platform.elections.answers import eligibility_answer, offered_to
from lieu.platform.members.facts import member_problems
from lieu.platform.rules.reasons import Status
from lieu.platform.rules.wording import label_of
from lieu.settings import Settings, SettingsError

definitions_app = typer.Typer(
    name="definitions",
    help="Validate, diff, publish, list and test benefit definitions.",
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
    except InvalidDefinition:
        raise  # the command shows its problems, one per line
    except DefinitionError as error:
        raise fail(str(error), 1) from None
    except DATABASE_FAILURES as failure:
        raise fail(str(database_unreachable(settings.database_url, failure))) from None


definitions_app.command("test")(test_cases)


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
    if not sources:
        ignored = sorted(str(p) for d in paths if d.is_dir() for p in d.rglob("*.json"))[:3]
        hint = f" (found {', '.join(ignored)}, not laid out so)" if ignored else ""
        raise fail(
            f"no definition file under {', '.join(map(str, paths))}{hint}: a directory holds "
            "definitions as <plan>/<support>/v<N>.json; give the file itself to check one",
            1,
        )
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
    return await effective_version(
        session=session,
        plan=match["plan"],
        support=match["support"],
        version=int(match["version"]),
    )


def _from_file(path: Path) -> Definition:
    source = load_files([path], root=_settings().definitions_dir)[0]
    if source.definition is None:
        first = source.validated.problems[0]
        raise fail(f"{first.render(str(path))} (run `lieu definitions validate {path}`)", 1)
    return source.definition


def _inherited(definitions: dict[str, Definition]) -> dict[str, Definition | None]:
    """Each file's effective definition, its baseline read from the definitions directory (None
    when the baseline is not there)."""
    if all(d.extends is None for d in definitions.values()):
        return dict(definitions)
    shipped = load_library([_settings().definitions_dir]).definitions
    merged: dict[str, Definition | None] = {}
    for text, definition in definitions.items():
        if definition.extends is None:
            merged[text] = definition
        elif (baseline := shipped.get(definition.extends)) is not None:
            merged[text] = effective(baseline, definition)
        else:
            merged[text] = None
    return merged


def _no_baseline(path: Path, definition: Definition, where: str) -> str:
    return (
        f"{path} extends {definition.extends}, which is not {where}, so what it inherits is "
        "unknown; give the baseline's file there, or publish it"
    )


@definitions_app.command()
def diff(
    old: str = typer.Argument(..., help="A definition file, or a stored version plan/support/vN."),
    new: str = typer.Argument(..., help="The newer file or stored version."),
) -> None:
    """Say in plain words what changed between two versions, as in force.

    A plan's version is compared as in force: merged over the baseline it extends, so what it
    inherits is not read as removed. Versions of two plans can be compared, e.g. a baseline
    with a plan's version extending it.
    """
    files = {text: Path(text) for text in (old, new) if Path(text).is_file()}
    read = {text: _from_file(path) for text, path in files.items()}
    merged = _inherited(read)
    if old in files and new in files:
        missing = next((text for text, d in merged.items() if d is None), None)
        if missing is not None:
            where = f"under {_settings().definitions_dir}"
            raise fail(_no_baseline(files[missing], read[missing], where), 1)
        before, after = merged[old], merged[new]
    else:

        async def effective_of(session: AsyncSession, text: str) -> Definition:
            if text not in files:
                return await _stored(session, text)
            found = merged[text] or await with_baseline(session=session, definition=read[text])
            if found is None:
                where = f"under {_settings().definitions_dir} nor published"
                raise DefinitionError(_no_baseline(files[text], read[text], where))
            return found

        async def both(session: AsyncSession) -> tuple[Definition, Definition]:
            return await effective_of(session, old), await effective_of(session, new)

        before, after = with_session(both)
    assert before is not None and after is not None
    try:
        lines = diff_definitions(before, after)
    except DifferentSupports as different:
        raise fail(str(different), 1) from None
    for line in lines:
        typer.echo(line)


def _show(loaded: Loaded) -> None:
    typer.echo(f"{loaded.action.value}: {loaded.ref} (sha256 {loaded.content_hash[:12]})")


def _problem_lines(problems: tuple[Problem, ...], sources: tuple[str, ...], path: Path) -> None:
    for index, problem in enumerate(problems):
        typer.echo(problem.render(sources[index] if index < len(sources) else str(path)))


@definitions_app.command()
def publish(
    path: Annotated[Path, typer.Argument(help="A definition file, or a directory of them.")],
    actor: str = typer.Option("cli", help="Who is publishing (recorded in the history)."),
) -> None:
    """Validate and publish; unchanged versions are left alone, changed ones refused.

    A file whose status is 'draft' is saved as a draft; one with problems is saved too, its
    problems listed, and the command exits 1: it cannot be simulated or published until they
    are fixed.
    """
    if not path.exists():
        raise fail(f"{path} does not exist; give a definition file or directory")
    try:
        results = _publish(path, actor)
    except InvalidDefinition as invalid:
        _problem_lines(invalid.problems, invalid.sources, path)
        count = len(errors(invalid.problems))
        raise fail(
            f"nothing was stored: {count} problem{'s' * (count != 1)} (listed above); "
            f"fix them and publish again",
            1,
        ) from None
    unfinished = []
    for loaded in results:
        _show(loaded)
        if errors(loaded.problems):
            _problem_lines(loaded.problems, (), path)
            unfinished.append(loaded)
    if unfinished:
        raise fail("; ".join(unfinished_draft(d.ref, d.problems) for d in unfinished), 1)


def _publish(path: Path, actor: str) -> list[Loaded]:
    if path.is_dir():
        return with_session(
            lambda session: load_directory(session=session, root=path, actor=actor), write=True
        )
    document, problems = read_json(path)
    if problems or not isinstance(document, dict):
        raise fail(f"{path}: {problems[0].message if problems else 'not a JSON object'}", 1)
    return [
        with_session(
            lambda s: publish_document(session=s, document=document, actor=actor), write=True
        )
    ]


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
    """Eligible, not offered in the member's county, not eligible, or undetermined — and why.

    With --plan, the plan's elections say whether it offers the support in the member's county;
    the DHCS baseline alone offers nothing, so with the default plan that is not asked.
    """
    if support not in SUPPORTS:
        raise fail(f"{support!r} is not a support code; use one of {', '.join(sorted(SUPPORTS))}")
    try:
        on = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise fail(f"--as-of {as_of!r} is not a date; write YYYY-MM-DD") from None
    facts = _member(member)

    async def lookup(session: AsyncSession) -> tuple[Definition, bool | None] | None:
        found = await effective_in_force(session=session, plan=plan, support=support, on=on)
        if found is None and plan != BASELINE_PLAN:
            found = await effective_in_force(
                session=session, plan=BASELINE_PLAN, support=support, on=on
            )
        if found is None:
            return None
        offered = await offered_to(session=session, plan=plan, support=support, facts=facts, on=on)
        return found, offered

    looked_up = with_session(lookup)
    if looked_up is None:
        raise fail(
            f"no published definition of {support_name(support)} is in force on {on}; "
            "publish one with `lieu definitions publish`",
            1,
        )
    definition, offered = looked_up
    found = eligibility_answer(
        assess_member(definition, facts, on),
        plan=plan,
        definition=definition,
        on=on,
        county=facts.get("county"),
        offered=offered,
    )
    typer.echo(f"{found.answer.value}: {definition.title} ({definition.ref}) on {on}")
    typer.echo(f"  {found.summary}")
    for reason in found.assessment.reasons:
        typer.echo(f"  {MARKS[reason.status]} {reason.text}")
    if found.missing:
        words = fact_wording()
        named = [f"{label_of(path, words)} ({path})" for path in found.missing]
        typer.echo(f"  missing facts that could change it: {', '.join(named)}")


__all__ = ["InvalidDefinition", "definitions_app", "eligibility_app"]
