"""Importing prior use: every record checked against the database first, then all posted, or none.

Prior use is service a member had outside lieu — before the plan went live on lieu, or while
with another plan — that must count against lieu's caps (once in a lifetime, $7,500 lifetime,
336 respite hours a year, the shared 6-in-12 pool). Each record is posted as ledger entries of
kind `prior_use` on every counter that counts its support (the limits of the definition in force
on its first day of service), so every window and every fit check sees it. An episode limit
(once in a lifetime) counts each record as one episode.

The file is read twice, one chunk at a time: the first pass finds every problem (nothing is
written if there is one), the second posts in the caller's transaction. Memory is bounded by a
chunk, plus one short key per record to find a record given twice in the same file.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.db.base import utcnow
from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.supports import BASELINE_PLAN, SUPPORTS
from lieu.platform.limits import ledger
from lieu.platform.limits.accounts import dialect_insert
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.prior_lines import Format, PriorLine, Problem, read_lines
from lieu.platform.limits.prior_models import PriorUseEntry, PriorUseRecord
from lieu.platform.limits.spec import LimitSpec, Measure
from lieu.platform.limits.usage import day_count
from lieu.platform.members.models import Member

CHUNK = 500
SHOWN = 1000  # problems kept in detail; beyond this they are only counted

Lines = Callable[[], Iterable[str]]


class PriorUseRejected(ValueError):
    """The file has problems; nothing was written. `problems` lists them (at most `SHOWN`)."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        self.problems = problems
        self.total = total
        super().__init__(f"{total} problem(s); nothing was imported")


@dataclass(frozen=True, slots=True)
class PriorUseOutcome:
    """What an import did: records newly loaded, records already loaded, entries posted."""

    loaded: int
    already_loaded: int
    entries: int


@dataclass(frozen=True, slots=True)
class _Target:
    """One counter a record posts on: the limit and the amount in its measure."""

    spec: LimitSpec
    amount: Decimal
    as_given: bool = True  # False: one episode per record, on an episode limit


@dataclass
class _Check:
    """Problems found so far (the first `SHOWN` in detail) and the keys seen in the file."""

    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    seen: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)

    def add(self, found: Iterable[Problem]) -> None:
        for problem in found:
            self.total += 1
            if len(self.problems) < SHOWN:
                self.problems.append(problem)


async def import_prior_use(
    *,
    session: AsyncSession,
    cache: PinnedDefinitions,
    plan: str,
    actor: str,
    lines: Lines,
    fmt: Format,
    default_source: str | None = None,
    today: date | None = None,
    on_checked: Callable[[int], None] | None = None,
) -> PriorUseOutcome:
    """Check every record of `lines()` (called once per pass), then post them all (the caller
    commits); `PriorUseRejected` with every problem, and nothing written, if any is wrong."""
    resolver = _Resolver(session, cache, plan)
    day = today or utcnow().date()
    check = _Check()
    for chunk in _chunks(read_lines(lines(), fmt, default_source=default_source)):
        check.add(await _check_chunk(chunk, resolver, session, plan, day, check))
        if on_checked is not None:
            on_checked(len(chunk))
    if check.total:
        raise PriorUseRejected(check.problems, check.total)
    loaded = already = entries = 0
    for chunk in _chunks(read_lines(lines(), fmt, default_source=default_source)):
        records = [item for item in chunk if isinstance(item, PriorLine)]
        stored = await _stored(records, session)
        for record in records:
            if record.key in stored:
                already += 1
                continue
            targets, problems = await resolver.targets(record)
            assert not problems, "checked in the first pass"
            entries += await _post(record, targets, plan, actor, session)
            loaded += 1
    return PriorUseOutcome(loaded=loaded, already_loaded=already, entries=entries)


def _chunks(
    items: Iterator[PriorLine | list[Problem]],
) -> Iterator[list[PriorLine | list[Problem]]]:
    chunk: list[PriorLine | list[Problem]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _check_chunk(
    chunk: list[PriorLine | list[Problem]],
    resolver: _Resolver,
    session: AsyncSession,
    plan: str,
    today: date,
    check: _Check,
) -> list[Problem]:
    problems: list[Problem] = []
    records: list[PriorLine] = []
    for item in chunk:
        if isinstance(item, list):
            problems += item
        else:
            records.append(item)
    members = await _members(records, session, plan)
    stored = await _stored(records, session)
    for record in records:
        if record.start > today:
            problems.append(
                Problem(
                    record.line,
                    "service_start",
                    f"{record.start} is after today ({today}); prior use is service already "
                    "given: leave out service not yet given",
                )
            )
        if record.cin not in members:
            problems.append(
                Problem(
                    record.line,
                    "cin",
                    f"{record.cin} is not a member of {plan}; import the member first "
                    "(lieu members import, or importMembers)",
                )
            )
        fingerprint = record.fingerprint()
        if (first := check.seen.get(record.key)) is not None:
            same = "the same record" if first[1] == fingerprint else "a different record"
            problems.append(
                Problem(
                    record.line,
                    "source_record_id",
                    f"{record.source} record {record.record_id!r} is also on line {first[0]} "
                    f"({same}); give each source record once",
                )
            )
            continue
        check.seen[record.key] = (record.line, fingerprint)
        if (known := stored.get(record.key)) == fingerprint:
            continue  # loaded before, as it is: a re-run writes nothing for it
        if known is not None:
            problems.append(
                Problem(
                    record.line,
                    "source_record_id",
                    f"{record.source} record {record.record_id!r} was already loaded with other "
                    "content (member, support, amount, dates or note differ); records are never "
                    "changed: give the correction a new source_record_id (an adjustment), or "
                    "load this line as it was first loaded",
                )
            )
            continue
        _targets, found = await resolver.targets(record)
        problems += found
    return problems


async def _members(records: list[PriorLine], session: AsyncSession, plan: str) -> set[str]:
    cins = {r.cin for r in records}
    if not cins:
        return set()
    query = select(Member.cin).where(Member.plan == plan, Member.cin.in_(cins))
    return set(await session.scalars(query))


async def _stored(records: list[PriorLine], session: AsyncSession) -> dict[tuple[str, str], str]:
    """The fingerprint of each of these records already loaded, by (source, record id)."""
    keys = list({r.key for r in records})
    if not keys:
        return {}
    key = tuple_(PriorUseRecord.source_system, PriorUseRecord.source_record_id)
    query = select(
        PriorUseRecord.source_system, PriorUseRecord.source_record_id, PriorUseRecord.fingerprint
    ).where(key.in_(keys))
    return {(s, r): f for s, r, f in await session.execute(query)}


async def _post(
    record: PriorLine, targets: list[_Target], plan: str, actor: str, session: AsyncSession
) -> int:
    given = next((t.spec for t in targets if t.as_given), targets[0].spec)
    values = {
        "source_system": record.source,
        "source_record_id": record.record_id,
        "fingerprint": record.fingerprint(),
        "cin": record.cin,
        "plan": plan,
        "support": _support(record, given),
        "limit_id": record.limit,
        "amount": record.amount,
        "measure": (record.measure or given.measure).value,
        "service_start": record.start,
        "service_end": record.end,
        "note": record.note,
        "loaded_by": actor,
        "loaded_at": utcnow(),
    }
    insert = (
        dialect_insert(session, PriorUseRecord)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["source_system", "source_record_id"])
        .returning(PriorUseRecord.id)
    )
    record_id = (await session.execute(insert)).scalar_one_or_none()
    if record_id is None:  # another import loaded it since this one checked
        raise PriorUseRejected(
            [
                Problem(
                    record.line,
                    "source_record_id",
                    f"{record.source} record {record.record_id!r} was loaded by another import "
                    "while this one ran; nothing of this import was stored: run it again (what "
                    "is loaded already is skipped)",
                )
            ],
            1,
        )
    for target in targets:
        posting = Posting(
            cin=record.cin,
            plan=plan,
            support=str(values["support"]),
            start=record.start,
            end=record.end,
            amount=target.amount,
            key=f"prior-use/{record_id}/{target.spec.counter}",
            actor=actor,
            reason=_reason(record),
            prior_use=True,
        )
        entry = await ledger.record_prior_use(posting, target.spec, session=session)
        session.add(PriorUseEntry(record_id=record_id, entry_id=entry.id))
    await session.flush()
    return len(targets)


def _reason(record: PriorLine) -> str:
    said = f"prior use: {record.source} record {record.record_id}"
    return f"{said}; {record.note}" if record.note else said


def _support(record: PriorLine, spec: LimitSpec) -> str:
    return record.support or spec.pool_supports[0]


class _Resolver:
    """Which counters a record counts on, from the definitions in force (cached per version)."""

    def __init__(self, session: AsyncSession, cache: PinnedDefinitions, plan: str) -> None:
        self.session = session
        self.cache = cache
        self.plan = plan
        self._versions: dict[str, list[tuple[date, int, DefinitionRef]]] = {}

    async def targets(self, record: PriorLine) -> tuple[list[_Target], list[Problem]]:
        """The counters and amounts a record posts, or why it cannot be posted."""
        support = record.support
        if support is not None and support not in SUPPORTS:
            near = difflib.get_close_matches(support, sorted(SUPPORTS), n=1)
            hint = (
                f"did you mean {near[0]!r}?"
                if near
                else f"use one of {', '.join(sorted(SUPPORTS))}"
            )
            return [], [Problem(record.line, "support", f"{support!r} is not a support; {hint}")]
        if support is None:
            return await self._by_limit(record)
        definition = await self._definition(support, record.start)
        if definition is None:
            return [], [
                Problem(
                    record.line,
                    "service_start",
                    f"no definition of {support} is in force on {record.start} for {self.plan}; "
                    "prior use counts against the limits in force when it was given",
                )
            ]
        specs = [s for s in _specs(definition) if s.covers(support)]
        if record.limit is not None:
            specs = [s for s in specs if record.limit in (s.id, s.counter)]
            if not specs:
                known = ", ".join(s.id for s in _specs(definition) if s.covers(support)) or "none"
                return [], [
                    Problem(
                        record.line,
                        "limit",
                        f"{record.limit!r} is not a limit of {support} on {record.start} "
                        f"(its limits: {known}); name one of them, or leave limit out",
                    )
                ]
        if not specs:
            return [], [
                Problem(
                    record.line,
                    "support",
                    f"{support} has no limit in {definition.plan}/v{definition.version}: prior "
                    "use would count against nothing; leave the line out",
                )
            ]
        return _amounts(record, specs)

    async def _by_limit(self, record: PriorLine) -> tuple[list[_Target], list[Problem]]:
        for support in sorted(SUPPORTS):
            definition = await self._definition(support, record.start)
            if definition is None:
                continue
            for spec in _specs(definition):
                if record.limit in (spec.id, spec.counter):
                    return _amounts(record, [spec])
        return [], [
            Problem(
                record.line,
                "limit",
                f"no definition in force on {record.start} has a limit or counter "
                f"{record.limit!r}; check the id (lieu definitions show), or name the support",
            )
        ]

    async def _definition(self, support: str, on: date) -> Definition | None:
        versions = self._versions.get(support)
        if versions is None:
            versions = await self._load_versions(support)
            self._versions[support] = versions
        for _start, _own, ref in versions:
            if _start <= on:
                return await self.cache.get(self.session, ref)
        return None

    async def _load_versions(self, support: str) -> list[tuple[date, int, DefinitionRef]]:
        """Published versions, the plan's own first, latest first (as `ref_in_force` orders)."""
        rows = await self.session.execute(
            select(
                DefinitionVersion.plan,
                DefinitionVersion.version,
                DefinitionVersion.content_hash,
                DefinitionVersion.effective_from,
            ).where(
                DefinitionVersion.plan.in_((self.plan, BASELINE_PLAN)),
                DefinitionVersion.support == support,
                DefinitionVersion.status == DefinitionStatus.PUBLISHED,
            )
        )
        found = [
            (start, 0 if plan == self.plan else 1, DefinitionRef(plan, support, version, digest))
            for plan, version, digest, start in rows
            if digest is not None
        ]
        # The plan's own versions first (if any is in force, it is the one), then latest first.
        found.sort(key=lambda v: (v[1], -v[0].toordinal(), -v[2].version))
        return found


def _specs(definition: Definition) -> list[LimitSpec]:
    return [LimitSpec.from_json(asdict(limit)) for limit in definition.limits]


def _amounts(record: PriorLine, specs: list[LimitSpec]) -> tuple[list[_Target], list[Problem]]:
    """The record's amount on each counter of its measure; one episode on each episode counter."""
    measures = {s.measure for s in specs if s.measure is not Measure.EPISODES}
    measure = record.measure
    if measure is None:
        if len(measures) > 1:
            named = ", ".join(sorted(m.value for m in measures))
            return [], [
                Problem(
                    record.line, "measure", f"its limits count {named}; say which the amount is in"
                )
            ]
        measure = next(iter(measures)) if measures else Measure.EPISODES
    if measure is not Measure.EPISODES and measure not in measures:
        named = ", ".join(sorted(m.value for m in measures)) or "episodes"
        return [], [
            Problem(
                record.line,
                "measure",
                f"its limits count {named}, not {measure.value}; give the amount in {named}",
            )
        ]
    problems: list[Problem] = []
    if measure is Measure.DAYS and record.amount != day_count(record.start, record.end):
        problems.append(
            Problem(
                record.line,
                "amount",
                f"{record.amount} days given for {record.start} to {record.end}, which is "
                f"{day_count(record.start, record.end)} days; a days amount is the number of days "
                "of service (set service_end to the last day)",
            )
        )
    if measure is Measure.EPISODES and record.amount != int(record.amount):
        problems.append(
            Problem(record.line, "amount", f"episodes are whole numbers, got {record.amount}")
        )
    if problems:
        return [], problems
    targets: list[_Target] = []
    counters: set[str] = set()
    for spec in specs:
        if spec.counter in counters:
            continue  # limits sharing a counter share one balance: post once
        if spec.measure is measure:
            targets.append(_Target(spec, record.amount))
        elif spec.measure is Measure.EPISODES:
            targets.append(_Target(spec, Decimal(1), as_given=False))
        else:
            continue
        counters.add(spec.counter)
    return targets, []
