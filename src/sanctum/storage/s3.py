"""`FileStore` on S3-compatible object storage (scaled mode), with aiobotocore.

One client per instance, opened on first use and closed with the app. The bucket must exist (an
operator's job, like the database); FILES__S3_* name it, its endpoint and its keys.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from sanctum.storage.settings import FileSettings
from sanctum.storage.store import StoredObject, check_key


class S3FileStore:
    def __init__(self, settings: FileSettings) -> None:
        assert settings.s3_bucket
        self._settings = settings
        self._bucket = settings.s3_bucket
        self._prefix = settings.s3_prefix
        self._client: Any = None
        self._stack = AsyncExitStack()
        self._opening = asyncio.Lock()

    async def _s3(self) -> Any:
        if self._client is not None:
            return self._client
        async with self._opening:
            if self._client is None:
                s = self._settings
                secret = s.s3_secret_access_key.get_secret_value() if s.s3_secret_access_key else None
                config = AioConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})
                self._client = await self._stack.enter_async_context(
                    get_session().create_client(
                        "s3",
                        endpoint_url=s.s3_endpoint_url,
                        region_name=s.s3_region,
                        aws_access_key_id=s.s3_access_key_id,
                        aws_secret_access_key=secret,
                        config=config,
                    )
                )
        return self._client

    def _key(self, key: str) -> str:
        return self._prefix + check_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        s3 = await self._s3()
        await s3.put_object(Bucket=self._bucket, Key=self._key(key), Body=data, ContentType=content_type)

    async def get(self, key: str) -> StoredObject | None:
        s3 = await self._s3()
        try:
            response = await s3.get_object(Bucket=self._bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise
        async with response["Body"] as body:
            data = await body.read()
        return StoredObject(data, str(response.get("ContentType") or "application/octet-stream"))

    async def delete(self, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self._bucket, Key=self._key(key))

    async def close(self) -> None:
        self._client = None
        await self._stack.aclose()
