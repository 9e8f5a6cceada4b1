"""`POST /api/csp-report`: where browsers report what the Content-Security-Policy blocked.

Two formats arrive here: the Reporting API's `application/reports+json` (a list of reports, what
`report-to` makes Chromium send) and the older `application/csp-report` (one `{"csp-report": {...}}`,
from `report-uri`). Anyone can post here, browsers send no credentials, so everything is bounded:
the body (16 KiB), the reports counted per request, one log line per request with the first few
reports reduced to the directive, the blocked origin or keyword, and the page's path (never a query
string or a script sample, which could hold someone's data). The counter's only label is the
directive, from a fixed list.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, Request, Response, status

from sanctum.api.rate_limits import per_ip
from sanctum.api.schemas import ERROR_RESPONSES, ErrorEnvelope
from sanctum.api.security_headers import REPORT_PATH
from sanctum.core.errors import AppError, ErrorCode, PayloadTooLarge
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import CSP_VIOLATIONS

log = get_logger("sanctum.csp")

MAX_REPORT_BYTES = 16 * 1024
MAX_COUNTED = 50
MAX_LOGGED = 5
MEDIA_TYPES = ("application/reports+json", "application/csp-report", "application/json")

DIRECTIVES = frozenset(
    {
        "default-src",
        "script-src",
        "script-src-elem",
        "script-src-attr",
        "style-src",
        "style-src-elem",
        "style-src-attr",
        "img-src",
        "font-src",
        "connect-src",
        "media-src",
        "object-src",
        "frame-src",
        "child-src",
        "worker-src",
        "manifest-src",
        "base-uri",
        "form-action",
        "frame-ancestors",
        "require-trusted-types-for",
        "trusted-types",
    }
)
_KEYWORDS = frozenset({"inline", "eval", "wasm-eval", "data", "blob", "self", "trusted-types-policy"})


class UnsupportedMediaType(AppError):
    status_code = 415
    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE
    message = "Send application/reports+json or application/csp-report."


class NotAReport(AppError):
    code = ErrorCode.BAD_REQUEST
    message = "The body is not a CSP violation report."


def _text(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def directive_label(value: object) -> str:
    """`script-src-elem` from `script-src-elem` or `script-src 'self'`; `other` for anything unknown."""
    name = _text(value, 64).split(" ", 1)[0].strip().lower()
    return name if name in DIRECTIVES else "other"


def blocked_summary(value: object) -> str:
    """The blocked origin (`https://cdn.example`), or the keyword a browser reports (`inline`, `eval`)."""
    text = _text(value, 2048).strip()
    if text in _KEYWORDS:
        return text
    parts = urlsplit(text)
    if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname:
        return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"[:120]
    return parts.scheme[:20] if parts.scheme else "unknown"


def page_path(value: object) -> str:
    return urlsplit(_text(value, 2048)).path[:200]


def _summaries(payload: Any) -> list[dict[str, Any]]:
    """Every violation in either format, as a bounded summary; raises NotAReport for anything else."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        legacy = payload["csp-report"]
        return [
            {
                "directive": directive_label(legacy.get("effective-directive") or legacy.get("violated-directive")),
                "blocked": blocked_summary(legacy.get("blocked-uri")),
                "page": page_path(legacy.get("document-uri")),
                "disposition": _text(legacy.get("disposition"), 16) or "enforce",
            }
        ]
    if isinstance(payload, list):
        found = []
        for item in payload[:MAX_COUNTED]:
            if (
                not isinstance(item, dict)
                or item.get("type") != "csp-violation"
                or not isinstance(item.get("body"), dict)
            ):
                continue
            body = item["body"]
            found.append(
                {
                    "directive": directive_label(body.get("effectiveDirective")),
                    "blocked": blocked_summary(body.get("blockedURL")),
                    "page": page_path(body.get("documentURL") or item.get("url")),
                    "disposition": _text(body.get("disposition"), 16) or "enforce",
                }
            )
        return found
    raise NotAReport()


async def _read_bounded(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_REPORT_BYTES:
        raise PayloadTooLarge(details={"limit_bytes": MAX_REPORT_BYTES})
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REPORT_BYTES:
            raise PayloadTooLarge(details={"limit_bytes": MAX_REPORT_BYTES})
    return bytes(body)


_VIOLATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "documentURL": {"type": "string"},
        "effectiveDirective": {"type": "string"},
        "blockedURL": {"type": "string"},
        "disposition": {"type": "string", "enum": ["enforce", "report"]},
    },
}
_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/reports+json": {
            "schema": {
                "type": "array",
                "maxItems": 100,
                "items": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string", "enum": ["csp-violation"]},
                        "url": {"type": "string"},
                        "body": _VIOLATION_SCHEMA,
                    },
                    "required": ["type", "body"],
                },
            }
        },
        "application/csp-report": {
            "schema": {
                "type": "object",
                "properties": {
                    "csp-report": {
                        "type": "object",
                        "properties": {
                            "document-uri": {"type": "string"},
                            "violated-directive": {"type": "string"},
                            "effective-directive": {"type": "string"},
                            "blocked-uri": {"type": "string"},
                        },
                    }
                },
                "required": ["csp-report"],
            }
        },
    },
}


def csp_report_router() -> APIRouter:
    router = APIRouter(tags=["security"])

    @router.post(
        REPORT_PATH,
        status_code=status.HTTP_204_NO_CONTENT,
        openapi_extra={"requestBody": _REQUEST_BODY},
        responses={**ERROR_RESPONSES, 415: {"model": ErrorEnvelope, "description": "Not a report media type"}},
        dependencies=[per_ip("csp_report_per_ip")],
    )
    async def report_csp_violation(request: Request) -> Response:
        """Browsers post Content-Security-Policy violations here (no authentication; 16 KiB at most).

        Each is counted in `csp_violations_total{directive}` and summarized in the log."""
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type not in MEDIA_TYPES:
            raise UnsupportedMediaType()
        body = await _read_bounded(request)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise NotAReport("The body is not valid JSON.") from None
        reports = _summaries(payload)
        for report in reports:
            CSP_VIOLATIONS.labels(report["directive"]).inc()
        if reports:
            log.warning("csp_violation", count=len(reports), reports=reports[:MAX_LOGGED])
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
