"""Quiet hours are local to the user's time zone, may wrap midnight, and cover the whole day when
start equals end."""

from __future__ import annotations

from datetime import UTC, datetime

from sanctum.domains.preferences.schemas import DoNotDisturb
from sanctum.domains.preferences.service import is_quiet


def test_an_overnight_window_is_read_in_the_users_time_zone() -> None:
    dnd = DoNotDisturb(enabled=True, start="22:00", end="07:00", time_zone="America/New_York")
    # 03:30 UTC is 22:30 in New York (EST, UTC-5): quiet; 13:00 UTC is 08:00 there: not.
    assert is_quiet(dnd, datetime(2026, 12, 4, 3, 30, tzinfo=UTC))
    assert is_quiet(dnd, datetime(2026, 12, 4, 11, 59, tzinfo=UTC))
    assert not is_quiet(dnd, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    assert not is_quiet(dnd, datetime(2026, 12, 4, 13, 0, tzinfo=UTC))


def test_a_daytime_window_equal_ends_and_a_disabled_schedule() -> None:
    day = DoNotDisturb(enabled=True, start="09:00", end="17:00", time_zone="UTC")
    assert is_quiet(day, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    assert not is_quiet(day, datetime(2026, 12, 4, 17, 0, tzinfo=UTC))
    assert is_quiet(DoNotDisturb(enabled=True, start="05:00", end="05:00"), datetime(2026, 12, 4, 18, 0, tzinfo=UTC))
    assert not is_quiet(DoNotDisturb(enabled=False, start="00:00", end="00:00"), datetime(2026, 12, 4, tzinfo=UTC))
