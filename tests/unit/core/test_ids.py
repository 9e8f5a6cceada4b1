"""Request ids and random tokens."""

from __future__ import annotations

import re

import pytest

from sanctum.core.ids import new_token, sane_request_id


@pytest.mark.parametrize("value", ["a", "abc-123", "trace:4b1d.retry_2", "A" * 128])
def test_sane_request_id_keeps_a_short_plain_id(value: str) -> None:
    assert sane_request_id(value) == value


@pytest.mark.parametrize(
    "value", [None, "", "A" * 129, "has space", "new\nline", "semi;colon", "ünïcode", "<script>", "a/b"]
)
def test_sane_request_id_replaces_a_missing_long_or_odd_id_with_a_fresh_one(value: str | None) -> None:
    replaced = sane_request_id(value)

    assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    assert sane_request_id(value) != replaced


def test_new_token_is_url_safe_and_never_repeats() -> None:
    minted = {new_token() for _ in range(200)}

    assert len(minted) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in minted)
