"""The wire protocol: parsing client messages, encoding envelopes, and the broker's packing."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctum.core.events import Event, make_event, pack, unpack
from sanctum.realtime.protocol import ClientMessage, ErrorCode, ProtocolError, error_frame, parse_client_message


def code_of(frame: str | bytes) -> str:
    with pytest.raises(ProtocolError) as caught:
        parse_client_message(frame)
    return caught.value.code


def test_parse_client_message_reads_type_topic_cid_and_keeps_the_raw_object() -> None:
    message = parse_client_message('{"type": "subscribe", "topic": "user:1", "since": 4, "cid": "c1"}')

    assert message == ClientMessage(
        type="subscribe",
        topic="user:1",
        cid="c1",
        raw={"type": "subscribe", "topic": "user:1", "since": 4, "cid": "c1"},
    )


def test_parse_client_message_accepts_bytes_and_numeric_cids_as_strings() -> None:
    message = parse_client_message(b'{"type": "ping", "cid": 12}')

    assert (message.type, message.topic, message.cid) == ("ping", None, "12")


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{", ErrorCode.BAD_JSON),
        ("", ErrorCode.BAD_JSON),
        (b"\xff", ErrorCode.BAD_JSON),
        ("NaN", ErrorCode.BAD_JSON),
        ("[]", ErrorCode.BAD_MESSAGE),
        ("1", ErrorCode.BAD_MESSAGE),
        ('"ping"', ErrorCode.BAD_MESSAGE),
        ("null", ErrorCode.BAD_MESSAGE),
        ("{}", ErrorCode.BAD_MESSAGE),
        ('{"type": ""}', ErrorCode.BAD_MESSAGE),
        ('{"type": ["ping"]}', ErrorCode.BAD_MESSAGE),
        ('{"type": "' + "t" * 65 + '"}', ErrorCode.BAD_MESSAGE),
        ('{"type": "ping", "cid": true}', ErrorCode.BAD_MESSAGE),
        ('{"type": "ping", "cid": 1.5}', ErrorCode.BAD_MESSAGE),
        ('{"type": "ping", "cid": "' + "c" * 65 + '"}', ErrorCode.BAD_MESSAGE),
        ('{"type": "subscribe", "topic": ""}', ErrorCode.BAD_MESSAGE),
        ('{"type": "subscribe", "topic": 7}', ErrorCode.BAD_MESSAGE),
        ('{"type": "subscribe", "topic": "' + "t" * 129 + '"}', ErrorCode.BAD_MESSAGE),
    ],
)
def test_parse_client_message_rejects_malformed_frames_with_a_stable_code(frame: str | bytes, code: str) -> None:
    assert code_of(frame) == code


def test_parse_client_message_accepts_the_longest_allowed_fields() -> None:
    message = parse_client_message(orjson.dumps({"type": "t" * 64, "topic": "t" * 128, "cid": "c" * 64}))

    assert (len(message.type), len(message.topic or ""), len(message.cid or "")) == (64, 128, 64)


@given(st.text() | st.binary())
def test_parse_client_message_either_parses_or_raises_a_protocol_error(frame: str | bytes) -> None:
    try:
        message = parse_client_message(frame)
    except ProtocolError as exc:
        assert exc.code in {ErrorCode.BAD_JSON, ErrorCode.BAD_MESSAGE}
    else:
        assert isinstance(message.type, str) and message.type


def test_error_frame_has_the_documented_shape() -> None:
    assert orjson.loads(error_frame("FORBIDDEN", "No.")) == {
        "type": "error",
        "error": {"code": "FORBIDDEN", "message": "No."},
    }
    assert orjson.loads(error_frame("FRAME_TOO_LARGE", "Big.", "c9", {"limit_bytes": 1})) == {
        "type": "error",
        "cid": "c9",
        "error": {"code": "FRAME_TOO_LARGE", "message": "Big.", "details": {"limit_bytes": 1}},
    }


def test_make_event_encodes_the_envelope_once_with_seq_only_when_persistent() -> None:
    persistent = make_event("room:1", "message.created", {"text": "hi"}, seq=5)
    ephemeral = make_event("room:1", "typing", {"who": "a"})

    assert orjson.loads(persistent.frame) == {
        "type": "message.created",
        "topic": "room:1",
        "seq": 5,
        "data": {"text": "hi"},
    }
    assert orjson.loads(ephemeral.frame) == {"type": "typing", "topic": "room:1", "data": {"who": "a"}}
    assert persistent.persistent and not ephemeral.persistent
    assert persistent.published_at > 0


def test_pack_unpack_round_trip_keeps_every_field_and_publish_time_to_the_microsecond() -> None:
    for event in (
        replace(make_event("room:1", "message.created", {"text": "a|b|c"}, seq=42), published_at=1700000000.25),
        replace(make_event("presence:x", "presence", {"status": "online"}), published_at=1700000000.000001),
    ):
        assert unpack(event.topic, pack(event)) == event
        assert unpack(event.topic, pack(event).decode()) == event


@given(
    topic=st.text(min_size=1, max_size=40),
    type_=st.text(min_size=1, max_size=30).filter(lambda t: "|" not in t),
    data=st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
        max_leaves=10,
    ),
    seq=st.none() | st.integers(1, 2**62),
)
def test_pack_unpack_round_trip_for_any_event(topic: str, type_: str, data: object, seq: int | None) -> None:
    event = make_event(topic, type_, data, seq)

    back = unpack(topic, pack(event))

    assert (back.topic, back.type, back.frame, back.seq) == (event.topic, event.type, event.frame, event.seq)
    assert abs(back.published_at - event.published_at) < 1e-5
    assert isinstance(back, Event)
