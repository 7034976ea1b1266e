"""`lieu bench NAME [ARGS…]`: run a benchmark of the repository's `benchmarks/` folder.

A benchmark is a module `benchmarks/<name>.py` defining `run(argv) -> str` (returns a markdown
table, progress on stderr) or `main(argv) -> int` (prints its own table, returns an exit status).
Benchmarks live outside the package, so they are found on disk and imported by file path.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

import lieu
from lieu.commands.errors import CommandError

BENCHMARKS = Path(lieu.__file__).resolve().parent.parent / "benchmarks"
ENTRY_POINTS = frozenset({"run", "main"})


def available(folder: Path = BENCHMARKS) -> list[str]:
    """Names of the modules in ``folder`` that define a top-level ``run`` or ``main``."""
    names = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        if path.name.startswith("_"):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (OSError, SyntaxError, ValueError):
            continue
        defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if defined & ENTRY_POINTS:
            names.append(path.stem)
    return names


def _load(name: str, folder: Path) -> ModuleType:
    path = folder / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"lieu_benchmarks.{name}", path)
    if spec is None or spec.loader is None:
        raise CommandError(f"cannot load the benchmark {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look the module up by name
    # a benchmark may import its siblings (`from benchmarks.bare_workflow import …`) whatever
    # the working directory `lieu` runs from
    root = str(folder.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    spec.loader.exec_module(module)
    return module


def _takes_argv(function: object) -> bool:
    """Whether ``function`` can be called with one positional argument (the argv list)."""
    try:
        signature = inspect.signature(function)  # type: ignore[arg-type]
        signature.bind([])
    except (TypeError, ValueError):
        return False
    return True


def run_benchmark(name: str, argv: list[str], folder: Path = BENCHMARKS) -> int:
    """Run one benchmark with its arguments, print its table, and return its exit status."""
    module = _load(name, folder)
    runner, main = getattr(module, "run", None), getattr(module, "main", None)
    try:
        if callable(runner) and _takes_argv(runner):
            table = runner(argv)
            typer.echo(table if isinstance(table, str) else str(table))
            return 0
        if callable(main):
            status = main(argv)
            return status if isinstance(status, int) else 0
    except SystemExit as done:  # argparse's --help and usage errors
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    raise CommandError(f"benchmark {name!r} has neither run(argv) nor main(argv)")


def bench(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Benchmark to run, or 'all'.")],
) -> None:
    """Run a benchmark from benchmarks/ (e.g. `lieu bench eligibility --quick`), or all of them.

    Arguments after NAME go to the benchmark (`lieu bench eligibility --help` lists them);
    `all` runs every benchmark with its defaults.
    """
    names = available()
    if name == "all":
        if ctx.args:
            raise typer.BadParameter(
                "`lieu bench all` takes no arguments; run one benchmark to pass any",
                param_hint="NAME",
            )
        statuses = []
        for each in names:
            typer.echo(f"## {each}", err=True)
            statuses.append(run_benchmark(each, []))
        raise typer.Exit(max(statuses, default=0))
    if name not in names:
        listed = ", ".join(names) or f"none (no benchmark modules in {BENCHMARKS})"
        raise typer.BadParameter(
            f"no benchmark named {name!r}; available: {listed}, or all", param_hint="NAME"
        )
    raise typer.Exit(run_benchmark(name, list(ctx.args)))
