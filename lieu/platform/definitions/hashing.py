"""The content hash of a definition: SHA-256 of its canonical JSON, lifecycle fields left out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

# `$schema` is an editor hint and `status` is lifecycle kept in the database; neither is content.
NOT_CONTENT = frozenset({"$schema", "status"})


def canonical_json(document: Mapping[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 text: the same content always gives the same string."""
    content = {k: v for k, v in document.items() if k not in NOT_CONTENT}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()
