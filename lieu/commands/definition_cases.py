"""`lieu definitions test [PATH]`: run definitions' plain-language cases, as pytest does."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lieu.platform.definitions.cases import Case, CaseFileError, load_cases, run_case
from lieu.platform.definitions.library import load_library
from lieu.settings import Settings, SettingsError

SCHEMA_FILE = Path("schema") / "definition.schema.json"


def _usage(message: str) -> typer.Exit:
    typer.echo(f"lieu: error: {message}", err=True)
    return typer.Exit(2)


def definitions_root(path: Path, default: Path) -> Path:
    """The definitions tree holding `path` (the folder with schema/), else the configured one."""
    here = path.resolve()
    for folder in (here, *here.parents):
        if (folder / SCHEMA_FILE).is_file():
            return folder
    return default


def files_under(path: Path) -> list[Path]:
    """The case files a PATH names: the file itself, or every `cases/*.yaml` beneath a folder."""
    if path.is_file():
        return [path]
    if (path / "cases").is_dir():  # one support's folder
        return sorted((path / "cases").glob("*.yaml"))
    return sorted(p for p in path.rglob("*.yaml") if p.parent.name == "cases")


def test_cases(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A definitions tree, one support's folder, or one case file "
            "(default: the project's definitions, LIEU_DEFINITIONS_DIR)."
        ),
    ] = None,
) -> None:
    """Run every case (member, dates → outcome, reasons, balances); print PASS or FAIL per case
    with what differs; exit 1 when any case fails or a case file cannot be read."""
    try:
        configured = Settings.from_env().definitions_dir
    except SettingsError as error:
        raise _usage(str(error)) from None
    target = configured if path is None else path
    if not target.exists():
        raise _usage(f"{target} does not exist; give a definitions folder or a cases/*.yaml file")
    files = files_under(target)
    if not files:
        raise _usage(f"no cases/*.yaml under {target}; cases live in <plan>/<support>/cases/")
    root = definitions_root(target, configured)
    library = load_library([root])
    passed = failed = 0
    for file in files:
        try:
            cases = load_cases(file, root / "members")
        except CaseFileError as error:
            typer.echo(f"FAIL {error}")
            failed += 1
            continue
        for case in cases:
            ok = _report(case, run_case(case, library).mismatches)
            passed, failed = passed + ok, failed + (not ok)
    typer.echo(f"{passed + failed} case(s): {passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


def _report(case: Case, mismatches: tuple[str, ...]) -> bool:
    if not mismatches:
        typer.echo(f"PASS {case.id}")
        return True
    typer.echo(f"FAIL {case.id} ({case.source}, {case.as_of})")
    for mismatch in mismatches:
        typer.echo(f"     {mismatch}")
    return False
