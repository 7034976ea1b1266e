"""Prior use counts: records of service given outside lieu, imported whole or not at all, count
against every cap that covers them — lifetime, calendar year, the rolling shared pool, once in a
lifetime — and balances say how much was used elsewhere and why nothing is left."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lieu.platform.access.prior_use import PriorUseOutcome, PriorUseRejected, import_prior_use
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.directory import load_directory
from lieu.platform.limits import ledger
from lieu.platform.limits.errors import LimitExceeded
from lieu.platform.limits.models import EntryKind, LimitEntry
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.prior_lines import Format
from lieu.platform.limits.prior_models import PriorUseEntry, PriorUseRecord
from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.window_balance import window_balance
from lieu.platform.members.service import upsert_member

ROOT = Path(__file__).resolve().parents[3] / "benefit_definitions"
PLAN = "demo-plan"
CIN = "91000001A"
TODAY = date(2026, 12, 3)
HEADER = "cin,support,amount,measure,service_start,service_end,source,source_record_id,note"

Tx = async_sessionmaker[AsyncSession]


def spec(support: str, limit_id: str) -> LimitSpec:
    """A baseline limit as the ledger sees it (benefit_definitions/dhcs/<support>/v1.json)."""
    document = json.loads((ROOT / "dhcs" / support / "v1.json").read_text())
    (found,) = [item for item in document["limits"] if item["id"] == limit_id]
    return LimitSpec.from_json(found)


@pytest.fixture
async def tx(engine: AsyncEngine) -> AsyncIterator[Tx]:
    """The DHCS baselines published and one member of demo-plan."""
    factory = create_session_factory(for_writes(engine))
    async with factory.begin() as session:
        await load_directory(session=session, root=ROOT / "dhcs", actor="test")
        await upsert_member(session=session, plan=PLAN, cin=CIN, facts={})
    yield factory


async def load(tx: Tx, content: str, fmt: Format = Format.CSV, **more: object) -> PriorUseOutcome:
    async with tx.begin() as session:
        return await import_prior_use(
            session=session,
            cache=PinnedDefinitions(),
            plan=PLAN,
            actor="operations:demo-plan:ops",
            lines=lambda: content.splitlines(),
            fmt=fmt,
            today=TODAY,
            **more,  # type: ignore[arg-type]
        )


async def reserve(
    tx: Tx, limit: LimitSpec, support: str, start: date, end: date, amount: str
) -> None:
    async with tx.begin() as session:
        await ledger.reserve(
            Posting(
                cin=CIN,
                plan=PLAN,
                support=support,
                start=start,
                end=end,
                amount=Decimal(amount),
                key=f"auth-{support}-{start}-{amount}",
                actor="test",
                authorization_id=f"auth-{support}-{start}",
            ),
            limit,
            session=session,
        )


async def count(tx: Tx, model: type) -> int:
    async with tx() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


PRIOR = "\n".join(
    [
        HEADER,
        f"{CIN},respite,320,hours,2026-03-01,2026-03-31,old-plan,r-1,caregiver relief",
        f"{CIN},asthma-remediation,7000,dollars,2025-05-01,,old-plan,r-2,",
        f"{CIN},short-term-post-hospitalization-housing,150,days,2026-01-01,2026-05-30,old-plan,r-3,",
        f"{CIN},housing-deposits,1,,2024-02-01,,old-plan,r-4,first deposit",
    ]
)


async def test_prior_use_counts_against_every_kind_of_cap(tx: Tx) -> None:
    outcome = await load(tx, PRIOR)
    # STPHH posts on the 6-in-12 pool and on its once-in-a-lifetime counter.
    assert outcome == PriorUseOutcome(loaded=4, already_loaded=0, entries=5)

    respite = spec("respite", "respite-hours-per-year")  # calendar year
    with pytest.raises(LimitExceeded, match=r"320\.00 of 336\.00 already counted"):
        await reserve(tx, respite, "respite", date(2026, 11, 2), date(2026, 11, 2), "24")
    await reserve(tx, respite, "respite", date(2026, 11, 2), date(2026, 11, 2), "16")

    asthma = spec("asthma-remediation", "asthma-lifetime-dollars")  # lifetime dollars
    with pytest.raises(LimitExceeded, match=r"7000\.00 of 7500\.00"):
        await reserve(tx, asthma, "asthma-remediation", date(2026, 6, 1), date(2026, 6, 1), "600")
    await reserve(tx, asthma, "asthma-remediation", date(2026, 6, 1), date(2026, 6, 1), "500")

    pool = spec("recuperative-care", "rc-stphh-tr-6-in-12")  # rolling, shared by three supports
    with pytest.raises(LimitExceeded, match=r"150\.00 of 180\.00"):
        await reserve(tx, pool, "recuperative-care", date(2026, 6, 1), date(2026, 7, 10), "40")
    await reserve(tx, pool, "recuperative-care", date(2026, 6, 1), date(2026, 6, 30), "30")

    once = spec("short-term-post-hospitalization-housing", "stphh-once-per-lifetime")
    with pytest.raises(LimitExceeded, match="this limit allows no exception"):
        await reserve(
            tx,
            once,
            "short-term-post-hospitalization-housing",
            date(2027, 6, 1),
            date(2027, 6, 1),
            "1",
        )
    deposits = spec("housing-deposits", "deposits-once-per-lifetime")  # once, one exception
    with pytest.raises(LimitExceeded, match="an approved exception may raise it"):
        await reserve(tx, deposits, "housing-deposits", date(2026, 8, 1), date(2026, 8, 1), "1")


async def test_each_entry_keeps_its_source_and_who_loaded_it(tx: Tx) -> None:
    await load(tx, PRIOR)
    async with tx() as session:
        record = await session.scalar(
            select(PriorUseRecord).where(PriorUseRecord.source_record_id == "r-1")
        )
        assert record is not None
        assert (record.source_system, record.loaded_by) == ("old-plan", "operations:demo-plan:ops")
        assert record.loaded_at is not None
        entry = await session.scalar(
            select(LimitEntry)
            .join(PriorUseEntry, PriorUseEntry.entry_id == LimitEntry.id)
            .where(PriorUseEntry.record_id == record.id)
        )
        assert entry is not None
        assert entry.kind is EntryKind.PRIOR_USE
        assert entry.actor == "operations:demo-plan:ops"
        assert entry.reason == "prior use: old-plan record r-1; caregiver relief"


async def test_a_rerun_of_the_same_file_writes_nothing_new(tx: Tx) -> None:
    await load(tx, PRIOR)
    before = (await count(tx, LimitEntry), await count(tx, PriorUseRecord))
    again = await load(tx, PRIOR)
    assert again == PriorUseOutcome(loaded=0, already_loaded=4, entries=0)
    assert (await count(tx, LimitEntry), await count(tx, PriorUseRecord)) == before


async def test_a_record_loaded_again_with_other_content_is_a_conflict(tx: Tx) -> None:
    await load(tx, PRIOR)
    changed = PRIOR.replace(",320,hours,", ",300,hours,")
    with pytest.raises(PriorUseRejected) as refused:
        await load(tx, changed)
    (problem,) = refused.value.problems
    assert (problem.line, problem.field) == (2, "source_record_id")
    assert "already loaded with other content" in problem.message
    assert "new source_record_id" in problem.message


async def test_every_problem_is_listed_with_its_line_and_field_and_nothing_is_written(
    tx: Tx,
) -> None:
    bad = "\n".join(
        [
            HEADER,
            f"{CIN},respite,320,hours,2026-03-01,,old-plan,r-1,",  # fine
            f"{CIN},respit,10,hours,2026-03-01,,old-plan,r-2,",  # misspelled support
            f"{CIN},respite,ten,hours,2026-03-01,,old-plan,r-3,",  # not a number
            f"{CIN},respite,10,days,2026-03-01,,old-plan,r-4,",  # respite counts hours
            f"{CIN},transitional-rent,30,days,2026-01-01,2026-01-10,old-plan,r-5,",  # 10 days
            "99999999Z,respite,10,hours,2026-03-01,,old-plan,r-6,",  # not a member
            f"{CIN},respite,10,hours,2027-03-01,,old-plan,r-7,",  # in the future
            f"{CIN},respite,10,hours,2026-03-01,,old-plan,r-1,",  # twice in the file
            f"{CIN},day-habilitation,10,hours,2026-03-01,,old-plan,r-8,",  # no limit
            f"{CIN},respite,10,hours,03/01/2026,,,r-9,",  # date format, no source
        ]
    )
    with pytest.raises(PriorUseRejected) as refused:
        await load(tx, bad)
    found = {(p.line, p.field): p.message for p in refused.value.problems}
    assert "did you mean 'respite'" in found[(3, "support")]
    assert "not a number" in found[(4, "amount")]
    assert "not days" in found[(5, "measure")]
    assert "which is 10 days" in found[(6, "amount")]
    assert "import the member first" in found[(7, "cin")]
    assert "after today" in found[(8, "service_start")]
    assert "also on line 2" in found[(9, "source_record_id")]
    assert "has no limit" in found[(10, "support")]
    assert "write YYYY-MM-DD" in found[(11, "service_start")]
    assert "--source" in found[(11, "source")]
    assert refused.value.total == len(found) == 10
    assert await count(tx, PriorUseRecord) == 0
    assert await count(tx, LimitEntry) == 0


async def test_jsonl_with_a_default_source_and_a_named_limit(tx: Tx) -> None:
    lines = "\n".join(
        json.dumps(line)
        for line in [
            {
                "cin": CIN,
                "limit": "rc-stphh-tr-6-in-12",
                "amount": 31,
                "service_start": "2026-01-01",
                "service_end": "2026-01-31",
                "source_record_id": "j-1",
            },
            {
                "cin": CIN,
                "support": "respite",
                "amount": "12.5",
                "service_date": "2026-02-01",
                "source_record_id": "j-2",
            },
        ]
    )
    outcome = await load(tx, lines, Format.JSONL, default_source="go-live")
    assert outcome == PriorUseOutcome(loaded=2, already_loaded=0, entries=2)
    async with tx() as session:
        sources = set(await session.scalars(select(PriorUseRecord.source_system)))
    assert sources == {"go-live"}


async def test_balance_shows_use_elsewhere_and_why_nothing_is_left(tx: Tx) -> None:
    await load(tx, PRIOR.replace(",320,hours,", ",336,hours,"))
    respite = spec("respite", "respite-hours-per-year")
    async with tx() as session:
        seen = await window_balance(
            CIN, respite, date(2026, 11, 2), viewer_plan=PLAN, session=session
        )
    assert (seen.first, seen.last) == (date(2026, 1, 1), date(2026, 12, 31))
    assert (seen.elsewhere, seen.used, seen.held, seen.remaining) == (
        Decimal("336.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert seen.exhausted
    assert seen.frees_on == date(2027, 1, 1)
    assert "of the cap of 336 hours, 336 used elsewhere (prior use)" in seen.why()
    assert "frees up from 2027-01-01" in seen.why()
    (entry,) = seen.counting
    assert entry.detail == "prior use: old-plan record r-1; caregiver relief"

    pool = spec("recuperative-care", "rc-stphh-tr-6-in-12")
    await load(tx, f"{HEADER}\n{CIN},transitional-rent,30,days,2026-06-01,2026-06-30,old-plan,r-9,")
    async with tx() as session:
        full = await window_balance(CIN, pool, date(2026, 7, 1), viewer_plan=PLAN, session=session)
    assert full.elsewhere == Decimal(180) and full.exhausted
    assert full.frees_on == date(2027, 1, 1)  # the window from then no longer holds 2026-01-01

    asthma = spec("asthma-remediation", "asthma-lifetime-dollars")
    async with tx() as session:
        left = await window_balance(
            CIN, asthma, date(2026, 7, 1), viewer_plan=PLAN, session=session
        )
    assert (left.first, left.remaining, left.elsewhere) == (None, Decimal(500), Decimal(7000))
    assert left.why() == ""


async def test_prior_use_records_are_append_only(tx: Tx) -> None:
    await load(tx, PRIOR)
    async with tx() as session:
        with pytest.raises(Exception, match="append-only"):
            await session.execute(text("UPDATE prior_use_records SET note = 'x'"))
    async with tx() as session:
        with pytest.raises(Exception, match="append-only"):
            await session.execute(text("DELETE FROM prior_use_entries"))


async def test_a_large_file_is_read_as_a_stream_twice_and_posted_in_chunks(tx: Tx) -> None:
    reads = []

    def lines() -> Iterator[str]:
        reads.append(1)
        yield HEADER
        for n in range(1200):  # 1,200 quarter-hours of respite, spread over 2025
            day = date(2025, 1, 1) + timedelta(days=n % 365)
            yield f"{CIN},respite,0.25,hours,{day},,old-plan,s-{n},"

    async with tx.begin() as session:
        outcome = await import_prior_use(
            session=session,
            cache=PinnedDefinitions(),
            plan=PLAN,
            actor="operations:demo-plan:ops",
            lines=lines,
            fmt=Format.CSV,
            today=TODAY,
        )
    assert outcome == PriorUseOutcome(loaded=1200, already_loaded=0, entries=1200)
    assert len(reads) == 2, "one pass to check, one to post; never a list of the whole file"
    respite = spec("respite", "respite-hours-per-year")
    async with tx() as session:
        seen = await window_balance(
            CIN, respite, date(2025, 6, 1), viewer_plan=PLAN, session=session
        )
    assert seen.elsewhere == Decimal(300)


async def test_a_per_authorization_limit_is_shown_for_a_new_authorization(tx: Tx) -> None:
    meals = spec("medically-tailored-meals", "meals-per-authorization")
    await load(tx, f"{HEADER}\n{CIN},medically-tailored-meals,100,units,2026-06-01,,old-plan,m-1,")
    async with tx() as session:
        seen = await window_balance(CIN, meals, date(2026, 6, 1), viewer_plan=PLAN, session=session)
    # prior use elsewhere was another authorization: a new one starts with all 168 meals
    assert (seen.window, seen.elsewhere, seen.remaining) == ("per authorization", 0, 168)
