"""Behind a reverse proxy, sessions and the audit log record the client's address, not the proxy's.

`sanctum serve` runs uvicorn with its proxy headers on: a request from a trusted proxy
(`FORWARDED_ALLOW_IPS`, 127.0.0.1 unless set) is taken to come from the address its `X-Forwarded-For`
names; from anyone else the header is ignored.
"""

from __future__ import annotations

from tests.factories import DEFAULT_PASSWORD, bearer
from tests.support.live import LiveServer


async def test_a_login_through_a_trusted_proxy_is_recorded_with_the_forwarded_client_address(
    server: LiveServer,
) -> None:
    user = await server.register()
    body = {"login": user.username, "password": DEFAULT_PASSWORD, "refresh_token_delivery": "body"}
    proxied = await server.http.post("/api/auth/login", json=body, headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 200, proxied.text

    sessions = await server.http.get("/api/auth/sessions", headers=bearer(proxied.json()["access_token"]))

    assert sessions.status_code == 200, sessions.text
    by_current = {s["current"]: s["ip"] for s in sessions.json()["items"]}
    assert by_current[True] == "203.0.113.9"
    assert by_current[False] == "127.0.0.1"  # the registration's own session came straight in
