"""Temporal payloads are sealed with AES-256-GCM: what is stored holds no member fact; keys rotate
(the active one seals, every listed one opens); payloads written before the codec still read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError

from lieu.settings import (
    PayloadKeys,
    Settings,
    SettingsError,
    new_payload_key_entry,
    parse_payload_keys,
    payload_keys,
)
from lieu.workflows.client import update_id
from lieu.workflows.codec import ENCODING, KEY_ID, EncryptionCodec, PayloadKeyMissing
from lieu.workflows.codec import encrypted_converter as sealed_by
from lieu.workflows.converter import data_converter

CIN = "91000001A"
FACTS = {"cin": CIN, "birth_date": "1945-03-08", "conditions": ["dementia"]}


def keys(*ids: str, active: str = "") -> PayloadKeys:
    return parse_payload_keys(",".join(new_payload_key_entry(i) for i in ids), active, "test")


def plain(value: object) -> Payload:
    return data_converter.payload_converter.to_payloads([value])[0]


async def test_a_sealed_payload_holds_no_fact_and_names_only_its_key() -> None:
    codec = EncryptionCodec(keys("2026-12"))
    [sealed] = await codec.encode([plain(FACTS)])
    stored = sealed.SerializeToString()
    assert CIN.encode() not in stored and b"1945-03-08" not in stored and b"dementia" not in stored
    assert dict(sealed.metadata) == {"encoding": ENCODING, KEY_ID: b"2026-12"}
    [opened] = await codec.decode([sealed])
    assert opened == plain(FACTS)


async def test_the_same_value_sealed_twice_reads_differently() -> None:
    codec = EncryptionCodec(keys("k"))
    first, second = await codec.encode([plain(FACTS), plain(FACTS)])
    assert first.data != second.data  # a fresh nonce each time: equal facts are not seen equal


async def test_after_rotation_old_payloads_open_and_new_ones_are_sealed_by_the_new_key() -> None:
    old = keys("2026-06")
    [before] = await EncryptionCodec(old).encode([plain(FACTS)])
    rotated = PayloadKeys(active="2026-12", keys={**keys("2026-12").keys, **old.keys})
    codec = EncryptionCodec(rotated)
    [after] = await codec.encode([plain(FACTS)])
    assert after.metadata[KEY_ID] == b"2026-12"
    assert await codec.decode([before, after]) == [plain(FACTS), plain(FACTS)]


async def test_a_payload_sealed_by_a_key_no_longer_listed_is_refused_naming_the_key() -> None:
    [sealed] = await EncryptionCodec(keys("retired")).encode([plain(FACTS)])
    with pytest.raises(PayloadKeyMissing, match="'retired', which is not in LIEU_PAYLOAD_KEYS"):
        await EncryptionCodec(keys("current")).decode([sealed])


async def test_a_changed_payload_or_another_key_under_the_same_id_does_not_open() -> None:
    codec = EncryptionCodec(keys("k"))
    [sealed] = await codec.encode([plain(FACTS)])
    changed = Payload(
        metadata=sealed.metadata, data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    )
    with pytest.raises(PayloadKeyMissing, match="does not open"):
        await codec.decode([changed])
    with pytest.raises(PayloadKeyMissing, match="does not open"):
        await EncryptionCodec(keys("k")).decode([sealed])  # same id, another key


async def test_a_payload_written_before_the_codec_passes_through_unchanged() -> None:
    codec = EncryptionCodec(keys("k"))
    unsealed = plain(FACTS)
    assert await codec.decode([unsealed]) == [unsealed]


async def test_many_payloads_are_sealed_off_the_event_loop_alike() -> None:
    codec = EncryptionCodec(keys("k"))
    values = [plain({"n": n}) for n in range(40)]
    assert await codec.decode(await codec.encode(values)) == values


async def test_a_failure_keeps_its_message_only_inside_a_sealed_payload() -> None:
    converter = sealed_by(keys("k"))
    failure = Failure()
    error = ApplicationError(f"nothing left for {CIN}", type="limit_exceeded")
    await converter.encode_failure(error, failure)
    stored = failure.SerializeToString()
    assert CIN.encode() not in stored
    assert failure.message == "Encoded failure" and failure.encoded_attributes.metadata[
        "encoding"
    ] == (ENCODING)
    decoded = await converter.decode_failure(failure)
    assert isinstance(decoded, ApplicationError) and decoded.message == error.message


def test_update_ids_are_digests_the_same_for_the_same_key() -> None:
    key = f"decide-{CIN}-1945-03-08"
    assert update_id("A-1", key) == update_id("A-1", key) != update_id("A-2", key)
    assert CIN not in update_id("A-1", key) and update_id("A-1", key).startswith("u-")


def test_without_lieu_payload_keys_one_key_is_made_in_the_data_dir_once(tmp_path: Path) -> None:
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)})
    first = payload_keys(settings)
    assert payload_keys(settings) == first and len(first.keys[first.active]) == 32
    mode = stat.S_IMODE(os.stat(settings.payload_keys_file).st_mode)
    assert mode == 0o600
    other = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path / "elsewhere")})
    assert payload_keys(other).keys[payload_keys(other).active] != first.keys[first.active]


def test_the_active_key_is_the_first_listed_or_the_one_named() -> None:
    listed = f"{new_payload_key_entry('new')},{new_payload_key_entry('old')}"
    env = {"LIEU_DATA_DIR": "/nonexistent", "LIEU_PAYLOAD_KEYS": listed}
    assert payload_keys(Settings.from_env(env)).active == "new"
    chosen = Settings.from_env(env | {"LIEU_PAYLOAD_KEY_ID": "old"})
    assert payload_keys(chosen).active == "old" and set(payload_keys(chosen).keys) == {"new", "old"}


@pytest.mark.parametrize(
    ("value", "active", "says"),
    [
        ("no-colon-here", "", "entry 1 is not `id:key`"),
        ("k:c2hvcnQ", "", "key 'k' is not 32 bytes in base64 (it decodes to 5)"),
        ("k:not base64!", "", "key 'k' is not 32 bytes"),
        (" , ", "", "holds no key"),
        ("{a},{a}", "", "key id 'a' is listed twice"),
        ("{a}", "b", "LIEU_PAYLOAD_KEY_ID='b' is not one of the ids in LIEU_PAYLOAD_KEYS (a)"),
    ],
)
def test_payload_keys_that_cannot_be_used_are_refused_with_what_to_do(
    value: str, active: str, says: str
) -> None:
    value = value.replace("{a}", new_payload_key_entry("a"))
    env = {"LIEU_PAYLOAD_KEYS": value, "LIEU_PAYLOAD_KEY_ID": active}
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert says in str(refused.value)


def test_the_codec_origin_is_the_local_ui_unless_told() -> None:
    local = Settings.from_env({"LIEU_TEMPORAL_UI_PORT": "8899"})
    assert local.codec_origins == ("http://127.0.0.1:8899", "http://localhost:8899")
    told = Settings.from_env({"LIEU_TEMPORAL_UI_ORIGIN": "https://temporal.plan.example/"})
    assert told.codec_origins == ("https://temporal.plan.example",)
    with pytest.raises(SettingsError, match="is not an origin"):
        Settings.from_env({"LIEU_TEMPORAL_UI_ORIGIN": "https://temporal.plan.example/ui"})
