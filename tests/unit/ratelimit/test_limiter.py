"""The limiter on its own: named rates from the settings, shortest window first, and memory counting
when Redis cannot be reached (here: a port nothing listens on)."""

from __future__ import annotations

import socket

import pytest

from sanctum.api.rate_limits import limit_name
from sanctum.core.errors import RateLimited
from sanctum.ratelimit import RateLimiter, parse_rates
from sanctum.settings import RateLimitSettings
from tests.support.live import sample


def a_closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_rates_are_ordered_shortest_window_first_and_multiplied() -> None:
    rates = parse_rates("30/hour;5/minute", multiplier=2)

    assert [(r.amount, r.get_expiry()) for r in rates] == [(10, 60), (60, 3600)]


async def test_a_refusal_names_the_limit_and_the_rate_that_refused() -> None:
    limiter = RateLimiter(RateLimitSettings(post="2/minute;100/hour"))
    await limiter.hit("post", "alice")
    await limiter.hit("post", "alice")

    with pytest.raises(RateLimited) as refused:
        await limiter.hit("post", "alice")
    await limiter.hit("post", "bob")

    assert refused.value.limit == "post"
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.headers["RateLimit-Policy"] == "2;w=60"


async def test_without_redis_the_limiter_counts_in_memory_and_still_refuses() -> None:
    limiter = RateLimiter(RateLimitSettings(chat_message="3/minute"), f"redis://127.0.0.1:{a_closed_port()}/0")
    failures = sample("redis_errors_total", operation="ratelimit")

    for _ in range(3):
        await limiter.hit("chat_message", "alice")
    with pytest.raises(RateLimited):
        await limiter.hit("chat_message", "alice")

    # One failed attempt, then memory until the retry interval has passed, not one attempt per hit.
    assert sample("redis_errors_total", operation="ratelimit") == failures + 1


def test_a_route_cannot_name_a_limit_that_does_not_exist_or_count_it_the_wrong_way() -> None:
    with pytest.raises(ValueError, match="no rate limit named"):
        limit_name("chat_mesage", per_ip=False)
    with pytest.raises(ValueError, match="counted per IP"):
        limit_name("login_per_ip", per_ip=False)
    assert limit_name("register_per_ip", per_ip=True) == "register_per_ip"
