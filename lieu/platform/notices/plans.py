"""A plan's notice settings (`benefit_definitions/notices/<plan>/plan.json`): its name and how a
member reaches it, the languages it sends notices in, the copies it keeps, and a font for
scripts lieu's PDF font does not cover.

Which languages a notice is issued in: the member's preferred language when the plan sends
notices in it (`es-MX` is `es` when there is no `es-mx`), else the plan's first language; and
also in each of `also_in` (default English) that differs. A plan wants the English copy: the
provider (a notice goes to the member and the provider), the plan's reviewers, an appeal's
reviewer and a State Fair Hearing read what the member was told in the words it was told, and
the plan files one record it can read. Each copy is a notice of its own, with its own delivery.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lieu.platform.notices.errors import HOW_TO, NoticeTemplateError
from lieu.platform.notices.wording import read_language_file

PLAN_FILE = "plan.json"
# A language is a folder: a BCP 47 tag in lowercase (`en`, `es`, `vi`, `zh-hant`).
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
FONT_STYLES = {"regular": "", "bold": "B", "italic": "I", "bold_italic": "BI"}
CONTACT_FIELDS = ("phone", "tty", "hours", "website", "email")


@dataclass(frozen=True, slots=True)
class PlanNotices:
    """What a plan's notices say about the plan, and in which languages they go out."""

    plan: str
    name: str
    languages: tuple[str, ...]
    also_in: tuple[str, ...] = ("en",)
    contact: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    address: tuple[str, ...] = ()
    fonts: Mapping[str, Path] = field(default_factory=lambda: MappingProxyType({}))

    def language_of(self, preferred: str | None) -> str:
        """The plan's language for a member who prefers `preferred` (else its first)."""
        tag = (preferred or "").strip().lower().replace("_", "-")
        while tag:
            if tag in self.languages:
                return tag
            tag = tag.rpartition("-")[0]
        return self.languages[0]

    def languages_for(self, preferred: str | None) -> tuple[str, ...]:
        """The member's language first, then the copies the plan keeps in other languages."""
        first = self.language_of(preferred)
        return (first, *(code for code in self.also_in if code != first))


def language_folders(folder: Path) -> list[str]:
    """The languages a plan's notices folder adds or overrides (its sub-folders)."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and LANGUAGE_TAG.fullmatch(p.name))


def load_plan(folder: Path, plan: str, shipped: tuple[str, ...]) -> PlanNotices:
    """The plan's settings from `folder/plan.json`, or what a plan without one gets: its code
    as its name, and lieu's languages followed by those the folder adds."""
    added = [code for code in language_folders(folder) if code not in shipped]
    path = folder / PLAN_FILE
    if not path.is_file():
        return PlanNotices(plan=plan, name=plan, languages=(*shipped, *added))
    document = read_language_file(path)
    available = (*shipped, *added)
    languages = _languages(
        path, "/languages", document.get("languages", list(available)), available
    )
    also_in = _languages(path, "/also_in", document.get("also_in", ["en"]), languages)
    name = document.get("name", plan)
    if not isinstance(name, str) or not name.strip():
        raise NoticeTemplateError(f"{path}#/name", "give the plan's name as members know it")
    return PlanNotices(
        plan=plan,
        name=name,
        languages=languages,
        also_in=also_in,
        contact=MappingProxyType(_contact(path, document)),
        address=_strings(path, "/address", document.get("address", [])),
        fonts=MappingProxyType(_fonts(path, folder, document.get("pdf_font", {}))),
    )


def _languages(
    path: Path, pointer: str, given: object, allowed: tuple[str, ...]
) -> tuple[str, ...]:
    codes = _strings(path, pointer, given)
    if not codes and pointer == "/languages":
        raise NoticeTemplateError(f"{path}#{pointer}", 'name at least one language, e.g. ["en"]')
    for index, code in enumerate(codes):
        if code not in allowed:
            where = "the plan's languages" if pointer == "/also_in" else "lieu's or this folder's"
            raise NoticeTemplateError(
                f"{path}#{pointer}/{index}",
                f"{code!r} is not one of {where} ({', '.join(allowed)}); add a folder "
                f"{path.parent / code}/ with language.json and notice.html, or remove it; "
                + HOW_TO,
            )
    return codes


def _strings(path: Path, pointer: str, given: object) -> tuple[str, ...]:
    if not isinstance(given, list) or not all(isinstance(item, str) for item in given):
        raise NoticeTemplateError(f"{path}#{pointer}", "give a list of strings")
    return tuple(given)


def _contact(path: Path, document: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    for key in CONTACT_FIELDS:
        value = document.get(key, "")
        if not isinstance(value, str):
            raise NoticeTemplateError(f"{path}#/{key}", "give it as a string")
        found[key] = value
    return found


def _fonts(path: Path, folder: Path, given: object) -> dict[str, Path]:
    if not isinstance(given, dict):
        raise NoticeTemplateError(f"{path}#/pdf_font", 'give {"regular": "fonts/X.ttf", …}')
    fonts = {}
    for key, relative in given.items():
        if key not in FONT_STYLES or not isinstance(relative, str):
            raise NoticeTemplateError(
                f"{path}#/pdf_font/{key}",
                f"name a TTF file for one of {', '.join(FONT_STYLES)}, relative to {folder}",
            )
        file = (folder / relative).resolve()
        if not file.is_relative_to(folder.resolve()) or not file.is_file():
            raise NoticeTemplateError(
                f"{path}#/pdf_font/{key}", f"{relative!r} is not a file in {folder}"
            )
        fonts[FONT_STYLES[key]] = file
    if fonts and "" not in fonts:
        raise NoticeTemplateError(f"{path}#/pdf_font", "a font needs at least its `regular` file")
    return fonts
