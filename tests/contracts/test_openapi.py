"""The committed openapi.json is the contract the web client is generated from: it must match the code."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sanctum.cli import render_openapi

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"
ERROR_ENVELOPE = "#/components/schemas/ErrorEnvelope"
# Readiness answers 503 with its per-dependency report, not with an error envelope.
NOT_ENVELOPES = {("get", "/health/ready", "503")}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    rendered: dict[str, Any] = json.loads(render_openapi())
    return rendered


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_the_committed_openapi_json_matches_the_code() -> None:
    assert COMMITTED.read_text() == render_openapi(), "openapi.json is out of date: run `make openapi`"


def test_every_operation_id_is_its_tag_and_route_name(spec: dict[str, Any]) -> None:
    ids = []
    for method, path, op in operations(spec):
        tag = op["tags"][0]
        assert re.fullmatch(rf"{re.escape(tag)}-[a-z][a-z0-9_]*", op["operationId"]), (method, path, op["operationId"])
        ids.append(op["operationId"])
    assert len(ids) == len(set(ids))
    assert {"auth-login", "auth-refresh_tokens", "users-get_me", "users-get_user", "health-ready"} <= set(ids)


def test_every_documented_error_response_is_the_error_envelope(spec: dict[str, Any]) -> None:
    checked = 0
    for method, path, op in operations(spec):
        for status, response in op["responses"].items():
            if not status.startswith(("4", "5")) or (method, path, status) in NOT_ENVELOPES:
                continue
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_ENVELOPE}, (method, path, status, schema)
            checked += 1
    assert checked > 0
    envelope = spec["components"]["schemas"]["ErrorEnvelope"]
    body = spec["components"]["schemas"]["ErrorBody"]
    assert envelope["required"] == ["error"]
    assert set(body["required"]) == {"code", "message", "request_id"}
    assert set(body["properties"]) == {"code", "message", "fields", "details", "request_id"}


def test_no_operation_documents_fastapis_default_validation_error(spec: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in spec["components"]["schemas"]
