"""Digest rounds fall on fixed times, so every worker computes the same round (and the same cutoff)."""

from __future__ import annotations

from datetime import UTC, datetime

from sanctum.domains.digest.scheduler import round_time


def test_a_round_time_is_the_latest_multiple_of_the_interval_at_or_before_now() -> None:
    quarter = 15 * 60
    assert round_time(datetime(2026, 12, 4, 20, 14, 59, tzinfo=UTC), quarter) == datetime(
        2026, 12, 4, 20, 0, tzinfo=UTC
    )
    assert round_time(datetime(2026, 12, 4, 20, 15, tzinfo=UTC), quarter) == datetime(2026, 12, 4, 20, 15, tzinfo=UTC)
