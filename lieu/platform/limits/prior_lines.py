"""Reading records of prior use from CSV or JSON Lines: each field checked, each problem located.

A record is service a member had outside lieu (before go-live, or with another plan) that must
count against lieu's caps. This module only reads and checks the shape of each record; which
limits it counts against, and whether the member and support exist, is decided against the
database by `lieu.platform.access.prior_use`. Lines are read one at a time, so a file of any size
is checked in constant memory here.
"""

from __future__ import annotations

import csv
import enum
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lieu.platform.limits.spec import Measure

CIN = re.compile(r"^[0-9A-Za-z]{6,16}$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
MAX_AMOUNT_DIGITS = 12  # before the point: far above any limit, and `quantize` stays exact
UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")  # NUL, an unpaired surrogate
MAX_SOURCE = 64
MAX_RECORD_ID = 100
MAX_NOTE = 2000

FIELDS = (
    "cin",
    "support",
    "limit",
    "amount",
    "measure",
    "service_start",
    "service_end",
    "source",
    "source_record_id",
    "note",
)
ALIASES = {"service_date": "service_start", "limit_id": "limit", "counter": "limit"}
REQUIRED = ("cin", "amount", "service_start", "source_record_id")


class Format(enum.StrEnum):
    """The two file formats an import reads."""

    CSV = "csv"
    JSONL = "jsonl"


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one record: its line, the field, and a message saying how to fix it."""

    line: int
    field: str
    message: str

    def render(self, source: str = "") -> str:
        """`prior.csv:3 amount: …` (the CLI's line per problem)."""
        where = f"{source}:{self.line}" if source else f"line {self.line}"
        return f"{where} {self.field or '(record)'}: {self.message}"


@dataclass(frozen=True, slots=True)
class PriorLine:
    """One record as read: `support` or `limit` (or both) names what it counts against."""

    line: int
    cin: str
    support: str | None
    limit: str | None
    amount: Decimal
    measure: Measure | None
    start: date
    end: date
    source: str
    record_id: str
    note: str | None

    @property
    def key(self) -> tuple[str, str]:
        """What makes a record the same record again: its source system and its id there."""
        return (self.source, self.record_id)

    def fingerprint(self) -> str:
        """A digest of the content (not the key): a re-run with other content is a conflict."""
        content = {
            "cin": self.cin,
            "support": self.support,
            "limit": self.limit,
            "amount": str(self.amount),
            "measure": None if self.measure is None else self.measure.value,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "note": self.note,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def read_lines(
    lines: Iterable[str], fmt: Format, *, default_source: str | None = None
) -> Iterator[PriorLine | list[Problem]]:
    """Each record in turn, or the problems that keep it from being one (blank lines skipped)."""
    raw = _csv_records(lines) if fmt is Format.CSV else _jsonl_records(lines)
    for number, fields in raw:
        if isinstance(fields, Problem):
            yield [fields]
            continue
        yield _record(number, fields, default_source)


def _csv_records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | Problem]]:
    reader = csv.reader(iter(lines))
    header: list[str] | None = None
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [ALIASES.get(name.strip().lower(), name.strip().lower()) for name in row]
            unknown = [name for name in header if name not in FIELDS]
            if unknown:
                yield (
                    number,
                    Problem(
                        number,
                        unknown[0],
                        f"unknown column(s) {', '.join(unknown)}; the columns are "
                        f"{', '.join(FIELDS)} (the first line of a CSV file names them)",
                    ),
                )
                return
            missing = [name for name in REQUIRED if name not in header]
            if missing:
                yield (
                    number,
                    Problem(
                        number, missing[0], f"no column {', '.join(missing)}; add it to the header"
                    ),
                )
                return
            continue
        if len(row) != len(header):
            yield (
                number,
                Problem(
                    number,
                    "",
                    f"{len(row)} cells where the header names {len(header)} columns; quote a value "
                    "that holds a comma",
                ),
            )
            continue
        yield number, {name: cell for name, cell in zip(header, row, strict=True) if cell != ""}
    if header is None:
        yield (
            1,
            Problem(
                1, "", f"the file is empty; the first line names the columns ({', '.join(FIELDS)})"
            ),
        )


def _jsonl_records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | Problem]]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as bad:
            yield (
                number,
                Problem(
                    number,
                    "",
                    f"not JSON: {bad.msg} at column {bad.colno}; each line is one JSON object "
                    '{"cin": ..., "support": ..., "amount": ..., ...} (JSON Lines)',
                ),
            )
            continue
        if not isinstance(raw, dict):
            yield number, Problem(number, "", "each line must be a JSON object")
            continue
        fields: dict[str, Any] = {ALIASES.get(str(k), str(k)): v for k, v in raw.items()}
        unknown = [k for k in fields if k not in FIELDS]
        if unknown:
            yield (
                number,
                Problem(
                    number,
                    unknown[0],
                    f"unknown field(s) {', '.join(unknown)}; the fields are {', '.join(FIELDS)}",
                ),
            )
            continue
        yield number, {k: v for k, v in fields.items() if v is not None and v != ""}


def _record(
    number: int, fields: dict[str, Any], default_source: str | None
) -> PriorLine | list[Problem]:
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(number, field, message))

    for name, value in fields.items():  # stored text: PostgreSQL refuses NUL, UTF-8 surrogates
        if isinstance(value, str) and UNSAFE_TEXT.search(value):
            bad(name, "holds a NUL character or an unpaired surrogate; remove it")
    for name in REQUIRED:
        if name not in fields:
            bad(name, f"missing; every record gives {', '.join(REQUIRED)}")
    cin = _text(fields.get("cin"))
    if cin and not CIN.match(cin):
        bad("cin", f"{cin!r} is not a CIN (6-16 letters and digits, e.g. 91000001A)")
    support = _text(fields.get("support")) or None
    limit = _text(fields.get("limit")) or None
    if support is None and limit is None:
        bad(
            "support",
            "missing; name the support (e.g. respite), or the limit or counter it counts on",
        )
    amount = _amount(fields.get("amount"), bad) if "amount" in fields else None
    measure = None
    if "measure" in fields:
        try:
            measure = Measure(_text(fields["measure"]).lower())
        except ValueError:
            allowed = ", ".join(m.value for m in Measure)
            bad("measure", f"{fields['measure']!r} is not a measure; use one of {allowed}")
    start = (
        _date(fields.get("service_start"), "service_start", bad)
        if "service_start" in fields
        else None
    )
    end = _date(fields["service_end"], "service_end", bad) if "service_end" in fields else start
    if start and end and end < start:
        bad("service_end", f"{end} is before service_start {start}; give the last day of service")
    source = _text(fields.get("source")) or (default_source or "")
    if not source:
        bad("source", "missing; name the system the record comes from (a column, or --source)")
    elif len(source) > MAX_SOURCE or not NAME.match(source):
        bad(
            "source",
            f"{source!r} is not a source name (letters, digits, . _ : / -; at most {MAX_SOURCE})",
        )
    record_id = _text(fields.get("source_record_id"))
    if "source_record_id" in fields and (not record_id or len(record_id) > MAX_RECORD_ID):
        bad("source_record_id", f"must be 1-{MAX_RECORD_ID} characters, got {record_id!r}")
    note = _text(fields.get("note")) or None
    if note is not None and len(note) > MAX_NOTE:
        bad("note", f"{len(note)} characters; keep a note under {MAX_NOTE}")
    if problems:
        return problems
    assert amount is not None and start is not None and end is not None
    return PriorLine(
        number, cin, support, limit, amount, measure, start, end, source, record_id, note
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _amount(value: object, bad: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        bad("amount", f"{value!r} is not a number; give the amount in the limit's measure")
        return None
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        bad(
            "amount",
            f"{value!r} is not a number; give the amount in the limit's measure (e.g. 24, 1250.50)",
        )
        return None
    if exact.is_finite() and exact and exact.adjusted() >= MAX_AMOUNT_DIGITS:
        bad("amount", f"{value!r} is too large; an amount has at most {MAX_AMOUNT_DIGITS} digits")
        return None
    if not exact.is_finite() or exact <= 0:
        bad(
            "amount",
            f"{value!r} must be above 0; a correction of earlier use is an adjustment, "
            "not prior use",
        )
        return None
    if exact != exact.quantize(Decimal("0.01")):
        bad(
            "amount", f"{value!r} has more than two decimal places; round to cents or quarter hours"
        )
        return None
    return exact.quantize(Decimal("0.01"))


def _date(value: object, field: str, bad: Any) -> date | None:
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        bad(field, f"{value!r} is not a date; write YYYY-MM-DD")
        return None
