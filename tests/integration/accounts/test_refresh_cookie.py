"""The refresh token as an HttpOnly cookie: its attributes, refresh with it, and cross-site refusals."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest

from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import DEFAULT_PASSWORD, bearer, login, register_user
from tests.support.http import error_of

COOKIE = "sanctum_refresh"
CSRF = {"X-Sanctum-CSRF": "1"}
EVIL = "https://evil.example"


def set_cookie(response: httpx.Response) -> dict[str, Any]:
    """The refresh cookie the response sets, with its attributes (lower-cased names)."""
    [header] = [value for value in response.headers.get_list("set-cookie") if value.startswith(f"{COOKIE}=")]
    morsel = SimpleCookie(header)[COOKIE]
    attributes = {key: value for key, value in morsel.items() if value}
    return {"value": morsel.value, "raw": header, **attributes}


@dataclass
class Browser:
    """A person's browser: a cookie jar, and the web app's calls with its anti-CSRF header."""

    http: httpx.AsyncClient
    username: str
    access_token: str = ""

    async def log_in(self, **extra: Any) -> httpx.Response:
        response = await self.http.post(
            "/api/auth/login", json={"login": self.username, "password": DEFAULT_PASSWORD}, **extra
        )
        if response.status_code == 200:
            self.access_token = response.json()["access_token"]
        return response

    async def refresh(self, headers: dict[str, str] | None = None, **body: Any) -> httpx.Response:
        response = await self.http.post("/api/auth/refresh", json=body, headers=CSRF if headers is None else headers)
        if response.status_code == 200:
            self.access_token = response.json()["access_token"]
        return response

    async def me(self) -> httpx.Response:
        return await self.http.get("/api/users/me", headers=bearer(self.access_token))

    @property
    def cookie(self) -> str | None:
        return self.http.cookies.get(COOKIE)

    def put_back(self, cookie: str) -> None:
        """Put an earlier cookie value back in the jar, as a copied cookie would be presented."""
        self.http.cookies.set(COOKIE, cookie, domain="testserver.local", path="/api/auth")


@pytest.fixture
async def browser(client: httpx.AsyncClient) -> Browser:
    user = await register_user(client)
    # The factory's login asked for the token in the body, so the jar starts empty.
    assert COOKIE not in client.cookies
    return Browser(client, user.username)


async def test_login_sets_the_refresh_token_as_an_httponly_strict_cookie_for_auth_paths_only(
    browser: Browser,
) -> None:
    response = await browser.log_in()

    assert response.status_code == 200, response.text
    assert response.json()["refresh_token"] is None
    cookie = set_cookie(response)
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/api/auth"
    assert cookie["max-age"] == str(30 * 86_400)
    assert "secure" not in cookie  # APP_ENV=test over plain http
    assert len(cookie["value"]) >= 32
    assert (await browser.me()).status_code == 200


@pytest.mark.parametrize("how", ["production", "tls"])
async def test_the_cookie_is_secure_in_production_and_on_any_request_over_tls(
    make_client: ClientFactory, make_settings: SettingsFactory, how: str
) -> None:
    client = await make_client(make_settings(app_env="production") if how == "production" else None)
    if how == "tls":
        client.base_url = httpx.URL("https://testserver")
    user = await register_user(client)

    response = await Browser(client, user.username).log_in()

    assert set_cookie(response)["secure"] is True


async def test_a_refresh_with_the_cookie_and_the_csrf_header_rotates_the_cookie(browser: Browser) -> None:
    await browser.log_in()
    first = browser.cookie

    response = await browser.refresh()

    assert response.status_code == 200, response.text
    assert response.json()["refresh_token"] is None
    assert set_cookie(response)["httponly"] is True
    assert browser.cookie not in (None, first)
    assert (await browser.me()).status_code == 200
    # The retired cookie is a retired token: presenting it again is reuse, and ends the session.
    browser.put_back(str(first))
    error_of(await browser.refresh(), 401, "REFRESH_TOKEN_REUSED")


@pytest.mark.parametrize("headers", [{}, {"X-Sanctum-CSRF": "0"}, {"X-Requested-With": "XMLHttpRequest"}])
async def test_a_refresh_with_the_cookie_but_without_the_csrf_header_is_refused_and_consumes_nothing(
    browser: Browser, headers: dict[str, str]
) -> None:
    await browser.log_in()
    cookie = browser.cookie

    response = await browser.refresh(headers=headers)

    error_of(response, 403, "CSRF_HEADER_REQUIRED")
    assert browser.cookie == cookie
    assert (await browser.refresh()).status_code == 200


async def test_a_refresh_without_a_cookie_or_a_token_is_401(browser: Browser) -> None:
    error_of(await browser.refresh(), 401, "INVALID_REFRESH_TOKEN")


@pytest.mark.parametrize("origin", [EVIL, "http://testserver.evil.example", "null", "http://testserver:8080"])
async def test_login_refresh_and_logout_from_another_origin_are_refused(browser: Browser, origin: str) -> None:
    await browser.log_in()
    cross_site = {"Origin": origin}

    login = await browser.log_in(headers=cross_site)
    refresh = await browser.refresh(headers={**CSRF, **cross_site})
    logout = await browser.http.post("/api/auth/logout", headers={**bearer(browser.access_token), **cross_site})

    for response in (login, refresh, logout):
        error_of(response, 403, "CROSS_ORIGIN")
        assert "set-cookie" not in response.headers
    assert (await browser.me()).status_code == 200


@pytest.mark.parametrize("origin", ["http://testserver", "http://TestServer:80", "http://testserver/"])
async def test_the_sites_own_pages_may_log_in_and_refresh(browser: Browser, origin: str) -> None:
    assert (await browser.log_in(headers={"Origin": origin})).status_code == 200
    assert (await browser.refresh(headers={**CSRF, "Origin": origin})).status_code == 200


async def test_logout_ends_the_session_and_clears_the_cookie(browser: Browser) -> None:
    await browser.log_in()

    response = await browser.http.post("/api/auth/logout", headers=bearer(browser.access_token))

    assert response.status_code == 204
    cleared = set_cookie(response)
    assert cleared["value"] == ""
    assert cleared["max-age"] == "0"
    assert cleared["path"] == "/api/auth"
    assert browser.cookie is None
    error_of(await browser.refresh(), 401, "INVALID_REFRESH_TOKEN")


@pytest.mark.parametrize("ending", ["logout-all", "delete-account"])
async def test_ending_every_session_or_the_account_clears_the_cookie(browser: Browser, ending: str) -> None:
    await browser.log_in()
    auth = bearer(browser.access_token)

    if ending == "logout-all":
        response = await browser.http.post("/api/auth/logout-all", headers=auth)
    else:
        response = await browser.http.request(
            "DELETE", "/api/users/me", json={"password": DEFAULT_PASSWORD}, headers=auth
        )

    assert response.status_code in (200, 204)
    assert set_cookie(response)["max-age"] == "0"
    assert browser.cookie is None


async def test_a_refresh_with_the_cookie_of_an_ended_session_fails_and_clears_it(browser: Browser) -> None:
    await browser.log_in()
    cookie = str(browser.cookie)
    await browser.http.post("/api/auth/logout-all", headers=bearer(browser.access_token))
    browser.put_back(cookie)

    response = await browser.refresh()

    error_of(response, 401, "SESSION_REVOKED")
    assert set_cookie(response)["max-age"] == "0"


async def test_an_api_client_that_asks_for_the_body_gets_the_token_there_and_no_cookie(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)

    response = await client.post(
        "/api/auth/login",
        json={"login": user.username, "password": user.password, "refresh_token_delivery": "body"},
    )
    rotated = await client.post("/api/auth/refresh", json={"refresh_token": response.json()["refresh_token"]})

    for answer in (response, rotated):
        assert answer.status_code == 200, answer.text
        assert isinstance(answer.json()["refresh_token"], str)
        assert "set-cookie" not in answer.headers
    # No anti-CSRF header is needed: no cookie is involved, and only the client knows its token.
    assert COOKIE not in client.cookies


async def test_a_token_kept_in_storage_by_an_old_web_client_moves_into_the_cookie(
    client: httpx.AsyncClient,
) -> None:
    user = await register_user(client)
    stored = user.refresh_token

    moved = await client.post(
        "/api/auth/refresh", json={"refresh_token": stored, "refresh_token_delivery": "cookie"}, headers=CSRF
    )

    assert moved.status_code == 200, moved.text
    assert moved.json()["refresh_token"] is None
    assert set_cookie(moved)["httponly"] is True
    error_of(await client.post("/api/auth/refresh", json={"refresh_token": stored}), 401, "REFRESH_TOKEN_REUSED")


async def test_a_token_from_the_cookie_is_never_handed_to_script_in_the_body(browser: Browser) -> None:
    await browser.log_in()
    cookie = browser.cookie

    response = await browser.refresh(refresh_token_delivery="body")

    error = error_of(response, 422, "VALIDATION_FAILED")
    assert set(error["fields"]) == {"refresh_token_delivery"}
    assert browser.cookie == cookie


async def test_the_body_token_wins_over_the_cookie_and_leaves_the_cookie_alone(
    browser: Browser, client: httpx.AsyncClient
) -> None:
    await browser.log_in()
    cookie = browser.cookie
    other = await login(client, browser.username)

    response = await client.post("/api/auth/refresh", json={"refresh_token": other.refresh_token})

    assert response.status_code == 200
    assert isinstance(response.json()["refresh_token"], str)
    assert browser.cookie == cookie
    assert (await browser.refresh()).status_code == 200
