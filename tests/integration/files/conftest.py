"""Fixtures of the files tests: the file store of the mode under test (the local disk embedded, the S3
server of tests/support/s3.py scaled, each test under a prefix of its own)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest

from sanctum.storage.settings import FileSettings
from tests.conftest import SCALED, ClientFactory, SettingsFactory
from tests.support.s3 import KEY_ID, SECRET


class FileSettingsFactory(Protocol):
    def __call__(self, **overrides: Any) -> FileSettings: ...


@pytest.fixture
def file_settings(request: pytest.FixtureRequest, tmp_path: Path) -> FileSettingsFactory:
    def make(**overrides: Any) -> FileSettings:
        if SCALED:
            s3 = request.getfixturevalue("s3")
            where: dict[str, Any] = {
                "s3_bucket": s3.bucket,
                "s3_endpoint_url": s3.endpoint_url,
                "s3_access_key_id": KEY_ID,
                "s3_secret_access_key": SECRET,
                "s3_prefix": f"t{uuid.uuid4().hex[:12]}/",
            }
        else:
            where = {"directory": tmp_path / "files"}
        return FileSettings(**{**where, **overrides})

    return make


@pytest.fixture
async def files_client(
    make_client: ClientFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> httpx.AsyncClient:
    return await make_client(make_settings(files=file_settings()))
