"""Temporal payloads sealed with AES-256-GCM, so that histories hold no member facts in plaintext.

Every payload lieu's clients and workers send (workflow inputs, activity results, updates,
queries, and failures' messages and stack traces) is encrypted whole: the stored payload's
metadata says only `encoding: binary/encrypted` and which key sealed it (`encryption-key-id`),
its data is a 12-byte random nonce followed by the ciphertext and tag. The key id is also bound
into the tag (associated data), so a payload cannot be passed off as sealed by another key.

Rotation: the active key seals, every listed key opens. Payloads without the encrypted encoding
(histories written before the codec, the committed histories the replay tests read) pass
through as they are.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

from lieu.logs import PlainMessage
from lieu.settings import PayloadKeys
from lieu.workflows.converter import data_converter

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12
# Below this many payloads the work is done on the event loop: a thread hop costs more than
# sealing a few kilobytes.
INLINE_PAYLOADS = 16


class PayloadKeyMissing(PlainMessage, ValueError):
    """A payload was sealed with a key this process does not have; the message says which."""


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM with the active key; decodes with whichever listed key sealed a payload."""

    def __init__(self, keys: PayloadKeys) -> None:
        self.active = keys.active
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.keys.items()}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        if len(payloads) <= INLINE_PAYLOADS:
            return [self.seal(payload) for payload in payloads]
        return await asyncio.to_thread(lambda: [self.seal(payload) for payload in payloads])

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        if len(payloads) <= INLINE_PAYLOADS:
            return [self.open(payload) for payload in payloads]
        return await asyncio.to_thread(lambda: [self.open(payload) for payload in payloads])

    def seal(self, payload: Payload) -> Payload:
        """The payload (metadata and data) encrypted under the active key."""
        nonce = os.urandom(NONCE_BYTES)
        key_id = self.active.encode()
        sealed = self._ciphers[self.active].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(metadata={"encoding": ENCODING, KEY_ID: key_id}, data=nonce + sealed)

    def open(self, payload: Payload) -> Payload:
        """The payload as sealed; one not encrypted is returned unchanged."""
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID, b"").decode("utf-8", "replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadKeyMissing(
                f"a Temporal payload is sealed with key {key_id!r}, which is not in "
                f"LIEU_PAYLOAD_KEYS (this process has {', '.join(sorted(self._ciphers))}); "
                "add that key back (keep old keys listed until no history needs them)"
            )
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, key_id.encode())
        except InvalidTag:
            raise PayloadKeyMissing(
                f"a Temporal payload marked as sealed with key {key_id!r} does not open with it: "
                "the key listed under that id is not the one that sealed it, or the payload "
                "was changed"
            ) from None
        opened = Payload()
        opened.ParseFromString(plain)
        return opened


def encrypted_converter(keys: PayloadKeys) -> DataConverter:
    """lieu's data converter with payloads sealed by `keys`, and failures' messages and stack
    traces moved into a sealed payload (the stored failure reads "Encoded failure")."""
    return dataclasses.replace(
        data_converter,
        payload_codec=EncryptionCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
