"""The prior authorization metrics a plan publishes each year (CMS-0057-F, 42 CFR 438.210(f)).

Per plan and calendar year, overall and per support: the percent of standard requests approved,
denied and approved after appeal; the percent of requests approved after an extended timeframe;
the percent of expedited requests approved and denied; the average and median time from receipt
to decision for standard and for expedited requests. Everything is read from the recorded
timelines (`requests.requests_received`) and counted in the database.

What counts, and why:

* **Every request lieu received, by its receipt's local date** in the plan's time zone. The rule
  counts "prior authorization requests" and the time "between the submission of a request and a
  determination"; in lieu every request for a Community Support is a request for authorization
  before (or, presumptively, while) the service is given, and its submission is its `received`
  entry. A reauthorization asks to authorize more service, is decided on the same clocks, and is
  counted as a request of its own.
* **Decisions lieu's rules make without a reviewer count.** The rule counts determinations on
  requests, whoever or whatever makes them: an approval at once (a support with no review
  step), a denial for eligibility or an exhausted limit, and a refusal (not offered in the
  member's county, or too far after the service) are each the plan's determination on a request,
  with a notice for the adverse ones, and leaving them out would overstate the time to decide
  and hide automatic denials. The report says how many there are.
* **A deemed denial is a denial** at its deadline (42 CFR 438.404(c)(5): a decision not reached
  within the timeframe is an adverse benefit determination). A reviewer's later reversal makes
  the request *approved*, and its time to decision still ends at the deadline, when the plan
  first determined it.
* **An approval in part (a modification) is an approval**, as the determination that approves
  service; its notice says what was not approved.
* **Approved after appeal** is read from the appeals source (`appeals.AppealRecords`): the
  standard requests denied whose appeal was decided for the member, wholly or partly (lieu's own
  appeal records). A source that records no appeals makes the figure not computed (None, and a
  note says why), never 0%.
* **Approved after an extended timeframe** is a percent of *all* requests decided, standard and
  expedited, as 438.210(f) words it ("the percentage of prior authorization requests for which
  the timeframe for review was extended, and the request was approved").
* Requests received in the year and not decided yet (in review, pending a second review,
  cancelled or withdrawn before a decision) are not counted; the report says how many.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.status import Urgency
from lieu.platform.plans.settings import plan_settings
from lieu.platform.reports.appeals import NO_APPEALS, NOT_RECORDED, AppealRecords
from lieu.platform.reports.figures import DecisionTime, Share
from lieu.platform.reports.periods import ReportYear
from lieu.platform.reports.requests import approved_after_appeal, requests_received

SOURCE = "CMS-0057-F: 42 CFR 438.210(f), publicly reported prior authorization metrics"


@dataclass(frozen=True)
class Tally:
    """What one group (a support, or all) of one urgency adds up to."""

    received: int = 0
    decided: int = 0
    approved: int = 0
    approved_extended: int = 0
    without_review: int = 0
    reauthorizations: int = 0
    seconds: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            *(
                getattr(self, name) + getattr(other, name)
                for name in self.__dataclass_fields__  # same fields, in order
            )
        )


@dataclass(frozen=True)
class PriorAuthorizationFigures:
    """The CMS-0057-F figures for one support (`support` None: all supports together)."""

    support: str | None
    standard_decided: int
    standard_approved: Share
    standard_denied: Share
    standard_approved_after_appeal: Share | None  # None: appeals are not recorded
    approved_after_extension: Share  # of all requests decided, standard and expedited
    expedited_decided: int
    expedited_approved: Share
    expedited_denied: Share
    standard_time: DecisionTime
    expedited_time: DecisionTime
    received: int  # requests received in the year, decided or not
    undecided: int
    decided_without_review: int
    reauthorizations: int  # of the requests decided


@dataclass(frozen=True)
class PriorAuthorizationReport:
    """A plan's figures for a year: all supports, then each support with requests."""

    plan: str
    year: int
    time_zone: str
    overall: PriorAuthorizationFigures
    supports: tuple[PriorAuthorizationFigures, ...]
    appeals_recorded: bool
    notes: tuple[str, ...] = field(default=())
    source: str = SOURCE


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(condition: ColumnElement[bool], value: ColumnElement[int]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _middle(rank: ColumnElement[int], size: ColumnElement[int]) -> ColumnElement[bool]:
    # the ((n+1) div 2)th and ((n+2) div 2)th: one row when n is odd, two when even
    return or_(rank == (size + 1) // 2, rank == (size + 2) // 2)


def _figures_query(requests: CTE) -> CompoundSelect[*tuple[Any, ...]]:
    """One statement, so the requests are read once: per support and urgency the counts, the
    seconds to decide and the middle one or two of them; then per urgency over all supports the
    middle ones only (counts and sums add up, medians do not)."""
    c = requests.c
    decided = c.decided_at.is_not(None)
    ranked = select(
        *c,
        func.row_number()
        .over(partition_by=(c.support, c.urgency, decided), order_by=c.seconds)
        .label("in_support"),
        func.count().over(partition_by=(c.support, c.urgency, decided)).label("of_support"),
        func.row_number()
        .over(partition_by=(c.urgency, decided), order_by=c.seconds)
        .label("in_all"),
        func.count().over(partition_by=(c.urgency, decided)).label("of_all"),
    ).cte("ranked")
    r = ranked.c
    decided = r.decided_at.is_not(None)
    approved = and_(decided, r.approved == 1)
    middle_of_support = and_(decided, _middle(r.in_support, r.of_support))
    middle_of_all = and_(decided, _middle(r.in_all, r.of_all))
    per_support = select(
        r.support,
        r.urgency,
        func.count(),
        _count(decided),
        _count(approved),
        _count(and_(approved, r.extended == 1)),
        _count(and_(decided, r.reviewed == 0)),
        _count(and_(decided, r.reauthorization)),
        _sum(decided, r.seconds),
        _sum(middle_of_support, r.seconds),
        _count(middle_of_support),
    ).group_by(r.support, r.urgency)
    zero = literal(0)
    overall = select(
        cast(null(), String(64)),
        r.urgency,
        *(zero for _ in range(7)),
        _sum(middle_of_all, r.seconds),
        _count(middle_of_all),
    ).group_by(r.urgency)
    return union_all(per_support, overall)


def _figures(
    support: str | None,
    standard: Tally,
    expedited: Tally,
    medians: Mapping[str, Decimal],
    after_appeal: int | None,
) -> PriorAuthorizationFigures:
    both = standard + expedited
    denied_standard = standard.decided - standard.approved
    return PriorAuthorizationFigures(
        support=support,
        standard_decided=standard.decided,
        standard_approved=Share(standard.approved, standard.decided),
        standard_denied=Share(denied_standard, standard.decided),
        standard_approved_after_appeal=(
            None if after_appeal is None else Share(after_appeal, standard.decided)
        ),
        approved_after_extension=Share(both.approved_extended, both.decided),
        expedited_decided=expedited.decided,
        expedited_approved=Share(expedited.approved, expedited.decided),
        expedited_denied=Share(expedited.decided - expedited.approved, expedited.decided),
        standard_time=DecisionTime.of(
            standard.decided, standard.seconds, medians.get(Urgency.STANDARD.value)
        ),
        expedited_time=DecisionTime.of(
            expedited.decided, expedited.seconds, medians.get(Urgency.EXPEDITED.value)
        ),
        received=both.received,
        undecided=both.received - both.decided,
        decided_without_review=both.without_review,
        reauthorizations=both.reauthorizations,
    )


def _notes(report: PriorAuthorizationReport, year: ReportYear) -> tuple[str, ...]:
    whole, total = year.whole, report.overall
    decided = total.standard_decided + total.expedited_decided
    notes = [
        f"Requests received from {whole.first} to {whole.last} on the plan's clock "
        f"({report.time_zone}) and decided: {decided} of {total.received}; "
        f"{total.undecided} not decided yet (in review, or cancelled or withdrawn before a "
        "decision) are not counted.",
        f"Decisions lieu's rules made without a reviewer count as determinations: "
        f"{total.decided_without_review} of the {decided} (approved at once, eligibility or "
        "limit denials, refusals for a support not offered or a request too late).",
        f"Reauthorization requests are requests of their own: {total.reauthorizations} of the "
        f"{decided}.",
        "A deemed denial (no decision by the deadline, 42 CFR 438.404(c)(5)) is a denial at the "
        "deadline; a later reversal makes the request approved, its time to decision ending at "
        "the deadline. An approval in part counts as approved.",
        "Approved after an extended timeframe is a percent of all requests decided, standard "
        "and expedited.",
        "Time to decision is from the request's receipt to the plan's determination, in hours.",
    ]
    if not report.appeals_recorded:
        notes.append(NOT_RECORDED[:1].upper() + NOT_RECORDED[1:] + ".")
    return tuple(notes)


async def prior_authorization_metrics(
    *, session: AsyncSession, plan: str, year: int, appeals: AppealRecords = NO_APPEALS
) -> PriorAuthorizationReport:
    """The plan's CMS-0057-F prior authorization metrics for the requests received in `year`
    (local dates on the plan's clock); `PeriodError` for a year out of range."""
    settings = await plan_settings(plan, session=session)
    period = ReportYear.of(year, settings.calendar)
    requests = requests_received(plan, period.whole, dialect=session.get_bind().dialect.name)
    tallies: dict[tuple[str, str], Tally] = {}
    medians: dict[str | None, dict[str, Decimal]] = defaultdict(dict)
    for support, urgency, *numbers, middle_seconds, middles in await session.execute(
        _figures_query(requests)
    ):
        if support is not None:
            tallies[(support, urgency)] = Tally(*(int(n) for n in numbers))
        if middles:
            medians[support][urgency] = Decimal(int(middle_seconds)) / int(middles)
    after_appeal: dict[str, int] | None = None
    if appeals.recorded:
        after_appeal = defaultdict(int)
        for request in await approved_after_appeal(
            session=session, plan=plan, period=period.whole, appeals=appeals
        ):
            if request.urgency == Urgency.STANDARD.value:
                after_appeal[request.support] += 1

    def tally(keys: Iterable[tuple[str, str]], urgency: Urgency) -> Tally:
        return sum((tallies[k] for k in keys if k[1] == urgency.value), Tally())

    supports = sorted({support for support, _ in tallies})
    rows = []
    for support in supports:
        keys = [k for k in tallies if k[0] == support]
        rows.append(
            _figures(
                support,
                tally(keys, Urgency.STANDARD),
                tally(keys, Urgency.EXPEDITED),
                medians.get(support, {}),
                None if after_appeal is None else after_appeal.get(support, 0),
            )
        )
    overall = _figures(
        None,
        tally(tallies, Urgency.STANDARD),
        tally(tallies, Urgency.EXPEDITED),
        medians.get(None, {}),
        None if after_appeal is None else sum(after_appeal.values()),
    )
    report = PriorAuthorizationReport(
        plan=plan,
        year=year,
        time_zone=settings.calendar.time_zone,
        overall=overall,
        supports=tuple(rows),
        appeals_recorded=appeals.recorded,
    )
    return replace(report, notes=_notes(report, period))


def all_figures(report: PriorAuthorizationReport) -> Sequence[PriorAuthorizationFigures]:
    """The overall figures first, then each support's."""
    return (report.overall, *report.supports)
