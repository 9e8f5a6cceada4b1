"""Application errors with stable codes.

Services raise these; one handler renders every one of them as the error envelope
`{"error": {"code", "message", "fields"?, "details"?, "request_id"}}`.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every stable code a client may see, in an HTTP error envelope or a socket `error` frame.

    Published in OpenAPI (the generated web client types `error.code` as this union) and in the
    realtime contract. A new code is added here first; raise sites name a member, never a string.
    """

    # Generic, one per status the framework itself may answer.
    BAD_REQUEST = "BAD_REQUEST"
    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    CONFLICT = "CONFLICT"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    RATE_LIMITED = "RATE_LIMITED"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    ERROR = "ERROR"
    # Accounts.
    ACCOUNT_EXISTS = "ACCOUNT_EXISTS"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN"
    REFRESH_TOKEN_REUSED = "REFRESH_TOKEN_REUSED"
    SESSION_REVOKED = "SESSION_REVOKED"
    SESSION_NOT_FOUND = "SESSION_NOT_FOUND"
    USER_NOT_FOUND = "USER_NOT_FOUND"
    # Refused between two people who are kept apart (a block, either way); it never says which.
    CANNOT_CONTACT_USER = "CANNOT_CONTACT_USER"
    CSRF_HEADER_REQUIRED = "CSRF_HEADER_REQUIRED"
    CROSS_ORIGIN = "CROSS_ORIGIN"
    # Account security: emailed links, two-factor, passkeys.
    EMAIL_TOKEN_INVALID = "EMAIL_TOKEN_INVALID"
    CHALLENGE_INVALID = "CHALLENGE_INVALID"
    SECOND_FACTOR_INVALID = "SECOND_FACTOR_INVALID"
    TOTP_ALREADY_ENABLED = "TOTP_ALREADY_ENABLED"
    TOTP_NOT_ENABLED = "TOTP_NOT_ENABLED"
    PASSKEY_INVALID = "PASSKEY_INVALID"
    PASSKEY_NOT_FOUND = "PASSKEY_NOT_FOUND"
    # Chat.
    ROOM_NOT_FOUND = "ROOM_NOT_FOUND"
    ROOM_IS_DM = "ROOM_IS_DM"
    ROOM_FULL = "ROOM_FULL"
    SANCTUM_ROOM = "SANCTUM_ROOM"
    NOT_A_MEMBER = "NOT_A_MEMBER"
    NOT_MODERATOR = "NOT_MODERATOR"
    NOT_AUTHOR = "NOT_AUTHOR"
    MESSAGE_NOT_FOUND = "MESSAGE_NOT_FOUND"
    # Sanctums, posts, friends, notifications.
    SANCTUM_NOT_FOUND = "SANCTUM_NOT_FOUND"
    SLUG_TAKEN = "SLUG_TAKEN"
    NOT_OWNER = "NOT_OWNER"
    OWNER_MUST_TRANSFER = "OWNER_MUST_TRANSFER"
    MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND"
    POST_NOT_FOUND = "POST_NOT_FOUND"
    COMMENT_NOT_FOUND = "COMMENT_NOT_FOUND"
    FRIEND_REQUEST_NOT_FOUND = "FRIEND_REQUEST_NOT_FOUND"
    NOT_FRIENDS = "NOT_FRIENDS"
    NOTIFICATION_NOT_FOUND = "NOTIFICATION_NOT_FOUND"
    # Reports.
    REPORT_NOT_FOUND = "REPORT_NOT_FOUND"
    REPORT_EXISTS = "REPORT_EXISTS"
    REPORT_CLOSED = "REPORT_CLOSED"
    REPORT_ACTION_UNAVAILABLE = "REPORT_ACTION_UNAVAILABLE"
    # Invite links and channels.
    INVITE_NOT_FOUND = "INVITE_NOT_FOUND"
    INVITE_EXPIRED = "INVITE_EXPIRED"
    INVITE_REVOKED = "INVITE_REVOKED"
    INVITE_USED_UP = "INVITE_USED_UP"
    ROOM_NOT_PRIVATE = "ROOM_NOT_PRIVATE"
    TOO_MANY_CHANNELS = "TOO_MANY_CHANNELS"
    # Web Push and data exports.
    PUSH_ENDPOINT_REFUSED = "PUSH_ENDPOINT_REFUSED"
    EXPORT_NOT_FOUND = "EXPORT_NOT_FOUND"
    EXPORT_NOT_READY = "EXPORT_NOT_READY"
    EXPORT_GONE = "EXPORT_GONE"
    # files (docs/files.md)
    FILE_NOT_FOUND = "FILE_NOT_FOUND"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    NOT_AN_IMAGE = "NOT_AN_IMAGE"
    ATTACHMENT_INVALID = "ATTACHMENT_INVALID"
    # custom emoji of a sanctum (docs/files.md, "Custom emoji")
    EMOJI_NOT_FOUND = "EMOJI_NOT_FOUND"
    EMOJI_EXISTS = "EMOJI_EXISTS"
    EMOJI_NAME_INVALID = "EMOJI_NAME_INVALID"
    # Games (the plugin SDK's codes are among these).
    GAME_NOT_FOUND = "GAME_NOT_FOUND"
    GAME_ROOM_NOT_FOUND = "GAME_ROOM_NOT_FOUND"
    GAME_STARTED = "GAME_STARTED"
    GAME_NOT_FINISHED = "GAME_NOT_FINISHED"
    NOT_REPLAYABLE = "NOT_REPLAYABLE"
    INVALID_MOVE = "INVALID_MOVE"
    NOT_YOUR_TURN = "NOT_YOUR_TURN"
    GAME_OVER = "GAME_OVER"
    NOT_IN_ROOM = "NOT_IN_ROOM"
    NOT_STARTED = "NOT_STARTED"
    ALREADY_IN_ROOM = "ALREADY_IN_ROOM"
    BAD_OPTIONS = "BAD_OPTIONS"
    BUSY = "BUSY"
    STALE_VERSION = "STALE_VERSION"
    # Calls.
    CALL_NOT_FOUND = "CALL_NOT_FOUND"
    CALL_BUSY = "CALL_BUSY"
    CALL_FULL = "CALL_FULL"
    CALL_ENDED = "CALL_ENDED"
    NOT_IN_CALL = "NOT_IN_CALL"
    # Feature flags.
    FEATURE_DISABLED = "FEATURE_DISABLED"
    FLAG_NOT_FOUND = "FLAG_NOT_FOUND"
    # The socket.
    BAD_JSON = "BAD_JSON"
    BAD_MESSAGE = "BAD_MESSAGE"
    UNKNOWN_TYPE = "UNKNOWN_TYPE"
    FRAME_TOO_LARGE = "FRAME_TOO_LARGE"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    NOT_SUBSCRIBED = "NOT_SUBSCRIBED"
    RESYNC_REQUIRED = "RESYNC_REQUIRED"
    # Moderation: roles and permissions, pins, mutes, bans, suspensions.
    MISSING_PERMISSION = "MISSING_PERMISSION"
    ROLE_NOT_FOUND = "ROLE_NOT_FOUND"
    ROLE_EXISTS = "ROLE_EXISTS"
    ROLE_IN_USE = "ROLE_IN_USE"
    PIN_LIMIT = "PIN_LIMIT"
    MUTED = "MUTED"
    BANNED = "BANNED"
    ACCOUNT_SUSPENDED = "ACCOUNT_SUSPENDED"


class AppError(Exception):
    """Base of every error a client may see. `code` is stable and machine readable."""

    status_code: int = 400
    code: ErrorCode = ErrorCode.BAD_REQUEST
    message: str = "The request could not be processed."
    # Whether `details` may be shown outside development (they are meant for the client, e.g. retry_after).
    public_details: bool = False

    def __init__(
        self,
        message: str | None = None,
        *,
        code: ErrorCode | None = None,
        fields: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or type(self).message
        if code is not None:
            self.code = code
        self.fields = fields
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class ValidationFailed(AppError):
    status_code = 422
    code = ErrorCode.VALIDATION_FAILED
    message = "Some fields are invalid."


class Unauthorized(AppError):
    status_code = 401
    code = ErrorCode.UNAUTHORIZED
    message = "Authentication is required."


class Forbidden(AppError):
    status_code = 403
    code = ErrorCode.FORBIDDEN
    message = "You are not allowed to do this."


class Muted(Forbidden):
    """The sender is muted here until `details.until` (public: the composer shows it)."""

    code = ErrorCode.MUTED
    message = "You are muted here."
    public_details = True


class Suspended(Forbidden):
    """The account is suspended; `details` (`until`, `reason`) are public so the sign-in page can say why."""

    code = ErrorCode.ACCOUNT_SUSPENDED
    message = "This account is suspended."
    public_details = True


class NotFound(AppError):
    status_code = 404
    code = ErrorCode.NOT_FOUND
    message = "Not found."


class Conflict(AppError):
    status_code = 409
    code = ErrorCode.CONFLICT
    message = "This conflicts with the current state."


class Gone(AppError):
    """It existed and no longer works (an expired, revoked or used-up invite link)."""

    status_code = 410
    code = ErrorCode.ERROR
    message = "This is no longer available."


class PayloadTooLarge(AppError):
    status_code = 413
    code = ErrorCode.PAYLOAD_TOO_LARGE
    message = "The request body is too large."


class RateLimited(AppError):
    """A named limit refused this request: 429 with `Retry-After` and the IETF draft `RateLimit-*` fields.

    `details` (`limit`, `retry_after`) is public, unlike other errors' details: a client needs both to
    say what to wait for and how long.
    """

    status_code = 429
    code = ErrorCode.RATE_LIMITED
    message = "Too many requests; try again later."
    public_details = True

    def __init__(
        self, retry_after: float, limit: str, message: str | None = None, *, amount: int = 0, window: int = 0
    ) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        self.limit = limit
        headers = {"Retry-After": str(self.retry_after)}
        if amount:
            # draft-ietf-httpapi-ratelimit-headers-06: the policy that refused, nothing left, when it resets.
            headers |= {
                "RateLimit-Policy": f"{amount};w={window}",
                "RateLimit-Limit": str(amount),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(self.retry_after),
            }
        super().__init__(message, details={"limit": limit, "retry_after": self.retry_after}, headers=headers)


class QuotaExceeded(AppError):
    """The account already holds as many of something as the instance allows (QUOTAS__...): 403, not a
    429, since waiting does not help. `details` names the quota and its limit, publicly."""

    status_code = 403
    code = ErrorCode.QUOTA_EXCEEDED
    public_details = True

    def __init__(self, quota: str, limit: int, message: str) -> None:
        self.quota = quota
        super().__init__(message, details={"quota": quota, "limit": limit})


class ServiceUnavailable(AppError):
    status_code = 503
    code = ErrorCode.SERVICE_UNAVAILABLE
    message = "A dependency is unavailable."


class DatabaseUnavailable(AppError):
    """The database could not be reached (refused, lost, timed out, locked, read-only during failover).

    Nothing of the command was committed unless the connection dropped during its commit; so a client
    retries after `retry_after` seconds, with the same `client_id` where the command takes one.
    """

    status_code = 503
    code = ErrorCode.DATABASE_UNAVAILABLE
    message = "The database is unavailable for a moment; try again shortly."
    public_details = True

    def __init__(self, retry_after: int = 2) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(details={"retry_after": self.retry_after}, headers={"Retry-After": str(self.retry_after)})


STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    406: ErrorCode.NOT_ACCEPTABLE,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.VALIDATION_FAILED,
    429: ErrorCode.RATE_LIMITED,
    500: ErrorCode.INTERNAL_ERROR,
    503: ErrorCode.SERVICE_UNAVAILABLE,
}


def code_for_status(status: int) -> ErrorCode:
    """The stable code used for a bare HTTP status raised by the framework."""
    return STATUS_CODES.get(status, ErrorCode.ERROR if status < 500 else ErrorCode.INTERNAL_ERROR)
