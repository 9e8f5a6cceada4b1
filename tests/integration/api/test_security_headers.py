"""The security headers: on HTML, JSON, static files, errors, the 500 path and the WebSocket upgrade."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest
from fastapi import Response
from fastapi.routing import APIRoute
from websockets.asyncio.client import connect

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.api.test_middleware import app_with_a_failing_route
from tests.support.live import ServerFactory, make_server

__all__ = ["make_server"]

OWN_HEADERS = {"X-Frame-Options": "SAMEORIGIN", "Cache-Control": "private, max-age=60"}
EVERY_RESPONSE = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "reporting-endpoints": 'csp="/api/csp-report"',
}


def directives(policy: str) -> dict[str, str]:
    parsed = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        parsed[name] = value
    return parsed


def assert_hardened(headers: Mapping[str, str]) -> None:
    """Every header of the set, with the app's policy: no inline or eval script, never framed."""
    for name, value in EVERY_RESPONSE.items():
        assert headers.get(name) == value, (name, headers.get(name))
    policy = directives(headers["content-security-policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["img-src"].split()[:3] == ["'self'", "data:", "blob:"]
    assert policy["report-uri"] == "/api/csp-report"
    assert policy["report-to"] == "csp"
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert "unsafe-eval" not in headers["content-security-policy"]
    permissions = dict(item.split("=", 1) for item in headers["permissions-policy"].split(", "))
    assert permissions["camera"] == permissions["microphone"] == permissions["publickey-credentials-get"] == "(self)"
    assert permissions["geolocation"] == permissions["payment"] == permissions["usb"] == "()"
    assert "strict-transport-security" not in headers


@pytest.fixture
def web_dist(tmp_path: Path) -> Path:
    """A built web app as `make web` leaves it: index.html, hashed assets, a favicon."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/index-abc.js"></script>')
    (dist / "assets" / "index-abc.js").write_text("console.log('sanctum')")
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return dist


@pytest.fixture
async def web_client(make_client: ClientFactory, make_settings: SettingsFactory, web_dist: Path) -> httpx.AsyncClient:
    return await make_client(make_settings(web_dist=web_dist, max_body_bytes=1024))


@pytest.mark.parametrize(
    ("method", "path", "status", "content_type"),
    [
        ("GET", "/", 200, "text/html"),
        ("GET", "/rooms/some-room", 200, "text/html"),
        ("HEAD", "/", 200, "text/html"),
        ("GET", "/assets/index-abc.js", 200, "text/javascript"),
        ("HEAD", "/assets/index-abc.js", 200, "text/javascript"),
        ("GET", "/favicon.svg", 200, "image/svg+xml"),
        ("GET", "/assets/missing.js", 404, None),
        ("GET", "/health/live", 200, "application/json"),
        ("GET", "/api/users/me", 401, "application/json"),
        ("GET", "/api/no/such/thing", 404, "application/json"),
        ("PUT", "/api/users/me", 405, "application/json"),
        ("GET", "/metrics", 200, "text/plain"),
    ],
)
async def test_every_kind_of_response_carries_the_security_headers(
    web_client: httpx.AsyncClient, method: str, path: str, status: int, content_type: str | None
) -> None:
    response = await web_client.request(method, path)

    assert response.status_code == status, response.text
    if content_type is not None:
        assert response.headers["content-type"].startswith(content_type)
    assert_hardened(response.headers)


async def test_a_413_refused_before_the_body_is_read_carries_the_headers(web_client: httpx.AsyncClient) -> None:
    response = await web_client.post(
        "/api/auth/login", content=b"x" * 2048, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert_hardened(response.headers)


async def test_the_500_envelope_carries_the_headers(make_client: ClientFactory, make_settings: SettingsFactory) -> None:
    client = await make_client(app=app_with_a_failing_route(make_settings()))

    response = await client.get("/api/test/explode")

    assert response.status_code == 500
    assert_hardened(response.headers)
    assert response.headers["cache-control"] == "no-store"


async def test_api_responses_are_never_stored_by_a_cache_and_the_app_shell_is_revalidated(
    web_client: httpx.AsyncClient,
) -> None:
    api = await web_client.get("/api/users/me")
    index = await web_client.get("/")
    asset = await web_client.get("/assets/index-abc.js")

    assert api.headers["cache-control"] == "no-store"
    assert index.headers["cache-control"] == "no-cache"
    assert "cache-control" not in asset.headers


async def test_hsts_is_sent_only_over_tls_and_as_configured(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    plain = await make_client()
    settings = make_settings(security={"hsts_seconds": 63_072_000, "hsts_include_subdomains": True})
    tls = await make_client(settings)
    tls.base_url = httpx.URL("https://testserver")
    off = await make_client(make_settings(security={"hsts_seconds": 0}))
    off.base_url = httpx.URL("https://testserver")

    assert "strict-transport-security" not in (await plain.get("/health/live")).headers
    hsts = (await tls.get("/health/live")).headers["strict-transport-security"]
    assert hsts == "max-age=63072000; includeSubDomains"
    assert "strict-transport-security" not in (await off.get("/health/live")).headers


async def test_the_default_hsts_lasts_a_year(make_client: ClientFactory) -> None:
    client = await make_client()
    client.base_url = httpx.URL("https://testserver")

    response = await client.get("/api/users/me")

    assert response.headers["strict-transport-security"] == "max-age=31536000"


async def test_report_only_mode_reports_the_same_policy_without_enforcing_it(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    client = await make_client(make_settings(security={"csp_report_only": True}))

    response = await client.get("/")

    assert "content-security-policy" not in response.headers
    policy = directives(response.headers["content-security-policy-report-only"])
    assert policy["script-src"] == "'self'"


async def test_below_a_proxy_path_prefix_the_report_endpoint_and_api_rules_move_with_it(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    app = create_app(make_settings())
    await make_client(app=app)
    transport = httpx.ASGITransport(app=app, root_path="/sanctum")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as prefixed:
        response = await prefixed.get("/sanctum/api/users/me")

    assert response.status_code == 401
    assert directives(response.headers["content-security-policy"])["report-uri"] == "/sanctum/api/csp-report"
    assert response.headers["reporting-endpoints"] == 'csp="/sanctum/api/csp-report"'
    assert response.headers["cache-control"] == "no-store"


async def test_the_api_docs_get_a_policy_that_lets_swagger_ui_load_and_nothing_else(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    client = await make_client(make_settings(app_env="development"))

    docs = await client.get("/docs")

    assert docs.status_code == 200
    policy = directives(docs.headers["content-security-policy"])
    assert "https://cdn.jsdelivr.net" in policy["script-src"].split()
    assert policy["frame-ancestors"] == "'none'"
    assert docs.headers["x-frame-options"] == "DENY"
    app_policy = directives((await client.get("/")).headers["content-security-policy"])
    assert app_policy["script-src"] == "'self'"


async def test_a_route_that_sets_one_of_the_headers_itself_keeps_its_value(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    app = create_app(make_settings())

    async def embeddable() -> Response:
        return Response(b"{}", media_type="application/json", headers=OWN_HEADERS)

    app.router.routes.insert(0, APIRoute("/api/test/embeddable", embeddable, methods=["GET"]))
    client = await make_client(app=app)

    response = await client.get("/api/test/embeddable")

    for name, value in OWN_HEADERS.items():
        assert response.headers.get_list(name) == [value]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_websocket_upgrade_carries_the_headers_and_keeps_the_direct_write_path(
    make_server: ServerFactory,
) -> None:
    server = await make_server()
    user = await server.register()

    client = await server.connect(user)

    assert_hardened(client.ws.response.headers)
    [conn] = server.gateway.endpoint.connections.values()
    # The wrapper around uvicorn's send must not push frames off the transport fast path.
    assert conn.direct


async def test_a_refused_websocket_upgrade_carries_the_headers_too(make_server: ServerFactory) -> None:
    server = await make_server()

    async with connect(server.ws_url("ticket=not-a-ticket"), proxy=None, open_timeout=5) as ws:
        headers = ws.response.headers
        await ws.wait_closed()

    assert_hardened(headers)
    assert ws.close_code == 4401
