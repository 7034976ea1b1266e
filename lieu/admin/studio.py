"""The studio (issue #13, first part): a plan's product team browses each support's versions —
the DHCS baseline's and its own, in force, scheduled, drafts, retired — with the counties that
offer it, and tries a persona under the version in force and under its newest draft, side by
side, criterion by criterion. Served under the console (/admin/studio), for plan_admin."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from lieu.admin.access import STUDIO, refused
from lieu.admin.actions import origin_of
from lieu.admin.database import reads, runtime_of, writes
from lieu.admin.pages import page, templates
from lieu.admin.session import NotSignedIn, csrf_token, principal_of
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.members import MemberNotVisible, visible_member
from lieu.platform.access.roles import Principal
from lieu.platform.definitions.cases import (
    CaseFileError,
    load_cases,
    member_facts,
    run_case,
)
from lieu.platform.definitions.diff import diff_definitions
from lieu.platform.definitions.document import Definition, parse_definition
from lieu.platform.definitions.eligibility import assess_member
from lieu.platform.definitions.errors import InvalidDefinition
from lieu.platform.definitions.library import Library
from lieu.platform.definitions.models import DefinitionEvent, DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.problems import Problem
from lieu.platform.definitions.simulation import (
    Simulation,
    SimulationError,
    Tally,
    compare_members,
    count_members,
)
from lieu.platform.definitions.supports import BASELINE_PLAN, SUPPORT_NAMES, SUPPORTS
from lieu.platform.definitions.versions import (
    draft_problems,
    effective_in_force,
    pending_review,
    stored_definition,
    with_baseline,
)
from lieu.platform.elections.changes import ChangeKind, ElectionChange, Refusal
from lieu.platform.elections.counties import COUNTIES, county_name, county_slug
from lieu.platform.elections.history import change_history
from lieu.platform.elections.models import Election
from lieu.platform.elections.offerings import in_force
from lieu.platform.members.personas import moved_to
from lieu.platform.plans.settings import plan_settings
from lieu.platform.rules.assessment import Assessment
from lieu.workflows.elections.client import election_state, submit_change
from lieu.workflows.elections.types import CycleState


@dataclass(frozen=True, slots=True)
class VersionLine:
    """One stored version as the studio lists it."""

    plan: str
    version: int
    title: str
    effective_from: dt.date
    state: str  # in force | scheduled | superseded | draft | retired
    words: str  # the state in a sentence: "in force since 2027-01-01"
    published_at: dt.datetime | None
    content_hash: str | None
    extends: str
    published_by: str = ""  # who published it (its history's "published" event)


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One case run with the draft among the plan's versions."""

    name: str
    on: dt.date
    passed: bool
    mismatches: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DraftChange:
    """What the newest draft would change: its problems, its diff against the version in force
    and against its baseline, and (when asked) the simulation over the plan's members."""

    ref: str
    problems: tuple[Problem, ...]
    against_in_force: tuple[str, list[str]] | None  # (what it is compared with, sentences)
    against_baseline: tuple[str, list[str]] | None
    cases: tuple[CaseLine, ...] = ()  # the support's cases (cases/*.yaml) with the draft in
    simulation: Simulation | None = None
    refused: str = ""


@dataclass(frozen=True, slots=True)
class Tried:
    """A persona's outcome under one version."""

    heading: str
    ref: str
    assessment: Assessment | None
    problem: str = ""


def version_lines(
    rows: list[DefinitionVersion],
    today: dt.date,
    publishers: Mapping[int, str] | None = None,
) -> list[VersionLine]:
    """Each version of one plan's support with its state on `today` (rows oldest first), and
    who published it (`publishers`: version row id → actor)."""
    published = [r for r in rows if r.status == DefinitionStatus.PUBLISHED]
    started = [r for r in published if r.effective_from <= today]
    current = max(started, key=lambda r: (r.effective_from, r.version), default=None)
    lines = []
    for row in rows:
        if row.status == DefinitionStatus.DRAFT:
            state, words = "draft", "draft: not published"
        elif row.status == DefinitionStatus.RETIRED:
            state, words = "retired", "retired"
        elif row is current:
            state, words = "in-force", f"in force since {row.effective_from.isoformat()}"
        elif row.effective_from > today:
            state, words = "scheduled", f"scheduled from {row.effective_from.isoformat()}"
        else:
            state, words = "superseded", "superseded by a later version"
        extends = (
            f"{row.extends_plan}/{row.extends_support}/v{row.extends_version}"
            if row.extends_plan
            else ""
        )
        lines.append(
            VersionLine(
                plan=row.plan,
                version=row.version,
                title=row.title,
                effective_from=row.effective_from,
                state=state,
                words=words,
                published_at=row.published_at,
                content_hash=row.content_hash,
                extends=extends,
                published_by=(publishers or {}).get(row.id, ""),
            )
        )
    return lines


async def stored_versions(
    session: AsyncSession, plan: str, support: str | None = None
) -> dict[tuple[str, str], list[DefinitionVersion]]:
    query = select(DefinitionVersion).where(DefinitionVersion.plan.in_([plan, BASELINE_PLAN]))
    if support is not None:
        query = query.where(DefinitionVersion.support == support)
    found: dict[tuple[str, str], list[DefinitionVersion]] = {}
    for row in await session.scalars(query.order_by(DefinitionVersion.version)):
        found.setdefault((row.plan, row.support), []).append(row)
    return found


async def publishers_of(
    session: AsyncSession, versions: Mapping[tuple[str, str], list[DefinitionVersion]]
) -> dict[int, str]:
    """Who published each listed version (the actor of its history's "published" event)."""
    ids = [row.id for rows in versions.values() for row in rows if row.published_at]
    if not ids:
        return {}
    found = await session.execute(
        select(DefinitionEvent.definition_id, DefinitionEvent.actor).where(
            DefinitionEvent.definition_id.in_(ids), DefinitionEvent.kind == "published"
        )
    )
    return {definition_id: actor for definition_id, actor in found}


async def _counties(session: AsyncSession, plan: str, today: dt.date) -> dict[str, list[str]]:
    """Support → the counties the plan offers it in today (names, sorted)."""
    rows = await session.execute(
        select(Election.support, Election.county).where(Election.plan == plan, in_force(today))
    )
    found: dict[str, list[str]] = {}
    for support, county in rows:
        found.setdefault(support, []).append(county_name(county))
    return {support: sorted(set(names)) for support, names in found.items()}


async def studio_principal(request: Request) -> Principal | Response:
    """The plan_admin signed in, or the answer to give instead (sign in; a 403 naming who may)."""
    try:
        principal = await principal_of(request)
    except NotSignedIn:
        back = urlencode({"next": request.url.path})
        return RedirectResponse(f"/admin/login?{back}", status_code=303)
    if not STUDIO.allows(principal):
        return refused(request, principal, STUDIO)
    return principal


async def studio(request: Request) -> Response:
    """Every support: the baseline's versions and the plan's, and where it is offered today."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    plan = principal.plan
    async with reads(request)() as session:
        today = await plan_today(session, plan)
        versions = await stored_versions(session, plan)
        counties = await _counties(session, plan, today)
    supports = [
        {
            "code": code,
            "name": SUPPORT_NAMES[code],
            "baseline": version_lines(versions.get((BASELINE_PLAN, code), []), today),
            "plan": version_lines(versions.get((plan, code), []), today),
            "counties": counties.get(code, []),
        }
        for code in sorted(SUPPORTS, key=lambda c: SUPPORT_NAMES[c])
    ]
    return page(request, "studio.html", {"supports": supports, "today": today}, principal=principal)


def persona_names(folder: Path) -> list[str]:
    """The personas a product team can try (benefit_definitions/members/*.yaml)."""
    return sorted(path.stem for path in folder.glob("*.yaml"))


async def studio_support(request: Request) -> Response:
    """One support: its versions, where it is offered, and a persona (or a member of the plan,
    by CIN) tried under the version in force and the newest draft."""
    return await _support_page(request, pasted=None)


async def studio_try(request: Request) -> Response:
    """The support's page with facts pasted as JSON tried under both versions (a form POST)."""
    form = await request.form()
    return await _support_page(request, pasted=str(form.get("facts", ""))[:LONGEST_FACTS])


LONGEST_FACTS = 64 * 1024


async def _support_page(request: Request, *, pasted: str | None) -> Response:
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    plan = principal.plan
    support = request.path_params["support"]
    if support not in SUPPORTS:
        return _no_such_support(request, support)
    folder = runtime_of(request).settings.definitions_dir / "members"
    personas = persona_names(folder)
    persona = request.query_params.get("persona", "")
    cin = request.query_params.get("cin", "").strip()[:20]
    problems: list[str] = []
    facts: dict[str, object] | None = None
    async with reads(request)() as session:
        today = await plan_today(session, plan)
    on = today
    asked_on = request.query_params.get("on", "")
    if asked_on:
        try:
            on = dt.date.fromisoformat(asked_on)
        except ValueError:
            problems.append(f"date {asked_on!r} is not a date: write it as YYYY-MM-DD")
    if pasted is not None:
        facts = _pasted_facts(pasted, problems)
    elif cin:
        facts = await _member_facts(request, principal, cin, problems)
    elif persona and persona not in personas:
        problems.append(f"no persona {persona!r}; choose one of {', '.join(personas)}")
    elif persona:
        facts = moved_to(member_facts(persona, folder), on)
    async with reads(request)() as session:
        versions = await stored_versions(session, plan, support)
        publishers = await publishers_of(session, versions)
        counties = (await _counties(session, plan, today)).get(support, [])
        change = await _draft_change(session, plan, versions, support, on, folder.parent)
        drafts = [
            r for r in versions.get((plan, support), []) if r.status == DefinitionStatus.DRAFT
        ]
        review = (
            await pending_review(session=session, definition_id=drafts[-1].id) if drafts else None
        )
        tried: list[Tried] = []
        if facts is not None and not problems:
            tried = await _tries(session, plan, versions, support, facts, on)
    return page(
        request,
        "studio_support.html",
        {
            "support": {"code": support, "name": SUPPORT_NAMES[support]},
            "baseline": version_lines(
                versions.get((BASELINE_PLAN, support), []), today, publishers
            ),
            "plan_versions": version_lines(versions.get((plan, support), []), today, publishers),
            "counties": counties,
            "personas": personas,
            "persona": persona,
            "cin": cin,
            "pasted": pasted or "",
            "asked": facts is not None or bool(persona),
            "on": on,
            "tried": tried,
            "problems": problems,
            "change": change,
            "review": review,
        },
        principal=principal,
    )


def _pasted_facts(text: str, problems: list[str]) -> dict[str, object] | None:
    """Member facts pasted as a JSON object (the shape of benefit_definitions/members/*.yaml)."""
    try:
        found = json.loads(text)
    except json.JSONDecodeError as broken:
        where = f"line {broken.lineno}, column {broken.colno}"
        problems.append(f"the facts are not JSON: {broken.msg} at {where}")
        return None
    if not isinstance(found, dict):
        problems.append('the facts are a JSON object, e.g. {"county": "Orange", "age": 70}')
        return None
    return found


async def _member_facts(
    request: Request, principal: Principal, cin: str, problems: list[str]
) -> dict[str, object] | None:
    """A member of the plan's facts, as stored (a read of member data: audited)."""
    target = f"member:{principal.plan}/{cin}"
    async with writes(request).begin() as session:
        try:
            member = await visible_member(session=session, principal=principal, cin=cin)
        except MemberNotVisible:
            outcome, facts = "not_found", None
            problems.append(f"no member {cin!r} in {principal.plan}")
        else:
            outcome, facts = "ok", dict(member.facts)
        audit = AuditRecord(principal, "console.try_member", target, outcome, origin_of(request))
        record(session, [audit])
    return facts


PROGRESS_EVERY = 5_000  # members between two progress lines of a streamed simulation


async def studio_simulate(request: Request) -> Response:
    """The newest draft run over the plan's members (who gains, who loses), streamed: the page
    arrives at once and says how far the run is every PROGRESS_EVERY members, then the figures
    (a plan's 100,000 members take seconds). Members' facts are read, so the run is audited, as
    GraphQL's simulateDraft is, in the transaction that reads them."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    plan, support = principal.plan, request.path_params["support"]
    if support not in SUPPORTS:
        return _no_such_support(request, support)
    async with reads(request)() as session:
        today = await plan_today(session, plan)
        versions = await stored_versions(session, plan, support)
        root = runtime_of(request).settings.definitions_dir
        change = await _draft_change(session, plan, versions, support, today, root)
        total = await count_members(session=session, plan=plan)
    if change is None:
        return RedirectResponse(
            str(request.url_for("admin:admin-studio-support", support=support)), status_code=303
        )
    context = {"support": {"code": support, "name": SUPPORT_NAMES[support]}, "on": today}
    skeleton = page(
        request,
        "studio_simulation.html",
        {**context, "change": change, "streaming": True},
        principal=principal,
    )
    head, rest = bytes(skeleton.body).decode().split("<!--progress-->", 1)
    between, tail = rest.split("<!--result-->", 1)
    version = int(change.ref.rsplit("/v", 1)[1])

    async def stream() -> AsyncIterator[str]:
        yield head
        yield f"<p>Assessing {total:,} members under both versions…</p>"
        tally = Tally()
        done = replace(change, refused="")
        async with writes(request).begin() as session:
            try:
                found = compare_members(
                    session=session, plan=plan, support=support, version=version, on=today
                )
                async for compared in found:
                    tally.add(compared)
                    if tally.result.members % PROGRESS_EVERY == 0:
                        yield f"<p>{tally.result.members:,} of {total:,} members assessed</p>"
                done = replace(change, simulation=tally.done())
                outcome, detail = "ok", f"{change.ref}: {tally.result.members} members"
            except (InvalidDefinition, SimulationError) as broken:
                outcome, detail = "refused", str(broken)
                done = replace(change, refused=str(broken))
            audit = AuditRecord(
                principal,
                "console.simulate_draft",
                f"members:{plan}",
                outcome,
                origin_of(request),
                detail=detail,
            )
            record(session, [audit])
        if outcome == "ok":
            yield f"<p>All {tally.result.members:,} members assessed.</p>"
        yield between
        fragment = templates.get_template("_simulation_result.html")
        yield fragment.render(
            {**context, "change": done, "request": request, "csrf": csrf_token(request)}
        )
        yield tail

    return StreamingResponse(
        stream(), media_type="text/html; charset=utf-8", headers=_without_length(skeleton)
    )


def _without_length(response: Response) -> dict[str, str]:
    """The page's headers for a streamed body (its own length does not apply)."""
    return {
        k: v
        for k, v in response.headers.items()
        if k.lower() not in ("content-length", "content-type")
    }


async def _draft_change(
    session: AsyncSession,
    plan: str,
    versions: dict[tuple[str, str], list[DefinitionVersion]],
    support: str,
    on: dt.date,
    root: Path,
) -> DraftChange | None:
    """The newest draft's problems and diffs (None: the plan has no draft of the support)."""
    drafts = [r for r in versions.get((plan, support), []) if r.status == DefinitionStatus.DRAFT]
    if not drafts:
        return None
    return await change_of_draft(session, plan, versions, drafts[-1], on, root)


async def change_of_draft(
    session: AsyncSession,
    plan: str,
    versions: dict[tuple[str, str], list[DefinitionVersion]],
    row: DefinitionVersion,
    on: dt.date,
    root: Path,
) -> DraftChange:
    """One draft's problems, its diffs against the version in force on `on` and its baseline,
    and the support's cases run with it."""
    support = row.support
    ref = f"{row.plan}/{row.support}/v{row.version}"
    problems = await draft_problems(session=session, row=row)
    draft = parse_definition(row.document)
    merged = await with_baseline(session=session, definition=draft)
    if merged is None:
        return DraftChange(ref, problems, None, None)
    current = await _in_force(session, plan, support, on)
    against_in_force = (
        None
        if current is None
        else (f"{current.ref} (in force on {on.isoformat()})", diff_definitions(current, merged))
    )
    baseline = (
        await stored_definition(session=session, ref=draft.extends) if draft.extends else None
    )
    against_baseline = (
        None
        if baseline is None
        else (f"{baseline.ref} (the baseline it extends)", diff_definitions(baseline, merged))
    )
    cases = _cases_with_draft(versions, plan, support, row, root)
    return DraftChange(ref, problems, against_in_force, against_baseline, cases)


def _cases_with_draft(
    versions: dict[tuple[str, str], list[DefinitionVersion]],
    plan: str,
    support: str,
    draft: DefinitionVersion,
    root: Path,
) -> tuple[CaseLine, ...]:
    """The plan's cases of the support (`<plan>/<support>/cases/*.yaml` under the definitions
    folder), each on its dates, with the published versions and the draft in force by date:
    what the draft would break."""
    folder = root / plan / support / "cases"
    stored = [
        r
        for key in ((BASELINE_PLAN, support), (plan, support))
        for r in versions.get(key, [])
        if r.status == DefinitionStatus.PUBLISHED or r is draft
    ]
    try:
        library = Library({d.ref: d for d in (parse_definition(r.document) for r in stored)})
    except (KeyError, TypeError, ValueError):
        return ()
    lines = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            cases = load_cases(path, root / "members")
        except CaseFileError as broken:
            lines.append(CaseLine(path.name, dt.date.min, False, (str(broken),)))
            continue
        for case in cases:
            result = run_case(case, library)
            lines.append(CaseLine(case.name, case.as_of, not result.mismatches, result.mismatches))
    return tuple(lines)


async def _tries(
    session: AsyncSession,
    plan: str,
    versions: dict[tuple[str, str], list[DefinitionVersion]],
    support: str,
    facts: dict[str, object],
    on: dt.date,
) -> list[Tried]:
    """The persona under the version in force on `on` (the plan's, else the baseline's) and
    under the plan's newest draft."""
    found = []
    current = await _in_force(session, plan, support, on)
    if current is not None:
        found.append(
            Tried(
                f"In force on {on.isoformat()}",
                str(current.ref),
                assess_member(current, facts, on),
            )
        )
    drafts = [r for r in versions.get((plan, support), []) if r.status == DefinitionStatus.DRAFT]
    if drafts:
        row = drafts[-1]
        ref = f"{row.plan}/{row.support}/v{row.version}"
        try:
            definition = await with_baseline(
                session=session, definition=parse_definition(row.document)
            )
        except (KeyError, TypeError, ValueError) as unreadable:
            found.append(
                Tried("Newest draft", ref, None, f"the document cannot be read: {unreadable}")
            )
            return found
        if definition is None:
            found.append(Tried("Newest draft", ref, None, "its baseline is not published"))
        else:
            found.append(Tried("Newest draft", ref, assess_member(definition, facts, on)))
    return found


async def _in_force(
    session: AsyncSession, plan: str, support: str, on: dt.date
) -> Definition | None:
    """The effective definition the plan runs on `on`: its own version in force, else the
    baseline's."""
    return await effective_in_force(
        session=session, plan=plan, support=support, on=on
    ) or await effective_in_force(session=session, plan=BASELINE_PLAN, support=support, on=on)


async def plan_today(session: AsyncSession, plan: str) -> dt.date:
    """The plan's date now (its time zone)."""
    settings = await plan_settings(plan, session=session)
    return settings.calendar.local_date(dt.datetime.now(dt.UTC))


def _no_such_support(request: Request, support: str) -> Response:
    return page(request, "not_found.html", {"what": "support", "number": support}, status_code=404)


@dataclass(frozen=True, slots=True)
class Cell:
    """One support in one county, as the elections calendar shows it."""

    offered: bool  # today
    words: str  # "offered", "from 2027-07-01", "until 2027-01-01", "" (not offered)
    pending: str  # "add pending for 2027-07-01", "" when nothing is pending


async def elections_page(request: Request) -> Response:
    """The plan's elections: county × support (offered today, starting or ending later, pending
    in the open cycle), the cycle and its window, and a form to submit an addition or removal
    to the election workflow (the same checks and refusals as submitElectionChange)."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    return await _elections(request, principal)


async def _elections(
    request: Request,
    principal: Principal,
    *,
    refusal: str = "",
    accepted: str = "",
    asked: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    plan = principal.plan
    runtime = runtime_of(request)
    async with reads(request)() as session:
        today = await plan_today(session, plan)
        rows = list(await session.scalars(select(Election).where(Election.plan == plan)))
        changes = await change_history(session=session, plan=plan)
    try:
        state: CycleState | None = await election_state(runtime.temporal, plan)
        no_cycle = ""
    except (RPCError, WorkflowQueryFailedError) as missing:
        state = None
        no_cycle = (
            "the plan's election workflow is not running, so no change can be submitted; "
            "`lieu dev` (or the set-up of a deployment) starts it"
            if isinstance(missing, RPCError) and missing.status is RPCStatusCode.NOT_FOUND
            else f"the plan's election workflow does not answer ({missing}); try again shortly"
        )
    pending = [c for c in changes if c.status == "pending"]
    counties = sorted({r.county for r in rows} | {c.county for c in pending}, key=county_name)
    grid: dict[str, dict[str, Cell]] = {}
    for county in counties:
        grid[county] = {}
        for support in SUPPORTS:
            mine = [r for r in rows if r.county == county and r.support == support]
            now = [
                r
                for r in mine
                if r.effective_from <= today and (r.effective_to is None or r.effective_to > today)
            ]
            later = sorted(r.effective_from for r in mine if r.effective_from > today)
            if now:
                ends = [r.effective_to for r in now if r.effective_to is not None]
                words = f"until {min(ends).isoformat()}" if ends else "offered"
            elif later:
                words = f"from {later[0].isoformat()}"
            else:
                words = ""
            waiting = [c for c in pending if c.county == county and c.support == support]
            grid[county][support] = Cell(
                offered=bool(now),
                words=words,
                pending=", ".join(
                    f"{c.kind} pending for {c.cycle_start.isoformat()}" for c in waiting
                ),
            )
    supports = sorted(SUPPORTS, key=lambda c: SUPPORT_NAMES[c])
    return page(
        request,
        "studio_elections.html",
        {
            "today": today,
            "state": state,
            "no_cycle": no_cycle,
            "counties": counties,
            "names": {county: county_name(county) for county in COUNTIES},
            "all_counties": sorted(COUNTIES, key=county_name),
            "supports": supports,
            "support_names": SUPPORT_NAMES,
            "grid": grid,
            "refusal": refusal,
            "accepted": accepted,
            "asked": asked or {},
        },
        principal=principal,
        status_code=status_code,
    )


async def submit_election(request: Request) -> Response:
    """Submit an addition or removal to the open window; the page shows what came of it."""
    principal = await studio_principal(request)
    if isinstance(principal, Response):
        return principal
    form = await request.form()
    asked = {key: str(form.get(key, "")).strip() for key in ("county", "support", "kind", "reason")}
    if asked["kind"] not in {kind.value for kind in ChangeKind}:
        return await _elections(
            request,
            principal,
            refusal=f"choose add or remove, not {asked['kind']!r}",
            asked=asked,
            status_code=400,
        )
    change = ElectionChange(
        plan=principal.plan,
        county=county_slug(asked["county"]),
        support=asked["support"],
        kind=ChangeKind(asked["kind"]),
        actor=principal.actor,
        reason=asked["reason"],
    )
    target = f"election:{change.plan}/{change.county}/{change.support}"
    # stored before it is sent (see lieu.graphql.audit_trail.audit_ahead)
    await _audit_election(request, principal, target, "sent", "sent to the election workflow")
    try:
        taken = await submit_change(runtime_of(request).temporal, change)
    except Refusal as refused_change:
        outcome, detail = "refused", refused_change.code
        answer = await _elections(
            request, principal, refusal=refused_change.message, asked=asked, status_code=409
        )
    else:
        outcome, detail = "ok", change.kind.value
        answer = await _elections(
            request,
            principal,
            accepted=(
                f"Accepted: {change.describe()} takes effect on {taken.takes_effect.isoformat()}."
            ),
        )
    await _audit_election(request, principal, target, outcome, detail)
    return answer


async def _audit_election(
    request: Request, principal: Principal, target: str, outcome: str, detail: str
) -> None:
    line = AuditRecord(
        principal,
        "console.submit_election_change",
        target,
        outcome,
        origin_of(request),
        detail=detail,
    )
    async with writes(request).begin() as session:
        record(session, [line])
