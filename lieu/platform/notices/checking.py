"""Checking a plan's notice templates before a member gets one: every kind rendered in every
language the plan sends notices in, from sample facts, as HTML and PDF."""

from __future__ import annotations

from lieu.platform.notices.errors import NoticeTemplateError
from lieu.platform.notices.facts import NoticeKind
from lieu.platform.notices.plans import PLAN_FILE, language_folders
from lieu.platform.notices.rendering import render_notice
from lieu.platform.notices.samples import sample
from lieu.platform.notices.templates import NoticeTemplates


def plans_with_templates(templates: NoticeTemplates) -> list[str]:
    """The plans that have a notices folder (plan.json or language folders)."""
    root = templates.root
    if root is None or not root.is_dir():
        return []
    return sorted(
        folder.name
        for folder in root.iterdir()
        if folder.is_dir() and ((folder / PLAN_FILE).is_file() or language_folders(folder))
    )


def template_problems(templates: NoticeTemplates, plan: str) -> list[str]:
    """Every problem of the plan's notices, one line each naming the file; none when each kind
    renders in each of its languages."""
    try:
        languages = templates.plan(plan).languages
    except NoticeTemplateError as broken:
        return [str(broken)]
    found: list[str] = []
    for language in languages:
        for kind in NoticeKind:
            try:
                render_notice(templates, sample(kind, plan), language)
            except NoticeTemplateError as broken:
                line = f"{broken} (rendering a {kind.value} notice in {language!r})"
                if not any(str(broken) in seen for seen in found):
                    found.append(line)
    return found
