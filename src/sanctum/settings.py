"""Settings: one validated object built from the environment and an optional `.env`.

No instance is built at import time: `load_settings()` is called by the CLI or the worker entry
point and the result is passed to `create_app(settings)`. Tests build `Settings(...)` directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sanctum.net.settings import PreviewSettings
from sanctum.settings_groups import (
    BackupSettings,
    DigestSettings,
    EmailSettings,
    ExportSettings,
    PushSettings,
    ResilienceSettings,
    SecuritySettings,
)
from sanctum.storage.settings import FileSettings

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"

AppEnv = Literal["development", "test", "staging", "production"]


class AuthSettings(BaseModel):
    access_token_ttl_seconds: int = Field(900, ge=30, le=86_400)
    refresh_token_ttl_days: int = Field(30, ge=1, le=365)
    argon2_time_cost: int = Field(3, ge=1, le=20)
    argon2_memory_kib: int = Field(65_536, ge=8, le=4_194_304)
    argon2_parallelism: int = Field(4, ge=1, le=64)


class RateLimitSettings(BaseModel):
    """Every named rate limit (RATE_LIMITS__<NAME>), in the `limits` library's notation.

    A value is one rate (`10/minute`) or several, all enforced (`5/minute;30/hour`). Limits whose name
    ends in `_per_ip` count per client address (routes without an account); the others per account.
    Routes and socket commands name the limit they spend (docs/rate-limits.md has the table).
    """

    login_per_ip: str = "30/minute"
    login_per_account: str = "10/minute"
    register_per_ip: str = "20/hour"
    refresh_per_ip: str = "300/minute"
    csp_report_per_ip: str = "60/minute"
    # A burst of 10, then about 2/s: messages and thread replies share it.
    chat_message: str = "10/5seconds"
    # Edits of messages, posts and comments.
    edit: str = "30/minute"
    # Reactions to messages, likes of posts and comments, and taking them back.
    reaction: str = "20/10seconds"
    post: str = "5/minute;30/hour"
    comment: str = "10/minute;100/hour"
    # Rooms of every kind (public, private, group) and sanctums.
    room_create: str = "10/hour;30/day"
    dm_open: str = "30/hour;100/day"
    sanctum_create: str = "3/hour;10/day"
    friend_request: str = "20/hour"
    block: str = "30/hour"  # blocking and unblocking someone
    # Reporting a message, post, comment or person; resolving reports spends `write`.
    report: str = "10/hour;50/day"
    # Adding someone to a room, a sanctum or a game.
    invite: str = "30/hour"
    game_room_create: str = "30/hour"
    game_move: str = "20/second"
    # Calls: starting one (it rings someone), answering and hanging up, and signalling (offers,
    # answers and ICE candidates: a call's set-up sends dozens of candidates in a second).
    call_start: str = "10/minute;60/hour"
    call_control: str = "60/minute"
    call_signal: str = "100/10seconds"
    announcement: str = "10/minute"
    # Read positions: a room's, a notification's, a DM's delivered receipt.
    read_marker: str = "60/10seconds"
    ticket: str = "60/minute"
    # Moderation: roles, pins, mutes, bans, suspensions (docs/moderation.md).
    moderation: str = "60/minute"
    # Feature flags: the admin screen's changes (docs/flags.md).
    flags: str = "60/minute"
    # Every other write: joining, leaving, deleting, roles, profile, sessions.
    write: str = "60/minute"
    # People search answers as someone types: generous for a person, a wall for a scraper.
    user_search_per_user: str = "120/minute"
    search: str = "60/minute"  # site search (GET /api/search): each query searches several tables
    # Invite links: looking one up (preview) and using one, per address and per account.
    invite_per_ip: str = "60/minute"
    invite_redeem_per_user: str = "20/minute"
    # Routes that send an email (verification, reset, change of address): per client address, and per
    # address the email goes to (counted whether or not it has an account, so the answer tells nothing).
    email_per_ip: str = "10/hour"
    email_per_address: str = "3/hour;10/day"
    # Redeeming an emailed link, and the second step of a login (a TOTP code, a recovery code, a passkey).
    token_per_ip: str = "30/minute"
    second_factor_per_ip: str = "20/minute"
    # Changing a password, an address, two-factor settings or passkeys.
    security: str = "20/hour"
    # Notification preferences and mutes.
    preferences: str = "60/minute"
    # Web Push subscriptions: subscribing and unsubscribing a browser.
    push_subscription: str = "20/hour"
    # Data exports: each request builds a whole archive in the background.
    export: str = "3/day"
    # Uploads: attachments, avatars and icons (each also bounded by FILES__ limits and the quota).
    upload: str = "30/minute;300/day"
    # Each allowance is multiplied by this: 1 in production; browser tests and load benchmarks raise it.
    multiplier: int = Field(1, ge=1, le=1_000_000)

    @field_validator("*")
    @classmethod
    def _parse(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError("expected a rate such as '10/minute' or '5/minute;30/hour'") from exc
        return value

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, value in self if isinstance(value, str))


class QuotaSettings(BaseModel):
    """What one account may hold at once (QUOTAS__...), refused with QUOTA_EXCEEDED; docs/rate-limits.md."""

    # Public and private rooms the account owns (a sanctum's room counts with its sanctum).
    rooms_per_account: int = Field(100, ge=1, le=1_000_000)
    # Group conversations the account started and still owns.
    groups_per_account: int = Field(100, ge=1, le=1_000_000)
    # Sanctums the account owns.
    sanctums_per_account: int = Field(10, ge=1, le=1_000_000)
    # People in one group conversation, its owner included.
    group_members: int = Field(20, ge=2, le=1_000)


class RealtimeSettings(BaseModel):
    max_connections_per_user: int = Field(12, ge=1, le=1000)
    ticket_ttl_seconds: int = Field(30, ge=1, le=300)
    heartbeat_interval_seconds: float = Field(30.0, gt=0, le=600)
    heartbeat_timeout_seconds: float = Field(10.0, gt=0, le=600)
    max_frame_bytes: int = Field(65_536, ge=256, le=1_048_576)
    send_queue_size: int = Field(1024, ge=8, le=1_000_000)
    send_buffer_bytes: int = Field(1_048_576, ge=4_096)
    max_subscriptions: int = Field(200, ge=1, le=10_000)
    messages_per_second: float = Field(20.0, gt=0)
    # Room for a client resubscribing every room it holds after a reconnect.
    message_burst: int = Field(200, ge=1)
    max_strikes: int = Field(20, ge=1)
    replay_limit: int = Field(1000, ge=10, le=100_000)
    lease_seconds: float = Field(90.0, ge=1)
    # Scaled mode: how long an instance's record of holding a topic outlives its last heartbeat (a
    # third of this), so a lost instance stops being sent ephemeral events that long after.
    holder_ttl_seconds: float = Field(15.0, ge=0.3, le=600)


class JobSettings(BaseModel):
    """The background job queue (in-process embedded, a Redis stream scaled); see docs/jobs.md."""

    max_attempts: int = Field(5, ge=1, le=50)
    # Attempt n waits a random time in [0, min(max, base * 2**(n-1))] before it runs again ("full jitter").
    backoff_base_seconds: float = Field(1.0, ge=0, le=3600)
    backoff_max_seconds: float = Field(60.0, ge=0, le=86_400)
    # A job a worker took but did not acknowledge for this long (the worker died) goes to another worker.
    # Longer than a job with all its retries can take, or a slow job runs twice (harmless, jobs are idempotent).
    redelivery_seconds: float = Field(300.0, ge=0.1, le=86_400)
    # How long a worker blocks reading new jobs before it also looks for jobs to redeliver.
    poll_seconds: float = Field(2.0, ge=0.01, le=60)
    concurrency: int = Field(20, ge=1, le=1000)
    # On SIGTERM a worker stops taking jobs and gives running ones this long to finish.
    shutdown_seconds: float = Field(20.0, ge=0, le=600)
    queue_name: str = Field("sanctum:jobs", min_length=1, max_length=100)
    # Scaled mode: also work jobs inside each app instance (tests, small installs); `sanctum worker` otherwise.
    in_app_worker: bool = False
    # The stream keeps about this many finished jobs before Redis trims it.
    stream_max_length: int = Field(100_000, ge=1_000)
    # The outbox (docs/jobs.md): how often each process relays entries that no after-commit hook
    # queued (their process died), once they are this old.
    outbox_poll_seconds: float = Field(1.0, gt=0, le=60)
    outbox_grace_seconds: float = Field(10.0, ge=0, le=3600)


class GamesSettings(BaseModel):
    """The games engine (GAMES__...)."""

    # How long a disconnected player has to come back before forfeiting.
    reconnect_window_seconds: float = Field(30.0, gt=0, le=3_600)
    # "Play now" waits this long for a human opponent before seating a bot.
    bot_fallback_seconds: float = Field(10.0, gt=0, le=3_600)
    # A pause before a bot answers, so people see their own move land first.
    bot_delay_seconds: float = Field(0.4, ge=0, le=10)
    # How often each instance looks for expired reconnect windows and matchmaking fallbacks.
    sweep_interval_seconds: float = Field(1.0, gt=0, le=60)
    # The lease one instance holds to run a real-time room's loop; another takes over when it lapses.
    lease_seconds: float = Field(5.0, ge=0.2, le=300)
    # How often a real-time room's state is written to the database (its restore point).
    snapshot_interval_seconds: float = Field(1.0, gt=0, le=60)
    # A real-time room sends its whole view (a keyframe) every this many ticks, deltas in between.
    keyframe_interval_ticks: int = Field(60, ge=1, le=10_000)
    # A room's actor stops after this long without work; the next command restores it from the database.
    actor_idle_seconds: float = Field(60.0, gt=0, le=3_600)
    # Dotted paths (`package.module:Class`) of plugins outside this repository, registered at start.
    extra_plugins: list[str] = Field(default_factory=list, max_length=50)


class CallSettings(BaseModel):
    """Voice and video calls (CALLS__...): the mesh's size, ringing, and the ICE servers browsers get
    (docs/calls.md). TURN is offered only when both `turn_urls` and `turn_secret` are set."""

    # A full mesh sends every stream to every peer: past 4 people an SFU is needed (docs/calls.md).
    max_participants: int = Field(4, ge=2, le=8)
    # An unanswered call is missed after this long.
    ring_seconds: float = Field(30.0, gt=0, le=300)
    # How long the state of a call nobody touches is kept (a crashed instance's calls expire).
    state_ttl_seconds: float = Field(6 * 3600, ge=60, le=7 * 86_400)
    # A participant whose last socket closes stays in the call this long: a socket that reconnects
    # within it (a network blip, a laptop lid) rejoins as if nothing happened; 0 drops at once.
    rejoin_seconds: float = Field(10.0, ge=0, le=120)
    stun_urls: list[str] = Field(default_factory=lambda: ["stun:stun.l.google.com:19302"], max_length=10)
    turn_urls: list[str] = Field(default_factory=list, max_length=10)
    # coturn's `static-auth-secret` (use-auth-secret): credentials are HMAC-SHA1 of it (TURN REST API).
    turn_secret: SecretStr | None = None
    turn_ttl_seconds: int = Field(3600, ge=60, le=86_400)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_nested_delimiter="__", extra="ignore", case_sensitive=False)

    app_env: AppEnv = "development"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    database_url: str = "sqlite+aiosqlite:///var/sanctum.db"
    database_read_url: str | None = None
    database_pool_size: int = Field(10, ge=1, le=200)
    # How long a request waits to connect (PostgreSQL), for a pooled connection, or for another
    # process's SQLite write lock, before it is answered 503 DATABASE_UNAVAILABLE.
    database_timeout_seconds: float = Field(10.0, gt=0, le=120)
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8375, ge=1, le=65_535)
    max_body_bytes: int = Field(1_048_576, ge=1_024)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    health_timeout_seconds: float = Field(2.0, gt=0, le=30)
    # On SIGTERM: how long readiness is 503 while requests are still served (the load balancer's time to
    # notice), then how long requests in flight may take to finish (api/shutdown.py).
    shutdown_drain_seconds: float = Field(0.0, ge=0, le=120)
    shutdown_grace_seconds: int = Field(20, ge=1, le=600)
    web_dist: Path | None = None
    # The address people reach this instance at (https://chat.example.org): links in emails and the
    # origin passkeys are bound to. Unset, each request's own Host is used (development; set it behind a proxy).
    public_url: str | None = Field(None, max_length=200)
    auth: AuthSettings = AuthSettings()
    rate_limits: RateLimitSettings = RateLimitSettings()
    quotas: QuotaSettings = QuotaSettings()
    realtime: RealtimeSettings = RealtimeSettings()
    jobs: JobSettings = JobSettings()
    games: GamesSettings = GamesSettings()
    calls: CallSettings = CallSettings()
    backup: BackupSettings = BackupSettings()
    security: SecuritySettings = SecuritySettings()
    email: EmailSettings = EmailSettings()
    push: PushSettings = PushSettings()
    exports: ExportSettings = ExportSettings()
    digest: DigestSettings = DigestSettings()
    files: FileSettings = FileSettings()
    resilience: ResilienceSettings = ResilienceSettings()
    previews: PreviewSettings = PreviewSettings()
    # Tracing: the standard OpenTelemetry variables (docs/operations/observability.md). Off unless an
    # exporter or an OTLP endpoint is named; the OTLP exporter speaks HTTP/protobuf (port 4318).
    otel_sdk_disabled: bool = False
    otel_traces_exporter: Literal["otlp", "console", "none"] | None = None
    otel_exporter_otlp_endpoint: str | None = Field(None, max_length=500)
    otel_exporter_otlp_traces_endpoint: str | None = Field(None, max_length=500)
    otel_traces_sampler: Literal[
        "always_on",
        "always_off",
        "traceidratio",
        "parentbased_always_on",
        "parentbased_always_off",
        "parentbased_traceidratio",
    ] = "parentbased_always_on"
    otel_traces_sampler_arg: float | None = Field(None, ge=0, le=1)
    otel_service_name: str | None = Field(None, max_length=100)

    @field_validator("secret_key")
    @classmethod
    def _secret_strong_outside_development(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        env = info.data.get("app_env", "development")
        secret = value.get_secret_value()
        if env == "production" and (secret == DEFAULT_SECRET_KEY or len(secret) < 32):
            raise ValueError("production needs your own random secret of at least 32 characters")
        return value

    @field_validator("database_url", "database_read_url")
    @classmethod
    def _database_scheme(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("sqlite+aiosqlite:///", "postgresql+asyncpg://")):
            raise ValueError("expected sqlite+aiosqlite:///path/to.db or postgresql+asyncpg://user:pass@host/db")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError("expected the site's origin, such as https://chat.example.org")
        return value.rstrip("/")

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("expected redis://host:port/db")
        return value

    @property
    def traces_exporter(self) -> Literal["otlp", "console", "none"]:
        """Where spans go: the named exporter, else OTLP when an endpoint is set, else nowhere (off)."""
        if self.otel_sdk_disabled:
            return "none"
        if self.otel_traces_exporter is not None:
            return self.otel_traces_exporter
        endpoint = self.otel_exporter_otlp_endpoint or self.otel_exporter_otlp_traces_endpoint
        return "otlp" if endpoint else "none"

    @property
    def is_development(self) -> bool:
        return self.app_env == "development"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def mode(self) -> Literal["embedded", "scaled"]:
        return "scaled" if self.redis_url else "embedded"

    def sqlite_path(self) -> Path | None:
        if self.uses_postgres:
            return None
        path = self.database_url.split(":///", 1)[1]
        return None if path in ("", ":memory:") else Path(path)


class ConfigError(Exception):
    """Raised with one line per invalid variable, naming it and what is expected."""


def _describe(error: dict[str, object]) -> str:
    loc = error.get("loc") or ()
    assert isinstance(loc, tuple)
    name = "__".join(str(part) for part in loc if not isinstance(part, int)).upper() or "CONFIGURATION"
    msg = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    value = error.get("input")
    secret = name == "SECRET_KEY" or name.endswith("PASSWORD")
    shown = "" if secret or isinstance(value, dict) else f" (got {value!r})"
    return f"{name}: {msg}{shown}"


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = [_describe(dict(err)) for err in exc.errors()]
        raise ConfigError("; ".join(lines)) from None
