"""Definition versions in the database: drafts, publishing, retiring, history, version in force.

Every function takes the caller's session as `session=` and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.db.keyset import Column, Ordering, Slice, Window, read_page
from lieu.platform.definitions.document import Definition, DefinitionRef, parse_definition
from lieu.platform.definitions.errors import (
    BaselineNotPublished,
    DraftUnderReview,
    InvalidDefinition,
    PublishedVersionImmutable,
    VersionExists,
    VersionNotFound,
)
from lieu.platform.definitions.hashing import content_hash
from lieu.platform.definitions.inheritance import effective
from lieu.platform.definitions.models import (
    DefinitionEvent,
    DefinitionReview,
    DefinitionStatus,
    DefinitionVersion,
    ReviewStatus,
)
from lieu.platform.definitions.problems import Problem, errors
from lieu.platform.definitions.salvage import extends_ref
from lieu.platform.definitions.schema import schema_problems
from lieu.platform.definitions.validation import validate_document, version_problems


async def get_version(
    *, session: AsyncSession, plan: str, support: str, version: int
) -> DefinitionVersion:
    """One stored version; VersionNotFound when there is none."""
    row = await session.scalar(
        select(DefinitionVersion).where(
            DefinitionVersion.plan == plan,
            DefinitionVersion.support == support,
            DefinitionVersion.version == version,
        )
    )
    if row is None:
        raise VersionNotFound(f"{plan}/{support}/v{version} does not exist")
    return row


async def readable_definition(*, session: AsyncSession, document: Mapping[str, Any]) -> Definition:
    """The definition in a schema-valid document. For one that is not, InvalidDefinition with
    every problem found in one pass: the schema's and those of the parts it leaves whole."""
    if not schema_problems(document):
        return parse_definition(document)
    baselines = {}
    ref = extends_ref(document)
    if ref is not None and (base := await stored_definition(session=session, ref=ref)):
        baselines[ref] = base
    problems = validate_document(document, baselines=baselines).problems
    raise InvalidDefinition(
        f"the document is not a valid definition, so it was not stored: {_listed(problems)}",
        problems,
    )


def _event(row: DefinitionVersion, kind: str, actor: str, detail: str = "") -> DefinitionEvent:
    return DefinitionEvent(definition_id=row.id, kind=kind, actor=actor, detail=detail)


async def pending_review(*, session: AsyncSession, definition_id: int) -> DefinitionReview | None:
    """The submission of a version waiting for a decision, if there is one."""
    found: DefinitionReview | None = await session.scalar(
        select(DefinitionReview).where(
            DefinitionReview.definition_id == definition_id,
            DefinitionReview.status == ReviewStatus.PENDING,
        )
    )
    return found


async def _not_under_review(session: AsyncSession, row: DefinitionVersion, doing: str) -> None:
    review = await pending_review(session=session, definition_id=row.id)
    if review is not None:
        raise DraftUnderReview(
            f"{row.plan}/{row.support}/v{row.version} was submitted for approval by "
            f"{review.submitted_by} (review {review.id}); it cannot be {doing} until it is "
            "approved, returned or withdrawn"
        )


def _apply(row: DefinitionVersion, definition: Definition, document: Mapping[str, Any]) -> None:
    row.title = definition.title
    row.effective_from = definition.effective_from
    row.extends_plan = definition.extends.plan if definition.extends else None
    row.extends_support = definition.extends.support if definition.extends else None
    row.extends_version = definition.extends.version if definition.extends else None
    row.document = dict(document)


async def create_draft(
    *, session: AsyncSession, document: Mapping[str, Any], actor: str
) -> DefinitionVersion:
    """Store a new draft version; it must be schema-valid, and may have other problems, which
    `draft_problems` lists (a draft with problems is neither simulated nor published)."""
    definition = await readable_definition(session=session, document=document)
    ref = definition.ref
    try:
        await get_version(session=session, plan=ref.plan, support=ref.support, version=ref.version)
    except VersionNotFound:
        pass
    else:
        raise VersionExists(
            f"{ref} already exists; edit that draft or use version {ref.version + 1}"
        )
    row = DefinitionVersion(
        plan=ref.plan, support=ref.support, version=ref.version, created_by=actor
    )
    _apply(row, definition, document)
    session.add(row)
    await session.flush()
    session.add(_event(row, "created", actor))
    return row


async def edit_draft(
    *, session: AsyncSession, document: Mapping[str, Any], actor: str
) -> DefinitionVersion:
    """Replace a draft's document; PublishedVersionImmutable once it has been published."""
    definition = await readable_definition(session=session, document=document)
    ref = definition.ref
    row = await get_version(
        session=session, plan=ref.plan, support=ref.support, version=ref.version
    )
    if row.status is not DefinitionStatus.DRAFT:
        raise PublishedVersionImmutable(
            f"{ref} is {row.status.value} and can never change; create version "
            f"{ref.version + 1} to supersede it"
        )
    await _not_under_review(session, row, "edited")
    _apply(row, definition, document)
    session.add(_event(row, "edited", actor))
    return row


async def stored_definition(
    *, session: AsyncSession, ref: DefinitionRef, published_only: bool = True
) -> Definition | None:
    """The parsed definition stored under ref (published or retired only, by default)."""
    try:
        row = await get_version(
            session=session, plan=ref.plan, support=ref.support, version=ref.version
        )
    except VersionNotFound:
        return None
    if published_only and row.status is DefinitionStatus.DRAFT:
        return None
    return parse_definition(row.document)


async def draft_problems(*, session: AsyncSession, row: DefinitionVersion) -> tuple[Problem, ...]:
    """Every problem of a stored version: validation against its stored baseline, and its
    effective date among the support's published versions (warnings included)."""
    draft = parse_definition(row.document)
    baselines = {}
    if draft.extends is not None:
        base = await stored_definition(session=session, ref=draft.extends)
        if base is not None:
            baselines[draft.extends] = base
    validated = validate_document(row.document, baselines=baselines)
    siblings = await list_versions(
        session=session, plan=row.plan, support=row.support, status=DefinitionStatus.PUBLISHED
    )
    dated = version_problems(
        [parse_definition(s.document) for s in siblings if s.version != row.version] + [draft]
    )
    return (*validated.problems, *dated.get(draft.ref, []))


def unfinished_draft(ref: DefinitionRef, problems: tuple[Problem, ...] | list[Problem]) -> str:
    """What to tell the author of a draft saved with problems."""
    count = len(errors(problems))
    them = "it is" if count == 1 else "they are"
    return (
        f"{ref} is saved as a draft with {count} problem{'s' * (count != 1)}; it cannot be "
        f"simulated or published until {them} fixed"
    )


def _listed(problems: tuple[Problem, ...] | list[Problem]) -> str:
    return "; ".join(f"{p.pointer or '/'}: {p.code}: {p.message}" for p in problems)


async def valid_draft(
    *, session: AsyncSession, plan: str, support: str, version: int, doing: str
) -> DefinitionVersion:
    """A stored version ready for `doing` ('simulated', 'published'); InvalidDefinition listing
    every problem that blocks it."""
    row = await get_version(session=session, plan=plan, support=support, version=version)
    if row.status is DefinitionStatus.DRAFT:
        problems = tuple(errors(await draft_problems(session=session, row=row)))
        if problems:
            raise InvalidDefinition(
                f"{plan}/{support}/v{version} cannot be {doing}: {_listed(problems)}", problems
            )
    return row


async def publish(
    *,
    session: AsyncSession,
    plan: str,
    support: str,
    version: int,
    actor: str,
    approving: bool = False,
) -> DefinitionVersion:
    """Validate and freeze a draft: content hash, published_at; InvalidDefinition on errors.
    A draft waiting for approval is published only by its approval (`approving`)."""
    row = await get_version(session=session, plan=plan, support=support, version=version)
    if row.status is not DefinitionStatus.DRAFT:
        raise PublishedVersionImmutable(f"{plan}/{support}/v{version} is already {row.status}")
    if not approving:
        await _not_under_review(session, row, "published directly")
    await valid_draft(
        session=session, plan=plan, support=support, version=version, doing="published"
    )
    row.content_hash = content_hash(row.document)
    row.status = DefinitionStatus.PUBLISHED
    row.published_at = utcnow()
    session.add(_event(row, "published", actor, f"sha256 {row.content_hash}"))
    return row


async def retire(
    *, session: AsyncSession, plan: str, support: str, version: int, actor: str, why: str = ""
) -> DefinitionVersion:
    """Withdraw a published version: it is no longer in force for any date."""
    row = await get_version(session=session, plan=plan, support=support, version=version)
    if row.status is not DefinitionStatus.PUBLISHED:
        raise PublishedVersionImmutable(
            f"{plan}/{support}/v{version} is {row.status}; only a published version is retired"
        )
    row.status = DefinitionStatus.RETIRED
    row.retired_at = utcnow()
    session.add(_event(row, "retired", actor, why))
    return row


async def history(
    *, session: AsyncSession, plan: str, support: str, version: int | None = None
) -> list[DefinitionEvent]:
    """What happened to one support's versions (or one version), oldest first."""
    query = (
        select(DefinitionEvent)
        .join(DefinitionVersion, DefinitionEvent.definition_id == DefinitionVersion.id)
        .where(DefinitionVersion.plan == plan, DefinitionVersion.support == support)
        .order_by(DefinitionEvent.at, DefinitionEvent.id)
    )
    if version is not None:
        query = query.where(DefinitionVersion.version == version)
    return list((await session.scalars(query)).all())


async def list_versions(
    *,
    session: AsyncSession,
    plan: str | None = None,
    support: str | None = None,
    status: DefinitionStatus | None = None,
) -> list[DefinitionVersion]:
    """Stored versions, by plan, support and version."""
    query = select(DefinitionVersion).order_by(
        DefinitionVersion.plan, DefinitionVersion.support, DefinitionVersion.version
    )
    if plan is not None:
        query = query.where(DefinitionVersion.plan == plan)
    if support is not None:
        query = query.where(DefinitionVersion.support == support)
    if status is not None:
        query = query.where(DefinitionVersion.status == status)
    return list((await session.scalars(query)).all())


BY_SUPPORT_AND_VERSION = Ordering(
    (
        Column(DefinitionVersion.plan),
        Column(DefinitionVersion.support),
        Column(DefinitionVersion.version),
    )
)


async def versions_page(
    *,
    session: AsyncSession,
    window: Window,
    plan: str,
    support: str | None = None,
    status: DefinitionStatus | None = None,
) -> Slice[DefinitionVersion]:
    """A page of a plan's stored versions, by support and version."""
    query = select(DefinitionVersion).where(DefinitionVersion.plan == plan)
    if support is not None:
        query = query.where(DefinitionVersion.support == support)
    if status is not None:
        query = query.where(DefinitionVersion.status == status)
    return await read_page(session, query, BY_SUPPORT_AND_VERSION, window)


async def version_in_force(
    *, session: AsyncSession, plan: str, support: str, on: date
) -> DefinitionVersion | None:
    """The published version with the latest effective_from on or before the date of service."""
    row: DefinitionVersion | None = await session.scalar(
        select(DefinitionVersion)
        .where(
            DefinitionVersion.plan == plan,
            DefinitionVersion.support == support,
            DefinitionVersion.status == DefinitionStatus.PUBLISHED,
            DefinitionVersion.effective_from <= on,
        )
        .order_by(DefinitionVersion.effective_from.desc(), DefinitionVersion.version.desc())
        .limit(1)
    )
    return row


async def effective_in_force(
    *, session: AsyncSession, plan: str, support: str, on: date
) -> Definition | None:
    """The effective definition (baseline ⊕ plan) in force on a date, or None."""
    row = await version_in_force(session=session, plan=plan, support=support, on=on)
    if row is None:
        return None
    return await with_baseline(session=session, definition=parse_definition(row.document))


async def with_baseline(*, session: AsyncSession, definition: Definition) -> Definition | None:
    """The effective definition: a plan's narrowed onto its stored baseline (None when the
    baseline is missing); a baseline as it is."""
    if definition.extends is None:
        return definition
    baseline = await stored_definition(session=session, ref=definition.extends)
    return None if baseline is None else effective(baseline, definition)


async def effective_version(
    *, session: AsyncSession, plan: str, support: str, version: int
) -> Definition:
    """The effective definition of a stored version, drafts included: a plan's merged over its
    published baseline (what a diff compares); VersionNotFound or BaselineNotPublished."""
    row = await get_version(session=session, plan=plan, support=support, version=version)
    definition = parse_definition(row.document)
    merged = await with_baseline(session=session, definition=definition)
    if merged is None:
        raise BaselineNotPublished(
            f"{row.ref} extends {definition.extends}, which is not published, so what it "
            "inherits is unknown; publish that baseline first"
        )
    return merged
