"""Opaque keyset cursors."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctum.core.errors import ValidationFailed
from sanctum.core.pagination import decode_cursor, encode_cursor

cursor_values = st.dictionaries(
    st.text(min_size=1, max_size=20),
    st.one_of(st.integers(), st.text(max_size=40), st.booleans(), st.none()),
    max_size=5,
)


@given(cursor_values)
def test_a_cursor_decodes_to_the_values_it_was_encoded_from(values: dict[str, object]) -> None:
    cursor = encode_cursor(values)

    assert decode_cursor(cursor) == values
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor


@pytest.mark.parametrize(
    "garbage",
    [
        "!!!not base64!!!",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "",
    ],
    ids=["not-base64", "not-json", "not-an-object", "not-utf8", "empty"],
)
def test_a_garbage_cursor_is_a_validation_failure_naming_the_field(garbage: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor(garbage, field="before")

    assert raised.value.fields == {"before": "is not a valid cursor"}
    assert raised.value.status_code == 422


def test_a_cursor_needs_no_base64_padding() -> None:
    assert decode_cursor("e30") == {}
    assert decode_cursor("e30=") == {}
