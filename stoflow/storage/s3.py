"""Photos in an S3-compatible bucket (Cloudflare R2 in production). The only importer of boto3."""

from __future__ import annotations

import tempfile
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from stoflow.storage.base import (
    StorageError,
    StorageNotFound,
    validate_folder_prefix,
    validate_key,
    validate_prefix,
)

_NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound"}
SPOOL_IN_MEMORY = 8 * 1024 * 1024
_DELETE_BATCH = 1000  # the S3 API's limit per DeleteObjects call


def r2_endpoint(account_id: str) -> str:
    """Cloudflare R2's S3 endpoint for an account."""
    return f"https://{account_id}.r2.cloudflarestorage.com"


class S3Storage:
    """Files as objects of one bucket, reached through the S3 API."""

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None,
        access_key: str,
        secret_key: str,
        region: str = "auto",
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 4, "mode": "standard"},
                # R2 and other S3-compatibles do not all accept the checksums boto3 adds by default.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, endpoint_url={self.endpoint_url!r})"

    def put(self, key: str, data: bytes, content_type: str) -> None:
        validate_key(key)
        try:
            self._client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        except (ClientError, BotoCoreError) as error:
            raise StorageError(f"Could not store {key!r}: {error}") from error

    def put_file(self, key: str, source: BinaryIO, content_type: str) -> None:
        validate_key(key)
        try:
            # Multipart for large files, in parts: the file is never read whole into memory.
            self._client.upload_fileobj(source, self.bucket, key, ExtraArgs={"ContentType": content_type})
        except (ClientError, BotoCoreError) as error:
            raise StorageError(f"Could not store {key!r}: {error}") from error

    def open(self, key: str) -> BinaryIO:
        validate_key(key)
        local = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (returned open; on disk beyond 8 MB)
        try:
            self._client.download_fileobj(self.bucket, key, local)
        except ClientError as error:
            local.close()
            if _error_code(error) in _NOT_FOUND_CODES:
                raise StorageNotFound(key) from None
            raise StorageError(f"Could not read {key!r}: {error}") from error
        except BotoCoreError as error:
            local.close()
            raise StorageError(f"Could not read {key!r}: {error}") from error
        local.seek(0)
        return local  # type: ignore[return-value]

    def get(self, key: str) -> bytes:
        validate_key(key)
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=key)
            return bytes(response["Body"].read())
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND_CODES:
                raise StorageNotFound(key) from None
            raise StorageError(f"Could not read {key!r}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"Could not read {key!r}: {error}") from error

    def delete(self, key: str) -> None:
        validate_key(key)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as error:
            raise StorageError(f"Could not delete {key!r}: {error}") from error

    def delete_prefix(self, prefix: str) -> int:
        validate_folder_prefix(prefix)
        keys = self.list(prefix)
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            try:
                response = self._client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
                )
            except (ClientError, BotoCoreError) as error:
                raise StorageError(f"Could not delete the files under {prefix!r}: {error}") from error
            if response.get("Errors"):
                first = response["Errors"][0]
                raise StorageError(
                    f"Could not delete {len(response['Errors'])} file(s) under {prefix!r}, "
                    f"e.g. {first.get('Key')!r}: {first.get('Code')} {first.get('Message')}"
                )
        return len(keys)

    def list(self, prefix: str = "") -> list[str]:
        validate_prefix(prefix)
        keys: list[str] = []
        try:
            for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                keys.extend(item["Key"] for item in page.get("Contents", ()))
        except (ClientError, BotoCoreError) as error:
            raise StorageError(f"Could not list the files under {prefix!r}: {error}") from error
        return sorted(keys)

    def exists(self, key: str) -> bool:
        validate_key(key)
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND_CODES:
                return False
            raise StorageError(f"Could not check {key!r}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"Could not check {key!r}: {error}") from error
        return True


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
