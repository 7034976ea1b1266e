"""Pinned definitions: the exact published version an authorization runs, checked by its hash."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.document import DefinitionRef as VersionRef
from lieu.platform.definitions.eligibility import compile_definition
from lieu.platform.definitions.errors import VersionNotFound
from lieu.platform.definitions.models import DefinitionStatus
from lieu.platform.definitions.versions import get_version, stored_definition, with_baseline
from lieu.platform.rules.eligibility import CompiledCriteria


class PinnedDefinitionError(LookupError):
    """The pinned version is missing, unpublished, or its content changed (hash mismatch)."""


class PinnedDefinitions:
    """Effective definitions by pinned reference, cached: published versions never change."""

    def __init__(self) -> None:
        self._definitions: dict[DefinitionRef, Definition] = {}
        self._criteria: dict[DefinitionRef, CompiledCriteria] = {}

    async def get(self, session: AsyncSession, ref: DefinitionRef) -> Definition:
        """The effective definition (baseline ⊕ plan) of the pinned version."""
        if (cached := self._definitions.get(ref)) is not None:
            return cached
        try:
            row = await get_version(
                session=session, plan=ref.plan, support=ref.support, version=ref.version
            )
        except VersionNotFound as missing:
            raise PinnedDefinitionError(f"the pinned definition is gone: {missing}") from None
        if row.status is DefinitionStatus.DRAFT:
            raise PinnedDefinitionError(f"{ref.plan}/{ref.support}/v{ref.version} is a draft")
        if row.content_hash != ref.content_hash:
            raise PinnedDefinitionError(
                f"{ref.plan}/{ref.support}/v{ref.version} has hash {row.content_hash}, the "
                f"authorization was pinned to {ref.content_hash}; published content never changes, "
                "so the database was altered by hand"
            )
        definition = await stored_definition(
            session=session, ref=VersionRef(ref.plan, ref.support, ref.version)
        )
        assert definition is not None
        merged = await with_baseline(session=session, definition=definition)
        if merged is None:
            raise PinnedDefinitionError(f"{definition.extends} (the baseline) is missing")
        self._definitions[ref] = merged
        return merged

    def criteria(self, definition: Definition) -> CompiledCriteria:
        """The definition's eligibility criteria, compiled once."""
        ref = definition.ref
        key = DefinitionRef(ref.plan, ref.support, ref.version, "")
        if (compiled := self._criteria.get(key)) is None:
            compiled = self._criteria[key] = compile_definition(definition)
        return compiled
