"""Opaque keyset cursors, each checked against the model of its list."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctum.core.errors import ValidationFailed
from sanctum.core.pagination import NameCursor, TimeCursor, UpdatedCursor, decode_cursor, encode_cursor


def raw(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@given(st.text(max_size=200).filter(lambda s: "\x00" not in s), st.uuids())
def test_a_cursor_decodes_to_the_values_it_was_encoded_from(name: str, row_id: uuid.UUID) -> None:
    cursor = encode_cursor(NameCursor(n=name, i=row_id))

    assert decode_cursor(cursor, NameCursor) == NameCursor(n=name, i=row_id)
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor


def test_time_cursors_keep_their_instant() -> None:
    at = datetime(2026, 12, 3, 8, 0, 1, 123456, tzinfo=UTC)
    row = uuid.uuid4()
    assert decode_cursor(encode_cursor(TimeCursor(t=at, id=row)), TimeCursor) == TimeCursor(t=at, id=row)
    assert decode_cursor(encode_cursor(UpdatedCursor(u=at, i=7)), UpdatedCursor).u == at


@pytest.mark.parametrize(
    ("garbage", "model"),
    [
        ("!!!not base64!!!", NameCursor),
        (base64.urlsafe_b64encode(b"not json").decode(), NameCursor),
        (raw([1, 2]), NameCursor),
        (base64.urlsafe_b64encode(b"\xff\xfe").decode(), NameCursor),
        ("", NameCursor),
        (raw({"n": "a\x00b", "i": str(uuid.uuid4())}), NameCursor),
        (raw({"n": "a", "i": "not a uuid"}), NameCursor),
        (raw({"n": "a", "i": str(uuid.uuid4()), "extra": 1}), NameCursor),
        (raw({"u": "2026-12-03T08:00:00", "i": 1}), UpdatedCursor),
        (raw({"u": "2026-12-03T08:00:00+00:00", "i": 2**62}), UpdatedCursor),
        (raw({"t": "yesterday", "id": str(uuid.uuid4())}), TimeCursor),
    ],
    ids=[
        "not-base64",
        "not-json",
        "not-an-object",
        "not-utf8",
        "empty",
        "nul-in-name",
        "bad-uuid",
        "unknown-field",
        "naive-time",
        "id-too-large",
        "not-a-time",
    ],
)
def test_a_garbage_cursor_is_a_validation_failure_naming_the_field(garbage: str, model: type[NameCursor]) -> None:
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor(garbage, model, field="before")

    assert raised.value.fields == {"before": "is not a valid cursor"}
    assert raised.value.status_code == 422


def test_a_cursor_needs_no_base64_padding() -> None:
    row = str(uuid.uuid4())
    padded = base64.urlsafe_b64encode(json.dumps({"n": "ab", "i": row}).encode()).decode()
    assert decode_cursor(padded, NameCursor) == decode_cursor(padded.rstrip("="), NameCursor)
