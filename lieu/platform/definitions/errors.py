"""Typed errors of the definition versions service; each message says what to do."""

from __future__ import annotations

from lieu.platform.definitions.problems import Problem


class DefinitionError(Exception):
    """Base of the errors a caller can show a user as one line."""


class VersionNotFound(DefinitionError, LookupError):
    """No such (plan, support, version) in the database."""


class BaselineNotPublished(DefinitionError, LookupError):
    """A plan version's baseline is not published, so its effective definition is unknown."""


class VersionExists(DefinitionError):
    """A version with that number already exists; edit it (if a draft) or use the next number."""


class PublishedVersionImmutable(DefinitionError):
    """A published or retired version cannot be changed, only superseded by a new version."""


class DraftUnderReview(DefinitionError):
    """A draft submitted for approval is neither edited nor published until it is decided or
    withdrawn."""


class ContentConflict(DefinitionError):
    """A file's content differs from the published version with the same number."""


class InvalidDefinition(DefinitionError):
    """The document has problems that block publishing; `problems` lists them all, and
    `sources` the file of each (when they come from files)."""

    def __init__(
        self, message: str, problems: tuple[Problem, ...], sources: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.sources = sources
