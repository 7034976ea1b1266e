"""Finding and rendering a plan's notice templates.

lieu ships `notice.html` and `language.json` for English and Spanish (`templates/<lang>/`) and
the page around them (`templates/page.html`). A plan's folder, `<definitions>/notices/<plan>/`,
may hold `plan.json`, a `page.html` of its own, and a folder per language: one lieu ships (its
files replace lieu's; its `language.json` is laid over lieu's) or one it adds (both files). A
plan's template may extend lieu's as `lieu/<lang>/notice.html` and replace only some blocks.

Templates and language files are read once per process: restart the worker after changing them
(`lieu notices check` renders every kind in every language first).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
)
from jinja2.runtime import Context

from lieu.platform.notices.errors import HOW_TO, NoticeTemplateError
from lieu.platform.notices.plans import LANGUAGE_TAG, PlanNotices, load_plan
from lieu.platform.notices.wording import (
    LANGUAGE_FILE,
    Wording,
    layered,
    read_language_file,
    wording_of,
)

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
NOTICE_TEMPLATE = "notice.html"


def shipped_languages() -> tuple[str, ...]:
    """The languages lieu ships notices in: English first, then the others by code."""
    found = sorted(p.parent.name for p in PACKAGE_TEMPLATES.glob(f"*/{NOTICE_TEMPLATE}"))
    return tuple(sorted(found, key=lambda code: (code != "en", code)))


class NoticeTemplates:
    """lieu's notice templates and the plans' under `root` (None: lieu's only)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.shipped = shipped_languages()
        self._plans: dict[str, PlanNotices] = {}
        self._wordings: dict[tuple[str, str], Wording] = {}
        self._environments: dict[tuple[str, str], Environment] = {}

    def folder(self, plan: str) -> Path:
        """Where a plan's notice files are (the folder need not exist)."""
        base = self.root if self.root is not None else PACKAGE_TEMPLATES / "no-plans"
        return base / plan

    def plan(self, plan: str) -> PlanNotices:
        """The plan's notice settings."""
        if plan not in self._plans:
            self._plans[plan] = load_plan(self.folder(plan), plan, self.shipped)
        return self._plans[plan]

    def wording(self, plan: str, language: str) -> Wording:
        """The plan's words for a language: lieu's `language.json` with the plan's laid over."""
        key = (plan, language)
        if key not in self._wordings:
            self._wordings[key] = self._load_wording(plan, language)
        return self._wordings[key]

    def render(self, plan: str, language: str, variables: Mapping[str, Any]) -> str:
        """The plan's `notice.html` in the language, rendered with `variables`."""
        environment = self._environment(plan, language)
        try:
            template = environment.get_template(NOTICE_TEMPLATE)
        except TemplateNotFound as missing:
            if missing.name != NOTICE_TEMPLATE:
                raise self._failure(plan, language, missing) from None
            where = self.folder(plan) / language / NOTICE_TEMPLATE
            raise NoticeTemplateError(
                where,
                f"plan {plan} sends notices in {language!r} but has no notice template for it; "
                f"write this file (it may extend lieu/en/notice.html); " + HOW_TO,
            ) from None
        except TemplateError as broken:
            raise self._failure(plan, language, broken) from None
        try:
            return template.render(variables)
        except TemplateError as broken:
            raise self._failure(plan, language, broken) from None

    def _load_wording(self, plan: str, language: str) -> Wording:
        if not LANGUAGE_TAG.fullmatch(language):
            raise NoticeTemplateError(
                self.folder(plan), f"{language!r} is not a language tag such as 'es' or 'vi'"
            )
        shipped = PACKAGE_TEMPLATES / language / LANGUAGE_FILE
        own = self.folder(plan) / language / LANGUAGE_FILE
        if not shipped.is_file() and not own.is_file():
            raise NoticeTemplateError(
                own,
                f"plan {plan} sends notices in {language!r}, which lieu does not ship: write "
                f"this file with the language's words (copy lieu's {PACKAGE_TEMPLATES / 'es'}"
                f"/{LANGUAGE_FILE} and translate it); " + HOW_TO,
            )
        document: dict[str, Any] = read_language_file(shipped) if shipped.is_file() else {}
        if own.is_file():
            document = layered(document, read_language_file(own))
        return wording_of(language, document, own if own.is_file() else shipped)

    def _environment(self, plan: str, language: str) -> Environment:
        key = (plan, language)
        if key not in self._environments:
            self._environments[key] = self._build(plan, language)
        return self._environments[key]

    def _build(self, plan: str, language: str) -> Environment:
        folder = self.folder(plan)
        loaders: list[BaseLoader] = [
            FileSystemLoader(path)
            for path in (folder / language, folder, PACKAGE_TEMPLATES / language)
            if path.is_dir()
        ]
        # lieu's own templates under `lieu/`, for a plan's template to extend or include.
        loaders.append(FileSystemLoader(PACKAGE_TEMPLATES))
        loaders.append(PrefixLoader({"lieu": FileSystemLoader(PACKAGE_TEMPLATES)}))
        environment = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        wording = self.wording(plan, language)

        @pass_context
        def moment(context: Context, value: Any) -> str:
            return wording.moment(value, context["zone"])

        environment.filters.update(
            day=wording.day,
            moment=moment,
            reason_words=lambda code: wording.word("reasons", code),
            kind_words=lambda code: wording.word("kinds", code),
            measure_words=lambda code: wording.word("measures", code),
        )
        return environment

    def _failure(self, plan: str, language: str, error: TemplateError) -> NoticeTemplateError:
        """Where in which template the error is, and what it is."""
        if isinstance(error, TemplateSyntaxError):
            where = f"{error.filename or error.name}:{error.lineno}"
            return NoticeTemplateError(where, f"{error.message}; fix the template; " + HOW_TO)
        where = _template_line(sys.exc_info()[2]) or str(self.folder(plan) / language)
        message = error.message or type(error).__name__
        if isinstance(error, TemplateNotFound):
            message = f"it includes or extends {error.name!r}, which is not there"
        elif isinstance(error, UndefinedError):
            message += " (a notice template may use only the variables docs/notices.md lists)"
        return NoticeTemplateError(where, f"{message}; " + HOW_TO)


def _template_line(trace: TracebackType | None) -> str:
    """`file:line` of the innermost template frame of a traceback (Jinja keeps them)."""
    found = ""
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            found = f"{filename}:{trace.tb_lineno}"
        trace = trace.tb_next
    return found
