"""Imports every model module so `Base.metadata` is complete (for Alembic and `create_all`)."""

from __future__ import annotations

from sqlalchemy import MetaData

from lieu.platform.db.base import Base
from lieu.platform.definitions import models as _definitions  # noqa: F401
from lieu.platform.members import models as _members  # noqa: F401


def metadata() -> MetaData:
    """The metadata of every lieu table."""
    return Base.metadata
