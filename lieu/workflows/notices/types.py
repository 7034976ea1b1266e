"""The frozen dataclasses out of the notice activities (in: `NoticeFacts`)."""

# No `from __future__ import annotations`: pydantic builds these types inside the workflow
# sandbox, where string annotations cannot be resolved.
from dataclasses import dataclass

from lieu.platform.notices.facts import NoticeFacts

__all__ = ["IssuedNotice", "NoticeFacts"]


@dataclass(frozen=True)
class IssuedNotice:
    """The notices one facts key issued: their ids, and each one's language, the member's
    first (then the copies the plan keeps, e.g. English)."""

    key: str
    notice_ids: tuple[str, ...]
    languages: tuple[str, ...]
