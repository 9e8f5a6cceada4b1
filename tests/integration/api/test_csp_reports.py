"""POST /api/csp-report: both report formats counted by directive, a bounded log line, clear 4xx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from tests.conftest import LogReader
from tests.support.http import error_of
from tests.support.metrics import sample_value

REPORT = "/api/csp-report"
SECRET_QUERY = "token=abc123secret"


def reporting_api(*bodies: dict[str, Any]) -> bytes:
    """What Chromium posts for `report-to`: a list of reports, CSP ones typed `csp-violation`."""
    return orjson.dumps(
        [
            {"type": "csp-violation", "age": 10, "url": "http://testserver/rooms", "user_agent": "Chrome", "body": b}
            for b in bodies
        ]
    )


def legacy(report: dict[str, Any]) -> bytes:
    """What `report-uri` makes a browser post: one report under `csp-report`."""
    return orjson.dumps({"csp-report": report})


async def violations(client: httpx.AsyncClient, directive: str) -> float:
    return await sample_value(client, "csp_violations_total", directive=directive)


async def post(client: httpx.AsyncClient, body: bytes, media_type: str) -> httpx.Response:
    return await client.post(REPORT, content=body, headers={"Content-Type": media_type})


async def test_reports_from_the_reporting_api_are_counted_by_directive(client: httpx.AsyncClient) -> None:
    before_elem = await violations(client, "script-src-elem")
    before_attr = await violations(client, "script-src-attr")
    body = reporting_api(
        {"documentURL": "http://testserver/rooms", "effectiveDirective": "script-src-elem", "blockedURL": "inline"},
        {"documentURL": "http://testserver/rooms", "effectiveDirective": "script-src-attr", "blockedURL": "inline"},
        {
            "documentURL": "http://testserver/",
            "effectiveDirective": "script-src-elem",
            "blockedURL": "https://x.test/a.js",
        },
    )

    response = await post(client, body, "application/reports+json")

    assert response.status_code == 204
    assert response.content == b""
    assert await violations(client, "script-src-elem") == before_elem + 2
    assert await violations(client, "script-src-attr") == before_attr + 1


async def test_a_legacy_report_uri_report_is_counted(client: httpx.AsyncClient) -> None:
    before = await violations(client, "img-src")
    body = legacy(
        {
            "document-uri": "http://testserver/u/ada",
            "violated-directive": "img-src 'self' data:",
            "blocked-uri": "http://tracker.test/pixel.gif",
        }
    )

    response = await post(client, body, "application/csp-report")

    assert response.status_code == 204
    assert await violations(client, "img-src") == before + 1


async def test_the_log_line_is_a_bounded_summary_without_queries_or_samples(
    client: httpx.AsyncClient, json_logs: LogReader
) -> None:
    body = reporting_api(
        *[
            {
                "documentURL": f"http://testserver/settings/profile?{SECRET_QUERY}",
                "effectiveDirective": "connect-src",
                "blockedURL": f"https://user:pw@evil.test:8443/steal?{SECRET_QUERY}",
                "sample": f"fetch('/?{SECRET_QUERY}')",
                "disposition": "enforce",
            }
            for _ in range(8)
        ]
    )

    await post(client, body, "application/reports+json")

    [line] = [entry for entry in json_logs() if entry["event"] == "csp_violation"]
    assert line["count"] == 8
    assert len(line["reports"]) == 5
    assert line["reports"][0] == {
        "directive": "connect-src",
        "blocked": "https://evil.test:8443",
        "page": "/settings/profile",
        "disposition": "enforce",
    }
    assert SECRET_QUERY not in orjson.dumps(line).decode()
    assert "pw@" not in orjson.dumps(line).decode()


async def test_an_unknown_directive_is_counted_as_other_so_labels_stay_bounded(client: httpx.AsyncClient) -> None:
    before = await violations(client, "other")

    await post(client, legacy({"effective-directive": "x" * 500, "blocked-uri": "inline"}), "application/csp-report")
    await post(client, reporting_api({"effectiveDirective": 42}), "application/reports+json")

    assert await violations(client, "other") == before + 2
    assert await violations(client, "x" * 500) == 0


async def test_reports_of_other_types_in_a_batch_are_ignored(client: httpx.AsyncClient) -> None:
    before = await violations(client, "style-src-elem")
    body = orjson.dumps(
        [
            {"type": "deprecation", "body": {"id": "x"}},
            {"type": "csp-violation", "body": {"effectiveDirective": "style-src-elem", "blockedURL": "inline"}},
            "not a report",
        ]
    )

    response = await post(client, body, "application/reports+json")

    assert response.status_code == 204
    assert await violations(client, "style-src-elem") == before + 1


@pytest.mark.parametrize(
    ("body", "media_type", "status", "code"),
    [
        pytest.param(b"{}", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE", id="wrong-media-type"),
        pytest.param(b"{}", "", 415, "UNSUPPORTED_MEDIA_TYPE", id="no-media-type"),
        pytest.param(b"{not json", "application/csp-report", 400, "BAD_REQUEST", id="not-json"),
        pytest.param(b'{"csp-report": 1}', "application/csp-report", 400, "BAD_REQUEST", id="not-a-report"),
        pytest.param(b'"text"', "application/reports+json", 400, "BAD_REQUEST", id="a-string"),
        pytest.param(b"[" + b"1," * 10_000 + b"1]", "application/reports+json", 413, "PAYLOAD_TOO_LARGE", id="large"),
    ],
)
async def test_anything_that_is_not_a_report_gets_a_clear_4xx(
    client: httpx.AsyncClient, body: bytes, media_type: str, status: int, code: str
) -> None:
    response = await post(client, body, media_type)

    error_of(response, status, code)


async def test_a_chunked_body_over_the_limit_gets_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"["
        for _ in range(2_000):
            yield b'{"type": "x"},'
        yield b"1]"

    response = await client.post(REPORT, content=chunks(), headers={"Content-Type": "application/reports+json"})

    error_of(response, 413, "PAYLOAD_TOO_LARGE")


async def test_a_flood_of_reports_in_one_request_counts_at_most_fifty(client: httpx.AsyncClient) -> None:
    before = await violations(client, "font-src")
    body = orjson.dumps([{"type": "csp-violation", "body": {"effectiveDirective": "font-src"}}] * 200)

    await post(client, body, "application/reports+json")

    assert await violations(client, "font-src") == before + 50
