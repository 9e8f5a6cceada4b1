"""Settings values the suites share: cheap hashing, limits no test hits by accident."""

from __future__ import annotations

from sanctum.settings import AuthSettings, JobSettings, RateLimitSettings

TEST_SECRET_KEY = "test-secret-key-long-enough-for-production-0123456789"

# argon2 at its cheapest: hashing cost is not what these tests are about.
FAST_AUTH = AuthSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)

GENEROUS_RATE_LIMITS = RateLimitSettings(
    login_per_ip="100000/minute",
    login_per_account="100000/minute",
    register_per_ip="100000/minute",
    user_search_per_user="100000/minute",
    invite_per_ip="100000/minute",
    invite_redeem_per_user="100000/minute",
)


def rate_limits(**low: str) -> RateLimitSettings:
    """The generous limits with some of them lowered, e.g. `rate_limits(login_per_ip="3/minute")`."""
    return RateLimitSettings(**{**GENEROUS_RATE_LIMITS.model_dump(), **low})


# Retries in milliseconds and a worker inside every app instance (scaled), so a test sees a job's effect
# at once; `make_settings(jobs=...)` changes them.
FAST_JOBS = JobSettings(
    in_app_worker=True,
    backoff_base_seconds=0.002,
    backoff_max_seconds=0.01,
    poll_seconds=0.1,
    redelivery_seconds=30.0,
)
