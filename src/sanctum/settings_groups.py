"""The settings groups of the features around the core: backups, Web Push, data exports, the mention
digest, browser security headers, email and failure handling. `settings.Settings` nests each under its
prefix (`BACKUP__...`, `PUSH__...`, `EXPORTS__...`, `DIGEST__...`, `SECURITY__...`, `EMAIL__...`,
`RESILIENCE__...`); they live
here so that settings.py stays one readable page. Pure pydantic: this module imports nothing of Sanctum.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator

__all__ = [
    "BackupSettings",
    "DigestSettings",
    "EmailSettings",
    "ExportSettings",
    "PushSettings",
    "ResilienceSettings",
    "SecuritySettings",
    "TlsMode",
]


class BackupSettings(BaseModel):
    """Backups (BACKUP__...): where `sanctum backup` writes and the scheduled backup (docs/operations/backup.md).

    The server runs the schedule in embedded mode, `sanctum worker` in scaled mode.
    """

    # Hours between scheduled backups; 0 turns the schedule off (`sanctum backup` still works).
    interval_hours: float = Field(0.0, ge=0, le=24 * 366)
    # Where archives go (scheduled, and `sanctum backup` without --output). Keep it off the database's disk.
    directory: Path = Path("var/backups")
    # How many scheduled archives to keep; older ones in `directory` are deleted after each success.
    keep: int = Field(7, ge=1, le=10_000)
    # The directory holding pg_dump, pg_restore and psql (scaled mode); found on PATH or in
    # /usr/lib/postgresql/<newest>/bin when unset. They must be at least the server's major version.
    pg_bin_dir: Path | None = None


class PushSettings(BaseModel):
    """Web Push (PUSH__...); see docs/notifications.md, "Web Push"."""

    # The VAPID `sub` claim: how a push service reaches the operator (mailto: or https:).
    subject: str = Field("mailto:admin@localhost", pattern=r"^(mailto:|https://)\S{3,200}$")
    # Hosts a subscription's endpoint may name, as suffixes: the browsers' own push services. Anything
    # else is refused, so the server never posts to an address a user picked (SSRF).
    allowed_hosts: list[str] = [
        ".googleapis.com",
        ".push.services.mozilla.com",
        ".notify.windows.com",
        ".push.apple.com",
    ]
    # Plain-http endpoints (tests and development against a local push endpoint only).
    allow_http: bool = False
    # How long a push service keeps a notification for an offline browser.
    ttl_seconds: int = Field(86_400, ge=0, le=2_419_200)
    timeout_seconds: float = Field(10.0, gt=0, le=60)
    max_subscriptions_per_user: int = Field(20, ge=1, le=1000)


class ExportSettings(BaseModel):
    """Data exports (EXPORTS__...); see docs/security.md, "Data export"."""

    # How long a built archive waits for its one download before it is deleted.
    ttl_seconds: int = Field(86_400, ge=60, le=604_800)
    # Rows read per query while building (bounds the job's memory with the chunk size).
    batch_rows: int = Field(500, ge=10, le=10_000)
    chunk_bytes: int = Field(1_048_576, ge=4_096, le=16_777_216)


class DigestSettings(BaseModel):
    """The email digest of missed mentions (DIGEST__...); see docs/notifications.md, "Email digest".

    The server runs it in embedded mode, `sanctum worker` in scaled mode (one worker per round, by a lock).
    """

    # Minutes between rounds; each user gets at most one digest per round. 0 turns the digest off.
    interval_minutes: float = Field(15.0, ge=0, le=24 * 60)
    # A mention is emailed once it has stayed unread this long.
    delay_minutes: float = Field(30.0, ge=0, le=7 * 24 * 60)
    # At most this many mentions in one email (the rest follow in the next rounds).
    max_mentions: int = Field(20, ge=1, le=200)
    # At most this many users handled per round (the rest in the next rounds).
    users_per_round: int = Field(1000, ge=1, le=100_000)


class SecuritySettings(BaseModel):
    """Browser-facing security headers (SECURITY__...); see docs/security.md."""

    # Strict-Transport-Security max-age, sent only on requests that arrived over TLS (directly or as
    # X-Forwarded-Proto from a trusted proxy); 0 sends none.
    hsts_seconds: int = Field(31_536_000, ge=0, le=63_072_000)
    hsts_include_subdomains: bool = False
    # Report violations of the Content-Security-Policy without blocking them: for trying a change
    # of the policy on a live instance, never as the normal state.
    csp_report_only: bool = False


TlsMode = Literal["starttls", "tls", "none"]


class EmailSettings(BaseModel):
    """Outgoing email (EMAIL__...); see docs/security.md, "Email".

    Without `smtp_host` nothing is sent: each message is logged instead (`email_not_sent`), with its
    link in development and test (where the link is the point) and without it anywhere else.
    """

    smtp_host: str | None = Field(None, max_length=253)
    smtp_port: int = Field(587, ge=1, le=65_535)
    # starttls: plain connection upgraded with STARTTLS (port 587); tls: TLS from the start (465);
    # none: no encryption (a relay on localhost only).
    smtp_tls: TlsMode = "starttls"
    smtp_username: str | None = Field(None, max_length=254)
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(15.0, gt=0, le=300)
    sender: str = Field("Sanctum <no-reply@localhost>", min_length=3, max_length=254)
    # How long the links in emails work.
    verify_ttl_hours: int = Field(48, ge=1, le=24 * 30)
    reset_ttl_seconds: int = Field(3_600, ge=60, le=86_400)

    @field_validator("smtp_host")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("smtp_password")
    @classmethod
    def _password_needs_user(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and value.get_secret_value() and not info.data.get("smtp_username"):
            raise ValueError("EMAIL__SMTP_USERNAME is needed with a password")
        return value

    @field_validator("sender")
    @classmethod
    def _sender_is_an_address(cls, value: str) -> str:
        from email.utils import parseaddr

        if "@" not in parseaddr(value)[1]:
            raise ValueError("expected an address such as 'Sanctum <no-reply@example.org>'")
        return value

    @property
    def configured(self) -> bool:
        return self.smtp_host is not None


class ResilienceSettings(BaseModel):
    """Failure handling (RESILIENCE__...): circuit breakers, the read replica's fallback, flag reloads
    (docs/operations/breakers.md, docs/flags.md)."""

    # Consecutive failures (errors or timeouts) that open a breaker; how long it stays open before
    # one probe is let through (half-open).
    breaker_failures: int = Field(3, ge=1, le=100)
    breaker_reset_seconds: float = Field(2.0, gt=0, le=300)
    # Reads leave the replica when it is down or replays WAL more than this far behind the primary.
    replica_max_lag_seconds: float = Field(10.0, gt=0, le=3600)
    replica_check_seconds: float = Field(1.0, gt=0, le=60)
    # Every instance re-reads the flags' version this often (a change also reaches it at once over the bus).
    flags_poll_seconds: float = Field(2.0, gt=0, le=5)
