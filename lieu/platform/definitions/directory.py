"""Publishing definition files: one document, or a whole directory (baselines, then plans)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.document import DefinitionRef, DocumentStatus
from lieu.platform.definitions.errors import ContentConflict, InvalidDefinition, VersionNotFound
from lieu.platform.definitions.hashing import content_hash
from lieu.platform.definitions.loading import load_files
from lieu.platform.definitions.models import DefinitionStatus
from lieu.platform.definitions.problems import Problem, errors
from lieu.platform.definitions.versions import (
    create_draft,
    draft_problems,
    edit_draft,
    get_version,
    publish,
    readable_definition,
)


class Action(enum.StrEnum):
    """What publishing a document did."""

    PUBLISHED = "published"
    UNCHANGED = "unchanged"
    DRAFTED = "drafted"


@dataclass(frozen=True, slots=True)
class Loaded:
    """One document's identity, what was done, its content hash, and (for a draft) the problems
    that keep it from being simulated or published."""

    ref: DefinitionRef
    action: Action
    content_hash: str
    problems: tuple[Problem, ...] = ()


async def publish_document(
    *, session: AsyncSession, document: Mapping[str, Any], actor: str
) -> Loaded:
    """Store and publish a document; a no-op when the same content is already published.

    A document whose status is 'draft' is stored as a draft only, problems and all (they are in
    the result). ContentConflict when a published version with the same number holds different
    content; InvalidDefinition, storing nothing, when the document cannot be read or published.
    """
    definition = await readable_definition(session=session, document=document)
    ref, digest = definition.ref, content_hash(document)
    try:
        row = await get_version(
            session=session, plan=ref.plan, support=ref.support, version=ref.version
        )
    except VersionNotFound:
        row = await create_draft(session=session, document=document, actor=actor)
    else:
        if row.status is not DefinitionStatus.DRAFT:
            if row.content_hash == digest:
                return Loaded(ref, Action.UNCHANGED, digest)
            raise ContentConflict(
                f"{ref} is already {row.status.value} with different content (sha256 "
                f"{(row.content_hash or '')[:12]}…, file {digest[:12]}…); published versions "
                f"never change: save the change as version {ref.version + 1}"
            )
        row = await edit_draft(session=session, document=document, actor=actor)
    if definition.status is DocumentStatus.DRAFT:
        problems = await draft_problems(session=session, row=row)
        return Loaded(ref, Action.DRAFTED, digest, problems)
    await publish(
        session=session, plan=ref.plan, support=ref.support, version=ref.version, actor=actor
    )
    await session.flush()
    return Loaded(ref, Action.PUBLISHED, digest)


async def load_directory(*, session: AsyncSession, root: Path, actor: str) -> list[Loaded]:
    """Publish every definition under root, baselines first; unchanged versions are left alone.

    Raises InvalidDefinition listing every problem of every file when any file has errors.
    """
    sources = load_files([root], root=None)
    problems = [
        (source.path, problem)
        for source in sources
        for problem in errors(source.validated.problems)
    ]
    if problems:
        lines = "; ".join(f"{path}#{p.pointer}: {p.code}: {p.message}" for path, p in problems)
        raise InvalidDefinition(
            f"{len(problems)} problem(s) in {root}: {lines}",
            tuple(p for _, p in problems),
            tuple(str(path) for path, _ in problems),
        )
    ordered = sorted(
        (s for s in sources if s.definition is not None and isinstance(s.document, dict)),
        key=lambda s: (s.definition is not None and s.definition.extends is not None, str(s.path)),
    )
    results = []
    for source in ordered:
        assert isinstance(source.document, dict)
        if source.definition is not None and source.definition.status is DocumentStatus.RETIRED:
            continue
        results.append(
            await publish_document(session=session, document=source.document, actor=actor)
        )
    return results
