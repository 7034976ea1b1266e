"""The S3 store against a real S3 API over HTTP (`s3_endpoint`: moto's server on a loopback port):
bytes and content type kept, missing keys and buckets told apart, an unreachable store said
plainly."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from lieu.platform.documents.store import (
    BadDocumentKey,
    DocumentMissing,
    S3Store,
    StoreUnavailable,
    open_store,
)
from lieu.settings import Settings
from lieu.workflows.devserver import free_port

KEY = "A-1F2E3D4C5B6A7988/D-0123456789ABCDEF"
CONSENT = b"%PDF-1.4 written owner consent for environmental accessibility adaptations"
ACCESS = {"access_key": "lieu-test", "secret_key": "lieu-test-secret"}


def s3_client(endpoint: str) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS["access_key"],
        aws_secret_access_key=ACCESS["secret_key"],
    )


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    """A new, empty bucket."""
    name = f"lieu-documents-{uuid.uuid4().hex[:8]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


async def test_a_document_comes_back_with_its_content_type_and_goes_when_deleted(
    s3_endpoint: str, bucket: str
) -> None:
    store = S3Store(bucket=bucket, endpoint=s3_endpoint, **ACCESS)
    assert not await store.exists(KEY)
    await store.put(KEY, CONSENT, "application/pdf")
    assert await store.exists(KEY)
    assert await store.get(KEY) == CONSENT
    head = s3_client(s3_endpoint).head_object(Bucket=bucket, Key=KEY)
    assert (head["ContentType"], head["ContentLength"]) == ("application/pdf", len(CONSENT))
    await store.delete(KEY)
    assert not await store.exists(KEY)
    await store.delete(KEY)  # deleting what is not there is not an error


async def test_reading_a_key_with_nothing_under_it_says_so(s3_endpoint: str, bucket: str) -> None:
    store = S3Store(bucket=bucket, endpoint=s3_endpoint, **ACCESS)
    with pytest.raises(DocumentMissing, match=f"no document under '{KEY}' in s3://{bucket} at"):
        await store.get(KEY)


async def test_a_bucket_that_does_not_exist_is_named_with_how_to_create_it(
    s3_endpoint: str,
) -> None:
    store = S3Store(bucket="no-such-bucket", endpoint=s3_endpoint, **ACCESS)
    with pytest.raises(StoreUnavailable) as failed:
        await store.put(KEY, CONSENT, "application/pdf")
    assert str(failed.value) == (
        f"bucket 'no-such-bucket' does not exist in s3://no-such-bucket at {s3_endpoint}; "
        "create it (the compose stack's minio-setup does) or fix LIEU_DOCUMENT_STORE"
    )


async def test_a_store_that_does_not_answer_points_at_the_endpoint_setting() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    store = S3Store(bucket="lieu-documents", endpoint=closed, **ACCESS)
    with pytest.raises(StoreUnavailable) as failed:
        await store.get(KEY)
    message = str(failed.value)
    assert message.startswith(f"the document store s3://lieu-documents at {closed} did not answer")
    assert message.endswith("check that it runs and that LIEU_S3_ENDPOINT points at it")


async def test_keys_are_checked_before_any_request(s3_endpoint: str, bucket: str) -> None:
    store = S3Store(bucket=bucket, endpoint=s3_endpoint, **ACCESS)
    with pytest.raises(BadDocumentKey, match=r"has a '\.\.' segment"):
        await store.put("../other-bucket/x", CONSENT, "application/pdf")
    assert s3_client(s3_endpoint).list_objects_v2(Bucket=bucket)["KeyCount"] == 0


async def test_lieu_document_store_s3_opens_the_bucket_from_the_settings(
    s3_endpoint: str, bucket: str
) -> None:
    settings = Settings.from_env(
        {
            "LIEU_DOCUMENT_STORE": f"s3://{bucket}",
            "LIEU_S3_ENDPOINT": s3_endpoint,
            "LIEU_S3_ACCESS_KEY": ACCESS["access_key"],
            "LIEU_S3_SECRET_KEY": ACCESS["secret_key"],
            "LIEU_S3_REGION": "us-west-2",
        }
    )
    store = open_store(settings)
    assert isinstance(store, S3Store)
    assert store.describe() == f"s3://{bucket} at {s3_endpoint}"
    await store.put(KEY, b"housing support plan", "text/plain")
    body = s3_client(s3_endpoint).get_object(Bucket=bucket, Key=KEY)["Body"].read()
    assert body == b"housing support plan"
