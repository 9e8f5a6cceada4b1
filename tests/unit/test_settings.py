"""Settings validation and `load_settings`, which turns validation errors into one line per variable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sanctum.settings import DEFAULT_SECRET_KEY, ConfigError, RateLimitSettings, Settings, load_settings

STRONG_SECRET = "s" * 16 + "0123456789abcdef"
BASE: dict[str, Any] = {
    "_env_file": None,
    "app_env": "test",
    "secret_key": STRONG_SECRET,
    "database_url": "sqlite+aiosqlite:///var/test.db",
    "redis_url": None,
}


def settings(**overrides: Any) -> Settings:
    return load_settings(**{**BASE, **overrides})


def config_error(**overrides: Any) -> str:
    with pytest.raises(ConfigError) as raised:
        settings(**overrides)
    return str(raised.value)


def test_embedded_settings_use_sqlite_and_no_redis() -> None:
    loaded = settings(database_url="sqlite+aiosqlite:///var/data/sanctum.db", redis_url="")

    assert loaded.mode == "embedded"
    assert loaded.redis_url is None
    assert not loaded.uses_postgres
    assert loaded.sqlite_path() == Path("var/data/sanctum.db")


def test_scaled_settings_use_postgresql_and_redis() -> None:
    loaded = settings(database_url="postgresql+asyncpg://u:p@db/sanctum", redis_url="redis://cache:6379/0")

    assert loaded.mode == "scaled"
    assert loaded.uses_postgres
    assert loaded.sqlite_path() is None


def test_an_in_memory_sqlite_database_has_no_path() -> None:
    assert settings(database_url="sqlite+aiosqlite:///:memory:").sqlite_path() is None


def test_a_sqlite_url_without_a_path_is_refused() -> None:
    assert config_error(database_url="sqlite+aiosqlite://").startswith("DATABASE_URL: expected sqlite+aiosqlite:///")


@pytest.mark.parametrize(
    ("overrides", "line"),
    [
        (
            {"database_url": "mysql://x"},
            "DATABASE_URL: expected sqlite+aiosqlite:///path/to.db or postgresql+asyncpg://user:pass@host/db "
            "(got 'mysql://x')",
        ),
        ({"database_read_url": "sqlite:///x.db"}, "DATABASE_READ_URL: expected sqlite+aiosqlite:///"),
        ({"redis_url": "localhost:6379"}, "REDIS_URL: expected redis://host:port/db (got 'localhost:6379')"),
        ({"port": "abc"}, "PORT: Input should be a valid integer"),
        ({"port": 70000}, "PORT: Input should be less than or equal to 65535 (got 70000)"),
        ({"app_env": "live"}, "APP_ENV: Input should be 'development', 'test', 'staging' or 'production'"),
        ({"max_body_bytes": 10}, "MAX_BODY_BYTES: Input should be greater than or equal to 1024"),
        (
            {"rate_limits": {"login_per_ip": "lots"}},
            "RATE_LIMITS__LOGIN_PER_IP: expected a rate such as '10/minute' or '5/minute;30/hour' (got 'lots')",
        ),
        ({"auth": {"argon2_time_cost": 0}}, "AUTH__ARGON2_TIME_COST: Input should be greater than or equal to 1"),
    ],
    ids=["database", "read-replica", "redis", "port-text", "port-range", "env", "body-limit", "rate", "nested"],
)
def test_an_invalid_value_is_one_line_naming_the_variable_and_what_is_expected(
    overrides: dict[str, Any], line: str
) -> None:
    assert config_error(**overrides).startswith(line)


def test_every_invalid_variable_is_named_in_the_one_message() -> None:
    message = config_error(port="abc", database_url="mysql://x")

    assert message.count("; ") == 1
    assert "PORT:" in message and "DATABASE_URL:" in message
    assert "\n" not in message


@pytest.mark.parametrize("secret", [DEFAULT_SECRET_KEY, "short-but-not-default"])
def test_production_refuses_the_default_or_a_short_secret_without_echoing_it(secret: str) -> None:
    message = config_error(app_env="production", secret_key=secret)

    assert message.startswith("SECRET_KEY: production needs your own random secret of at least 32 characters")
    assert secret not in message


def test_production_refuses_the_secret_it_would_get_by_default() -> None:
    overrides = {k: v for k, v in BASE.items() if k != "secret_key"}

    with pytest.raises(ConfigError, match=r"^SECRET_KEY: production needs"):
        load_settings(**{**overrides, "app_env": "production"})


@pytest.mark.parametrize("app_env", ["development", "test", "staging"])
def test_the_default_secret_is_accepted_outside_production(app_env: str) -> None:
    assert settings(app_env=app_env, secret_key=DEFAULT_SECRET_KEY).app_env == app_env


def test_production_accepts_a_long_random_secret() -> None:
    loaded = settings(app_env="production", secret_key=STRONG_SECRET)

    assert loaded.secret_key.get_secret_value() == STRONG_SECRET
    assert not loaded.is_development


def test_rate_limits_accept_the_limits_notation() -> None:
    limits = RateLimitSettings(login_per_ip="5 per minute", login_per_account="10/hour", register_per_ip="1/second")

    assert limits.login_per_account == "10/hour"
