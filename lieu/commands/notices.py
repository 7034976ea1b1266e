"""`lieu notices check|render|screenshot`: check a plan's notice templates, preview a notice,
and make the README's picture of one. None of them needs a database."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Annotated

import typer

from lieu.commands.errors import CommandError
from lieu.platform.notices.checking import plans_with_templates, template_problems
from lieu.platform.notices.errors import NoticeTemplateError
from lieu.platform.notices.facts import NoticeKind
from lieu.platform.notices.rendering import Rendered, render_notice
from lieu.platform.notices.samples import sample
from lieu.platform.notices.templates import NoticeTemplates
from lieu.settings import Settings
from lieu.workflows.registry import NOTICES_FOLDER

notices_app = typer.Typer(
    name="notices",
    help="Check a plan's notice templates, preview a notice, picture one for the README.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
Folder = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="The notices folder (default: LIEU_DEFINITIONS_DIR's notices/, one folder per plan).",
    ),
]
Plan = Annotated[str, typer.Option("--plan", help="The plan whose templates to use.")]
Kind = Annotated[NoticeKind, typer.Option("--kind", help="The kind of notice.")]
Language = Annotated[str, typer.Option("--language", help="A language tag: en, es, vi…")]


def _templates(folder: Path | None) -> NoticeTemplates:
    root = folder if folder is not None else Settings.from_env().definitions_dir / NOTICES_FOLDER
    return NoticeTemplates(root)


@notices_app.command()
def check(
    plans: Annotated[list[str] | None, typer.Argument(help="Plans (default: every plan).")] = None,
    folder: Folder = None,
) -> None:
    """Render every kind of notice in every language of each plan; each problem on one line."""
    templates = _templates(folder)
    chosen = plans or plans_with_templates(templates)
    problems = [line for plan in chosen for line in template_problems(templates, plan)]
    for line in problems:
        typer.echo(line)
    if problems:
        raise CommandError(
            f"{len(problems)} problem(s) in the notice templates of {', '.join(chosen)}"
        )
    kinds = len(NoticeKind)
    for plan in chosen:
        languages = templates.plan(plan).languages
        typer.echo(f"{plan}: {kinds} kinds of notice render in {', '.join(languages)}")


def _render(templates: NoticeTemplates, plan: str, kind: NoticeKind, language: str) -> Rendered:
    try:
        return render_notice(templates, sample(kind, plan), language)
    except NoticeTemplateError as broken:
        raise CommandError(str(broken)) from None


@notices_app.command()
def render(
    output: Annotated[Path, typer.Argument(help="Where to write it: a .html or .pdf file.")],
    plan: Plan = "demo-plan",
    kind: Kind = NoticeKind.DENIAL,
    language: Language = "en",
    folder: Folder = None,
) -> None:
    """Render a sample notice to an HTML or PDF file, to see what members get."""
    if output.suffix not in (".html", ".pdf"):
        raise typer.BadParameter(f"{output} must end in .html or .pdf", param_hint="OUTPUT")
    rendered = _render(_templates(folder), plan, kind, language)
    if output.suffix == ".html":
        output.write_text(rendered.html, encoding="utf-8")
    else:
        output.write_bytes(rendered.pdf)
    typer.echo(f"wrote {output} ({rendered.title}, {language})")


@notices_app.command()
def screenshot(
    output: Annotated[Path, typer.Option("--output", help="The PNG to write.")] = Path(
        "docs/images/notice-denial.png"
    ),
    plan: Plan = "demo-plan",
    kind: Kind = NoticeKind.DENIAL,
    language: Language = "en",
    folder: Folder = None,
) -> None:
    """Picture a sample notice's HTML in Chromium (the README's image; needs the dev extras and
    Debian's chromium, which `make system-deps` installs)."""
    chromium = shutil.which("chromium") or CHROMIUM
    if not Path(chromium).is_file():
        raise CommandError("Debian's chromium is not installed; `make system-deps` installs it")
    rendered = _render(_templates(folder), plan, kind, language)
    output.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(_picture(chromium, rendered.html, output))
    typer.echo(f"wrote {output} ({rendered.title}, {language})")


async def _picture(chromium: str, html: str, output: Path) -> None:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        raise CommandError(
            "the screenshot needs Playwright: install lieu's dev extras (make install)"
        ) from None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 900, "height": 1000})
            await page.set_content(html, wait_until="load")
            await page.screenshot(path=str(output), full_page=True)
        finally:
            await browser.close()
