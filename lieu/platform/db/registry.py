"""Imports every model module so `Base.metadata` is complete (for Alembic and `create_all`)."""

from __future__ import annotations

from sqlalchemy import MetaData

from lieu.platform.access import models as _access  # noqa: F401
from lieu.platform.appeals import models as _appeals  # noqa: F401
from lieu.platform.authorizations import models as _authorizations  # noqa: F401
from lieu.platform.batches import models as _batches  # noqa: F401
from lieu.platform.db.base import Base
from lieu.platform.definitions import models as _definitions  # noqa: F401
from lieu.platform.documents import models as _documents  # noqa: F401
from lieu.platform.elections import models as _elections  # noqa: F401
from lieu.platform.limits import models as _limits  # noqa: F401
from lieu.platform.limits import prior_models as _prior_use  # noqa: F401
from lieu.platform.members import models as _members  # noqa: F401
from lieu.platform.notes import models as _notes  # noqa: F401
from lieu.platform.notices import models as _notices  # noqa: F401
from lieu.platform.plans import models as _plans  # noqa: F401
from lieu.platform.webhooks import models as _webhooks  # noqa: F401


def metadata() -> MetaData:
    """The metadata of every lieu table."""
    return Base.metadata
