"""The reports as text: a table for people, CSV and JSON for machines.

CSV has one row per support (`all` first) and no notes, so any CSV reader takes it as it is; the
table and JSON carry the notes. A figure that cannot be computed (approved after appeal while
appeals are not recorded, a percent of nothing) is empty in CSV, `null` in JSON and `n/a` in the
table, never 0.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import textwrap
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from lieu.platform.reports.community_supports import CommunitySupportsReport
from lieu.platform.reports.figures import DecisionTime, Share
from lieu.platform.reports.prior_authorization import (
    PriorAuthorizationFigures,
    PriorAuthorizationReport,
    all_figures,
)

ALL = "all"  # the support column of the row for all supports
NOT_COMPUTED = "n/a"
WIDTH = 100


def _wrapped(paragraphs: Iterable[str], bullet: str = "") -> list[str]:
    indent = " " * len(bullet)
    return [
        line
        for text in paragraphs
        for line in textwrap.wrap(
            text, WIDTH, initial_indent=bullet, subsequent_indent=indent, break_on_hyphens=False
        )
    ]


class Format(enum.StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)  # one decimal: exact as a JSON number


def _share(share: Share | None) -> dict[str, Any] | None:
    if share is None:
        return None
    return {"count": share.count, "of": share.of, "percent": _number(share.percent)}


def _time(time: DecisionTime) -> dict[str, Any]:
    return {
        "decisions": time.decisions,
        "average_hours": _number(time.average_hours),
        "median_hours": _number(time.median_hours),
    }


def _figures_json(figures: PriorAuthorizationFigures) -> dict[str, Any]:
    return {
        "support": figures.support,
        "standard": {
            "decided": figures.standard_decided,
            "approved": _share(figures.standard_approved),
            "denied": _share(figures.standard_denied),
            "approved_after_appeal": _share(figures.standard_approved_after_appeal),
            "time_to_decision": _time(figures.standard_time),
        },
        "expedited": {
            "decided": figures.expedited_decided,
            "approved": _share(figures.expedited_approved),
            "denied": _share(figures.expedited_denied),
            "time_to_decision": _time(figures.expedited_time),
        },
        "approved_after_extension": _share(figures.approved_after_extension),
        "received": figures.received,
        "undecided": figures.undecided,
        "decided_without_review": figures.decided_without_review,
        "reauthorizations": figures.reauthorizations,
    }


def prior_authorization_json(report: PriorAuthorizationReport) -> str:
    """The report as a JSON document: the overall figures, each support's, and the notes."""
    document = {
        "report": "prior-authorization",
        "source": report.source,
        "plan": report.plan,
        "year": report.year,
        "time_zone": report.time_zone,
        "appeals_recorded": report.appeals_recorded,
        "overall": _figures_json(report.overall),
        "supports": [_figures_json(f) for f in report.supports],
        "notes": list(report.notes),
    }
    return json.dumps(document, indent=2) + "\n"


PRIOR_AUTHORIZATION_COLUMNS = (
    "plan",
    "year",
    "support",
    "standard_decided",
    "standard_approved",
    "standard_approved_percent",
    "standard_denied",
    "standard_denied_percent",
    "standard_approved_after_appeal",
    "standard_approved_after_appeal_percent",
    "standard_average_hours",
    "standard_median_hours",
    "expedited_decided",
    "expedited_approved",
    "expedited_approved_percent",
    "expedited_denied",
    "expedited_denied_percent",
    "expedited_average_hours",
    "expedited_median_hours",
    "decided",
    "approved_after_extension",
    "approved_after_extension_percent",
    "received",
    "undecided",
    "decided_without_review",
    "reauthorizations",
)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _count(share: Share | None) -> int | None:
    return None if share is None else share.count


def _percent(share: Share | None) -> Decimal | None:
    return None if share is None else share.percent


def _csv_row(report: PriorAuthorizationReport, f: PriorAuthorizationFigures) -> list[str]:
    values = (
        report.plan,
        report.year,
        f.support or ALL,
        f.standard_decided,
        f.standard_approved.count,
        f.standard_approved.percent,
        f.standard_denied.count,
        f.standard_denied.percent,
        _count(f.standard_approved_after_appeal),
        _percent(f.standard_approved_after_appeal),
        f.standard_time.average_hours,
        f.standard_time.median_hours,
        f.expedited_decided,
        f.expedited_approved.count,
        f.expedited_approved.percent,
        f.expedited_denied.count,
        f.expedited_denied.percent,
        f.expedited_time.average_hours,
        f.expedited_time.median_hours,
        f.approved_after_extension.of,
        f.approved_after_extension.count,
        f.approved_after_extension.percent,
        f.received,
        f.undecided,
        f.decided_without_review,
        f.reauthorizations,
    )
    return [_cell(value) for value in values]


def _csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def prior_authorization_csv(report: PriorAuthorizationReport) -> str:
    """One row per support, all supports first."""
    return _csv(PRIOR_AUTHORIZATION_COLUMNS, [_csv_row(report, f) for f in all_figures(report)])


def _shown(value: Decimal | None, unit: str = "") -> str:
    return NOT_COMPUTED if value is None else f"{value}{unit}"


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        first, *rest = row
        cells = [first.ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


PRIOR_AUTHORIZATION_HEADER = (
    "support",
    "std",
    "appr%",
    "deny%",
    "appeal%",
    "avg h",
    "med h",
    "exp",
    "appr%",
    "deny%",
    "avg h",
    "med h",
    "ext+appr%",
)
LEGEND = (
    "std/exp: standard/expedited requests decided; appr%, deny%: of them, approved and denied; "
    "appeal%: standard approved after appeal; avg h, med h: average and median hours from "
    "receipt to decision; ext+appr%: of all requests decided, extended and approved."
)


def prior_authorization_table(report: PriorAuthorizationReport) -> str:
    """The report for people: one line per support, then what the columns are and the notes."""
    rows = [
        [
            f.support or "all supports",
            str(f.standard_decided),
            _shown(f.standard_approved.percent),
            _shown(f.standard_denied.percent),
            _shown(_percent(f.standard_approved_after_appeal)),
            _shown(f.standard_time.average_hours),
            _shown(f.standard_time.median_hours),
            str(f.expedited_decided),
            _shown(f.expedited_approved.percent),
            _shown(f.expedited_denied.percent),
            _shown(f.expedited_time.average_hours),
            _shown(f.expedited_time.median_hours),
            _shown(f.approved_after_extension.percent),
        ]
        for f in all_figures(report)
    ]
    lines = [
        f"Prior authorization metrics: {report.plan}, {report.year} ({report.source})",
        "",
        *_text_table(PRIOR_AUTHORIZATION_HEADER, rows),
        "",
        *_wrapped([LEGEND]),
        *_wrapped(report.notes, "- "),
    ]
    return "\n".join(lines) + "\n"


def community_supports_json(report: CommunitySupportsReport) -> str:
    """The report as a JSON document: one row per support and quarter, and the notes."""
    document = {
        "report": "community-supports",
        "plan": report.plan,
        "year": report.year,
        "time_zone": report.time_zone,
        "rows": [
            {
                "support": row.support,
                "quarter": row.quarter,
                "first": row.first,
                "last": row.last,
                "members_approved": row.members_approved,
                "members_receiving": row.members_receiving,
            }
            for row in report.rows
        ],
        "notes": list(report.notes),
    }
    return json.dumps(document, indent=2) + "\n"


COMMUNITY_SUPPORTS_COLUMNS = (
    "plan",
    "year",
    "support",
    "quarter",
    "first",
    "last",
    "members_approved",
    "members_receiving",
)


def community_supports_csv(report: CommunitySupportsReport) -> str:
    """One row per support and quarter, all supports first."""
    rows = [
        [
            report.plan,
            str(report.year),
            row.support or ALL,
            str(row.quarter),
            row.first,
            row.last,
            str(row.members_approved),
            str(row.members_receiving),
        ]
        for row in report.rows
    ]
    return _csv(COMMUNITY_SUPPORTS_COLUMNS, rows)


def community_supports_table(report: CommunitySupportsReport) -> str:
    """One line per support: members approved / receiving in each quarter."""
    supports: dict[str | None, list[str]] = {}
    for row in report.rows:
        supports.setdefault(row.support, []).append(
            f"{row.members_approved} / {row.members_receiving}"
        )
    quarters = [row for row in report.rows if row.support is None]
    header = ["members approved / receiving", *(f"Q{row.quarter}" for row in quarters)]
    rows = [[support or "all supports", *cells] for support, cells in supports.items()]
    lines = [
        f"Community Supports by quarter: {report.plan}, {report.year}",
        "",
        *_text_table(header, rows),
        "",
        *_wrapped(
            [
                "Quarters of receipt: "
                + "; ".join(f"Q{row.quarter} {row.first} to {row.last}" for row in quarters)
                + "."
            ]
        ),
        *_wrapped(report.notes, "- "),
    ]
    return "\n".join(lines) + "\n"


def render_prior_authorization(report: PriorAuthorizationReport, form: Format) -> str:
    """The report in a format."""
    match form:
        case Format.CSV:
            return prior_authorization_csv(report)
        case Format.JSON:
            return prior_authorization_json(report)
    return prior_authorization_table(report)


def render_community_supports(report: CommunitySupportsReport, form: Format) -> str:
    """The report in a format."""
    match form:
        case Format.CSV:
            return community_supports_csv(report)
        case Format.JSON:
            return community_supports_json(report)
    return community_supports_table(report)
