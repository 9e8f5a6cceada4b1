"""The browser's second line of defence: security headers on every response (pure ASGI).

Problem: Sanctum renders user-written HTML. The server sanitizes it (core/markdown.py, then DOMPurify
in the browser), but one bypass, or one compromised dependency, would run script as the signed-in
user; and without headers the app can be framed (clickjacking), sniffed into another content type, or
leak its URLs in Referer.

Mechanism: one middleware, outermost, adds a fixed set of headers to every `http.response.start`
(HTML, JSON, static files, errors, the 500 envelope) and to the WebSocket upgrade (`websocket.accept`,
which uvicorn turns into the 101 response). A header the app already set is left alone, so a
response that needs a different value says so itself. The header set and the reason for each are in
docs/security.md; the policy's main points:

- `script-src 'self'`, no `'unsafe-inline'`, no `'unsafe-eval'`: an injected `<script>` or `onerror`
  attribute does not run; the Vite build has no inline bootstrap and no eval.
- `frame-ancestors 'none'` (and `X-Frame-Options: DENY` for old browsers): never framed.
- violations are reported to `POST /api/csp-report` (api/csp_reports.py), logged and counted.
- `Cache-Control: no-store` on every `/api/` response that sets no caching of its own: they carry
  tokens or one user's data, and no shared cache may keep them.
- `Strict-Transport-Security` only on requests that arrived over TLS (`scope["scheme"]`, which
  uvicorn sets from X-Forwarded-Proto when the proxy is trusted): HSTS over plain HTTP is ignored by
  browsers, and a development instance on http://localhost must not pin itself to https.

The interactive API docs (`/docs`, never served in production) load Swagger UI from its CDN with an
inline bootstrap script, so they get a policy of their own that allows exactly that.

Price: the header bytes (about 1 KB) on every response and one pass over the response's header list.
The WebSocket fast path is kept: the gateway writes frames straight to uvicorn's transport, which it
finds through `send.__self__` (docs/architecture.md, decision 5), so the send wrapper for sockets
forwards `__self__`; it only ever sees the accept and close messages on that path.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanctum.settings_groups import SecuritySettings

REPORT_PATH = "/api/csp-report"
REPORT_GROUP = "csp"

# What the app loads, and from where. Images may come from any https origin because avatars are
# links people give (`avatar_url`); images cannot run script.
APP_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data: blob: https:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("media-src", "'self' blob:"),
    ("worker-src", "'self'"),
    ("manifest-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("frame-src", "'none'"),
    ("frame-ancestors", "'none'"),
    ("form-action", "'self'"),
)

_SWAGGER_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (
    ("default-src", "'self'"),
    ("script-src", f"'self' {_SWAGGER_CDN} 'unsafe-inline'"),
    ("style-src", f"'self' {_SWAGGER_CDN} 'unsafe-inline'"),
    ("img-src", "'self' data: https://fastapi.tiangolo.com"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("frame-ancestors", "'none'"),
    ("form-action", "'self'"),
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect"})

# Features the app does not use are denied to every origin; camera, microphone and screen capture
# are kept for this origin's calls, passkeys (WebAuthn) for its logins.
PERMISSIONS_POLICY = ", ".join(
    (
        "accelerometer=()",
        "autoplay=(self)",
        "camera=(self)",
        "display-capture=(self)",
        "encrypted-media=()",
        "fullscreen=(self)",
        "geolocation=()",
        "gyroscope=()",
        "hid=()",
        "idle-detection=()",
        "magnetometer=()",
        "microphone=(self)",
        "midi=()",
        "payment=()",
        "picture-in-picture=(self)",
        # Passkeys: logins and registrations on this origin's own pages (never in a frame of another).
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
        "screen-wake-lock=()",
        "serial=()",
        "usb=()",
        "xr-spatial-tracking=()",
    )
)

Headers = list[tuple[bytes, bytes]]


def content_security_policy(directives: tuple[tuple[str, str], ...], report_path: str) -> str:
    parts = [f"{name} {value}" for name, value in directives]
    # report-to for browsers with the Reporting API, report-uri for the others (Chromium ignores
    # report-uri when report-to is present, so nothing is reported twice).
    parts += [f"report-uri {report_path}", f"report-to {REPORT_GROUP}"]
    return "; ".join(parts)


class SecurityHeaders:
    """The header lists, built once per (policy, root path, TLS) and reused for every response."""

    def __init__(self, settings: SecuritySettings) -> None:
        self.settings = settings
        self._cache: dict[tuple[bool, str, bool], Headers] = {}

    def for_scope(self, scope: Scope) -> Headers:
        root = str(scope.get("root_path", "")).rstrip("/")
        docs = app_path(scope) in DOCS_PATHS
        tls = scope.get("scheme") in ("https", "wss")
        key = (docs, root, tls)
        headers = self._cache.get(key)
        if headers is None:
            headers = self._cache[key] = self._build(docs=docs, root=root, tls=tls)
        return headers

    def _build(self, *, docs: bool, root: str, tls: bool) -> Headers:
        report_path = root + REPORT_PATH
        csp_name = "content-security-policy-report-only" if self.settings.csp_report_only else "content-security-policy"
        values = [
            (csp_name, content_security_policy(DOCS_POLICY if docs else APP_POLICY, report_path)),
            ("reporting-endpoints", f'{REPORT_GROUP}="{report_path}"'),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "strict-origin-when-cross-origin"),
            ("cross-origin-opener-policy", "same-origin"),
            ("cross-origin-resource-policy", "same-origin"),
            ("permissions-policy", PERMISSIONS_POLICY),
        ]
        if tls and self.settings.hsts_seconds > 0:
            hsts = f"max-age={self.settings.hsts_seconds}"
            if self.settings.hsts_include_subdomains:
                hsts += "; includeSubDomains"
            values.append(("strict-transport-security", hsts))
        return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in values]


_NO_STORE = (b"cache-control", b"no-store")


def app_path(scope: Scope) -> str:
    """The path inside the app: below a proxy's prefix, ASGI puts the prefix in both root_path and path."""
    path, root = str(scope.get("path", "")), str(scope.get("root_path", "")).rstrip("/")
    return path[len(root) :] if root and path.startswith(root + "/") else path


def _with_missing(present: list[Any], wanted: Headers) -> list[Any]:
    names = {bytes(name).lower() for name, _ in present}
    return present + [header for header in wanted if header[0] not in names]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, settings: SecuritySettings) -> None:
        self.app = app
        self.headers = SecurityHeaders(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.app(scope, receive, self._http_send(scope, send))
        elif kind == "websocket":
            await self.app(scope, receive, WebSocketAcceptHeaders(send, self.headers.for_scope(scope)))
        else:
            await self.app(scope, receive, send)

    def _http_send(self, scope: Scope, send: Send) -> Send:
        wanted = self.headers.for_scope(scope)
        if app_path(scope).startswith("/api/"):
            wanted = [*wanted, _NO_STORE]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_missing(list(message.get("headers", ())), wanted)
            await send(message)

        return send_with_headers


class WebSocketAcceptHeaders:
    """The server's WebSocket `send`, adding the headers to the handshake response.

    `__self__` is the wrapped send's own (uvicorn's protocol object): the gateway looks for it to
    write frames directly to the transport, so the wrapper must not hide it.
    """

    __slots__ = ("__self__", "_headers", "_send")

    def __init__(self, send: Send, headers: Headers) -> None:
        self._send = send
        self._headers = headers
        self.__self__ = getattr(send, "__self__", None)

    async def __call__(self, message: Message) -> None:
        if message["type"] in ("websocket.accept", "websocket.http.response.start"):
            message = {**message, "headers": _with_missing(list(message.get("headers", ())), self._headers)}
        await self._send(message)
