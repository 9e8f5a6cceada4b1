"""Settings groups of `Settings` (settings.py) kept here so that module stays within the size limit:
data exports, the email digest, failure handling. Import them from `sanctum.settings` as the others."""

from __future__ import annotations

from pydantic import BaseModel, Field


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


__all__ = ["DigestSettings", "ExportSettings", "ResilienceSettings"]
