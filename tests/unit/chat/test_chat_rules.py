"""Small rules of the chat domain: mention parsing, emoji validation, DM keys, room topics."""

from __future__ import annotations

import uuid

import pytest
from pydantic import TypeAdapter, ValidationError

from sanctum.domains.chat.events import room_id_of, room_topic
from sanctum.domains.chat.mentions import MAX_MENTIONS, mentioned_usernames
from sanctum.domains.chat.models import dm_key
from sanctum.domains.chat.schemas import Emoji, MessageCreate, ReactionCreate

# -- mentions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("hi @alice", ["alice"]),
        ("@Alice, @bob and @ALICE again", ["alice", "bob"]),
        ("(@carol) @dave. @erin!", ["carol", "dave", "erin"]),
        ("@al is too short, @abc is not", ["abc"]),
        ("@" + "x" * 32 + " fits but @" + "y" * 33 + " does not", ["x" * 32]),
        ("mail me at bob@example.com", []),
        ("@@alice and a@bob", []),
        ("under_score @snake_case_1", ["snake_case_1"]),
        ("no mentions here", []),
        ("`@alice` in code still names her", ["alice"]),
    ],
)
def test_mentioned_usernames(body: str, names: list[str]) -> None:
    assert mentioned_usernames(body) == names


def test_mentioned_usernames_keeps_the_first_20_distinct_names_in_order() -> None:
    body = " ".join(f"@user{n:03d} @user{n:03d}" for n in range(30))

    assert mentioned_usernames(body) == [f"user{n:03d}" for n in range(MAX_MENTIONS)]


# -- emoji -------------------------------------------------------------------------------------

_emoji = TypeAdapter(Emoji)

VALID = ["👍", "👍🏽", "❤️", "👨‍👩‍👧", "1️⃣", "‼️", "🇫🇷", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "✅", "™", ":tada:", ":+1:", ":thumbs_up-2:"]
VALID.append(":" + "a" * 32 + ":")  # the longest custom emoji name
INVALID = [
    "",
    " ",
    "a",
    "ab",
    "<3",
    "👍 ",
    " 👍",
    "👍<",
    "&",
    ":Tada:",
    ":tada",
    "::",
    ":" + "a" * 33 + ":",  # a custom emoji's name is at most 32 characters
    "👍" * 17,
    "é",
    "日本",
    "\uff11",  # fullwidth digit one
    "\u200b",
    "\u202e👍",
    "👍\u2066",
    "\u00a0👍",
    "\x00👍",
]


@pytest.mark.parametrize("value", VALID)
def test_emoji_accepts_emoji_and_shortcodes(value: str) -> None:
    assert _emoji.validate_python(value) == value


@pytest.mark.parametrize("value", INVALID, ids=[repr(v) for v in INVALID])
def test_emoji_rejects_text_markup_and_invisible_characters(value: str) -> None:
    with pytest.raises(ValidationError):
        _emoji.validate_python(value)


def test_reaction_body_uses_the_emoji_rule() -> None:
    assert ReactionCreate(emoji="🎉").emoji == "🎉"
    with pytest.raises(ValidationError):
        ReactionCreate(emoji="lol")


def test_message_body_is_1_to_4000_characters_and_extra_fields_are_refused() -> None:
    assert MessageCreate(body="😀" * 4000).body == "😀" * 4000
    for bad in [{"body": ""}, {"body": "x" * 4001}, {"body": "x", "html": "<b>"}, {"body": "x", "client_id": ""}]:
        with pytest.raises(ValidationError):
            MessageCreate.model_validate(bad)


# -- DM keys and topics ------------------------------------------------------------------------


def test_dm_key_is_the_same_from_either_side_and_lists_the_smaller_id_first() -> None:
    a = uuid.UUID("00000000-0000-4000-8000-000000000001")
    b = uuid.UUID("ffffffff-0000-4000-8000-000000000000")

    assert dm_key(a, b) == dm_key(b, a) == f"{a}:{b}"


def test_dm_key_differs_for_every_pair() -> None:
    users = [uuid.uuid4() for _ in range(6)]

    keys = {dm_key(x, y) for i, x in enumerate(users) for y in users[i + 1 :]}

    assert len(keys) == 15
    assert all(len(key) <= 80 for key in keys)  # fits rooms.dm_key


def test_room_topic_round_trips_and_rejects_other_topics() -> None:
    room = uuid.uuid4()

    assert room_topic(room) == f"room:{room}"
    assert room_id_of(room_topic(room)) == room
    assert room_id_of("room:not-a-uuid") is None
    assert room_id_of("room:") is None
