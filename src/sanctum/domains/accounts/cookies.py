"""The refresh token as an HttpOnly cookie, for browsers; see docs/security.md, "Sessions".

Problem: a refresh token that script can read (localStorage) is a month of the user's account for
any script that ever runs on the page: one sanitizer bypass or compromised dependency is enough.

Mechanism: login and refresh set the token as `sanctum_refresh`: HttpOnly (script cannot read it),
SameSite=Strict (never sent on a request another site starts), Path=/api/auth (never sent anywhere
else), Secure outside development and test, and on any request that came over TLS. Logout clears it.
A refresh that uses the cookie must also carry `X-Sanctum-CSRF: 1`, a header no cross-site form or
simple request can set (a cross-origin fetch with it needs a CORS preflight, which Sanctum does not
grant). Login, refresh and logout refuse a request whose `Origin` is not this host. A token that came
from the cookie only ever goes back into the cookie, so script on the page can use the session while
it runs but never carry the refresh token away.

Price: API clients that are not browsers opt in to the token in the body (`refresh_token_delivery:
"body"` at login, `refresh_token` in the refresh request); and the web app and the API must share one
origin, as they already do (Sanctum serves both; the proxy in deploy/ keeps them together).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response

from sanctum.api.deps import provide
from sanctum.core.errors import ErrorCode, Forbidden, Unauthorized
from sanctum.domains.accounts.schemas import RefreshRequest, RefreshTokenDelivery, TokenPair
from sanctum.settings import Settings

REFRESH_COOKIE = "sanctum_refresh"
CSRF_HEADER = "X-Sanctum-CSRF"
CSRF_VALUE = "1"
COOKIE_PATH = "/api/auth"

_DEFAULT_PORTS = {"http": ":80", "https": ":443"}

# The cookie and the header, as OpenAPI parameters of the refresh operation (read from the request).
REFRESH_OPENAPI = {
    "parameters": [
        {
            "name": REFRESH_COOKIE,
            "in": "cookie",
            "required": False,
            "schema": {"type": "string"},
            "description": "The HttpOnly refresh cookie set by login (browsers); used when `refresh_token` is omitted.",
        },
        {
            "name": CSRF_HEADER,
            "in": "header",
            "required": False,
            "schema": {"type": "string", "enum": [CSRF_VALUE]},
            "description": f"Required, as `{CSRF_VALUE}`, when the refresh token comes from the cookie.",
        },
    ]
}


@dataclass(frozen=True)
class RefreshCookie:
    request: Request
    secure: bool
    max_age: int

    @property
    def path(self) -> str:
        # Below a proxy's path prefix (ASGI root_path), the browser sees /prefix/api/auth.
        return str(self.request.scope.get("root_path", "")).rstrip("/") + COOKIE_PATH

    def presented(self) -> str:
        """The token in the cookie, if the request may use it."""
        token = self.request.cookies.get(REFRESH_COOKIE)
        if not token:
            raise Unauthorized(
                f"No refresh token: send it as `refresh_token`, or the `{REFRESH_COOKIE}` cookie from login.",
                code=ErrorCode.INVALID_REFRESH_TOKEN,
            )
        if self.request.headers.get(CSRF_HEADER) != CSRF_VALUE:
            raise Forbidden(
                f"A refresh with the session cookie needs the header `{CSRF_HEADER}: {CSRF_VALUE}`.",
                code=ErrorCode.CSRF_HEADER_REQUIRED,
            )
        return token

    async def rotate(
        self, body: RefreshRequest, refresh: Callable[[str], Awaitable[TokenPair]], response: Response
    ) -> TokenPair:
        """Refresh with the token from the body or the cookie and deliver the new one where asked."""
        if body.refresh_token is not None:
            return self.deliver(await refresh(body.refresh_token), body.refresh_token_delivery or "body", response)
        token = self.presented()
        try:
            pair = await refresh(token)
        except Unauthorized as exc:
            # The cookie's session is over: the browser may as well forget it.
            exc.headers = {**exc.headers, "set-cookie": self._deletion()}
            raise
        return self.deliver(pair, "cookie", response)

    def deliver(self, pair: TokenPair, delivery: RefreshTokenDelivery, response: Response) -> TokenPair:
        if delivery == "body" or pair.refresh_token is None:
            return pair
        response.set_cookie(
            REFRESH_COOKIE,
            pair.refresh_token,
            max_age=self.max_age,
            path=self.path,
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )
        return pair.model_copy(update={"refresh_token": None})

    def clear(self, response: Response) -> None:
        response.delete_cookie(REFRESH_COOKIE, path=self.path, secure=self.secure, httponly=True, samesite="strict")

    def _deletion(self) -> str:
        scratch = Response()
        self.clear(scratch)
        return scratch.headers["set-cookie"]


async def get_refresh_cookie(
    request: Request, settings: Annotated[Settings, Depends(provide(Settings))]
) -> RefreshCookie:
    return RefreshCookie(
        request,
        secure=settings.app_env in ("production", "staging") or request.url.scheme == "https",
        max_age=settings.auth.refresh_token_ttl_days * 86_400,
    )


RefreshCookieDep = Annotated[RefreshCookie, Depends(get_refresh_cookie)]


def _netloc(origin: str) -> str | None:
    try:
        parts = urlsplit(origin)
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc or parts.path not in ("", "/"):
        return None
    return parts.netloc.lower().removesuffix(_DEFAULT_PORTS[parts.scheme])


def is_same_origin(origin: str, host: str) -> bool:
    """Whether a browser's `Origin` names the host this request was sent to (`Host`, as the proxy
    passes it on). The scheme is not compared: behind a TLS-terminating proxy the app may see http."""
    netloc = _netloc(origin)
    if netloc is None or not host:
        return False
    host = host.lower()
    for default in _DEFAULT_PORTS.values():
        host = host.removesuffix(default)
    return netloc == host


async def require_same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is not None and not is_same_origin(origin, request.headers.get("host", "")):
        raise Forbidden(
            "Sessions can only be started or refreshed from this site's own pages.", code=ErrorCode.CROSS_ORIGIN
        )


SameOrigin = Depends(require_same_origin)
