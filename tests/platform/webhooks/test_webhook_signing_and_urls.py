"""Webhook requests are signed the Standard Webhooks way and a receiver's check refuses a
changed body, another secret or a stale timestamp; only URLs lieu may POST to are registered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lieu.platform.webhooks.endpoints import WebhookRefused, checked_url
from lieu.platform.webhooks.outbox import event_id
from lieu.platform.webhooks.signing import (
    TOLERANCE,
    SignatureRejected,
    headers,
    new_secret,
    signature,
    verify,
)

NOW = datetime(2027, 1, 4, 12, tzinfo=UTC)
BODY = b'{"id":"evt_1","type":"authorization.status_changed"}'


def test_a_signed_request_verifies_and_names_its_event() -> None:
    secret = new_secret()
    sent = headers(secret, "evt_1", int(NOW.timestamp()), BODY)
    assert sent["webhook-signature"].startswith("v1,")
    assert verify(secret, sent, BODY, now=NOW + timedelta(seconds=30)) == "evt_1"


def test_the_signature_is_the_standard_webhooks_one() -> None:
    # the example of the Standard Webhooks specification (its reference libraries agree)
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"body": BODY + b" "}, "does not match"),
        ({"secret": new_secret()}, "does not match"),
        ({"at": NOW - TOLERANCE - timedelta(seconds=1)}, "replay"),
        ({"at": NOW + TOLERANCE + timedelta(seconds=1)}, "replay"),
    ],
    ids=["changed body", "other secret", "too old", "too far ahead"],
)
def test_a_receiver_refuses_a_changed_body_another_secret_or_a_stale_timestamp(
    change: dict[str, object], why: str
) -> None:
    secret = new_secret()
    at = change.get("at", NOW)
    assert isinstance(at, datetime)
    sent = headers(secret, "evt_1", int(at.timestamp()), BODY)
    body = change.get("body", BODY)
    assert isinstance(body, bytes)
    with pytest.raises(SignatureRejected, match=why):
        verify(str(change.get("secret", secret)), sent, body, now=NOW)


def test_an_event_id_is_the_same_for_the_same_change_and_differs_for_another() -> None:
    assert event_id("A-1", 4, "active") == event_id("A-1", 4, "active")
    assert event_id("A-1", 4, "active") != event_id("A-1", 5, "expired")


@pytest.mark.parametrize(
    "url", ["https://org-a.example/lieu", "http://127.0.0.1:8080/hook", "http://localhost/h"]
)
def test_https_urls_and_loopback_for_development_are_accepted(url: str) -> None:
    assert checked_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "INVALID_URL"),
        ("ftp://org.example/x", "INVALID_URL"),
        ("org.example/hook", "INVALID_URL"),
        ("http://org.example/hook", "INSECURE_URL"),
        ("https://user:pw@org.example/hook", "INVALID_URL"),
        ("https://org.example/hook#part", "INVALID_URL"),
        ("https://10.0.0.7/hook", "PRIVATE_ADDRESS"),
        ("https://169.254.169.254/latest", "PRIVATE_ADDRESS"),
        ("https://" + "a" * 2000 + ".example", "INVALID_URL"),
    ],
)
def test_a_url_lieu_should_not_post_to_is_refused_saying_why(url: str, code: str) -> None:
    with pytest.raises(WebhookRefused) as refused:
        checked_url(url)
    assert refused.value.code == code and refused.value.pointer == "/url"
