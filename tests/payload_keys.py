"""The Temporal payload key of a test session: made fresh per session (never a constant), put in
the environment so every `lieu` process a test starts seals and opens with it too."""

from __future__ import annotations

import os

from temporalio.converter import DataConverter

from lieu.settings import new_payload_key_entry, parse_payload_keys
from lieu.workflows.codec import encrypted_converter

VARIABLE = "LIEU_PAYLOAD_KEYS"


def session_keys() -> str:
    """LIEU_PAYLOAD_KEYS for this session: the environment's, or one made now (and set there)."""
    if not os.environ.get(VARIABLE):
        os.environ[VARIABLE] = new_payload_key_entry("tests")
    return os.environ[VARIABLE]


def sealed_converter() -> DataConverter:
    """The data converter lieu's processes use, with this session's key."""
    return encrypted_converter(parse_payload_keys(session_keys(), "", VARIABLE))
