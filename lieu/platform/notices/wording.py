"""A notice language's words that are data, not prose: its name, how it writes dates and times,
and the words for each reason code, notice kind and measure (`language.json` beside the
language's `notice.html`). A plan's file is laid over lieu's for the same language, key by key,
so it may change one reason's words and keep the rest."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from lieu.platform.notices.errors import HOW_TO, NoticeTemplateError
from lieu.platform.notices.facts import REASONS, NoticeKind

LANGUAGE_FILE = "language.json"
WORD_MAPS = ("reasons", "kinds", "measures", "supports", "channels", "statuses")
REQUIRED_WORDS = {"reasons": REASONS, "kinds": tuple(kind.value for kind in NoticeKind)}
# Each format's placeholders, with sample values to check a language file's format by.
FORMATS: dict[str, tuple[str, dict[str, object]]] = {
    "day": ("{month} {day}, {year}", {"day": 11, "month": "December", "year": 2026}),
    "time": (
        "{hour12}:{minute} {period}",
        {"hour12": 5, "hour24": 17, "minute": "30", "period": "PM"},
    ),
    "moment": (
        "{day} at {time} {zone}",
        {"day": "December 11, 2026", "time": "5:30 PM", "zone": "PST"},
    ),
}


@dataclass(frozen=True, slots=True)
class Wording:
    """How one language writes what the facts hold."""

    code: str
    name: str
    months: tuple[str, ...]
    formats: Mapping[str, str]
    am: str
    pm: str
    words: Mapping[str, Mapping[str, str]]  # reasons, kinds, measures, supports, …

    def day(self, value: date | None) -> str:
        """A date as the language writes it: `December 11, 2026`, `11 de diciembre de 2026`."""
        if value is None:
            return ""
        month = self.months[value.month - 1]
        return self.formats["day"].format(day=value.day, month=month, year=value.year)

    def time(self, value: datetime) -> str:
        """A time of day: `5:30 PM`, `5:30 p. m.`."""
        hour12 = value.hour % 12 or 12
        period = self.am if value.hour < 12 else self.pm
        return self.formats["time"].format(
            hour12=hour12, hour24=value.hour, minute=f"{value.minute:02d}", period=period
        )

    def moment(self, value: datetime | None, zone: ZoneInfo) -> str:
        """An instant in the notice's time zone: `December 11, 2026 at 5:30 PM PST`."""
        if value is None:
            return ""
        local = value.astimezone(zone)
        return self.formats["moment"].format(
            day=self.day(local.date()), time=self.time(local), zone=local.strftime("%Z")
        )

    def word(self, group: str, code: str) -> str:
        """The word for a code in a group (`measures`, `hours`), or the code itself."""
        return self.words.get(group, {}).get(code, code.replace("_", " "))


def read_language_file(path: Path) -> dict[str, Any]:
    """The JSON object of a language file (NoticeTemplateError when it cannot be read)."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise NoticeTemplateError(path, f"cannot read the file ({error})") from None
    except json.JSONDecodeError as error:
        raise NoticeTemplateError(
            path, f"line {error.lineno} column {error.colno}: {error.msg}; fix the JSON syntax"
        ) from None
    if not isinstance(loaded, dict):
        raise NoticeTemplateError(f"{path}#", "a language file is a JSON object; " + HOW_TO)
    return loaded


def layered(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`: its word maps key by key, everything else whole."""
    merged = dict(base)
    for key, value in over.items():
        if key in WORD_MAPS and isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def wording_of(code: str, document: Mapping[str, Any], where: Path) -> Wording:
    """The wording a (layered) language file gives, checked: every reason code and notice kind
    has words, twelve months, formats that use only their placeholders."""
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _problem(where, "/name", 'give the language\'s name in itself, e.g. "Español"')
    months = document.get("months")
    if (
        not isinstance(months, list)
        or len(months) != 12
        or not all(isinstance(m, str) and m for m in months)
    ):
        raise _problem(where, "/months", "give the twelve month names, January first")
    formats = document.get("formats", {})
    if not isinstance(formats, dict):
        raise _problem(where, "/formats", "give formats as an object of strings")
    checked = {
        key: _format(where, key, formats.get(key, default)) for key, (default, _) in FORMATS.items()
    }
    words: dict[str, Mapping[str, str]] = {}
    for group in WORD_MAPS:
        given = document.get(group, {})
        if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
            raise _problem(where, f"/{group}", "give an object of code: words")
        missing = [code for code in REQUIRED_WORDS.get(group, ()) if not given.get(code)]
        if missing:
            raise _problem(
                where, f"/{group}", f"no words for {', '.join(map(repr, missing))}; add them"
            )
        words[group] = MappingProxyType(dict(given))
    return Wording(
        code=code,
        name=name,
        months=tuple(months),
        formats=MappingProxyType(checked),
        am=str(document.get("am", "AM")),
        pm=str(document.get("pm", "PM")),
        words=MappingProxyType(words),
    )


def _format(where: Path, key: str, given: object) -> str:
    if not isinstance(given, str):
        raise _problem(where, f"/formats/{key}", "give the format as a string")
    try:
        given.format(**FORMATS[key][1])
    except (KeyError, IndexError, ValueError) as error:
        allowed = ", ".join("{" + name + "}" for name in FORMATS[key][1])
        raise _problem(
            where, f"/formats/{key}", f"{given!r} cannot be filled ({error}); use {allowed}"
        ) from None
    return given


def _problem(where: Path, pointer: str, message: str) -> NoticeTemplateError:
    return NoticeTemplateError(f"{where}#{pointer}", message)
