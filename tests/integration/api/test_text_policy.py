"""The text policy on every field that shows user text to others (docs/text.md): each name field
refuses bidi controls, invisible, format and control characters with a 422 naming the field and the
code point; each body refuses text that shows nothing; emoji sequences and every script are accepted."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from sanctum.core.text import describe
from tests.support.http import error_of
from tests.support.social_api import Member, member, new_slug


@dataclass
class World:
    """One person with one of everything they can write text into."""

    alice: Member
    room: dict[str, Any]
    message: dict[str, Any]
    sanctum: dict[str, Any]
    post: dict[str, Any]
    comment: dict[str, Any]


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    alice = await member(client)
    room = await alice.create_room("Lounge")
    message = await alice.send(room["id"], "first")
    post = await alice.post("a post")
    comment = await alice.ok("POST", f"/api/posts/{post['id']}/comments", 201, json={"body": "a comment"})
    return World(alice, room, message, await alice.create_sanctum("Circle"), post, comment)


Request = Callable[[World, str], Awaitable[httpx.Response]]


def patch_me(field: str) -> Request:
    return lambda w, text: w.alice.call("PATCH", "/api/users/me", json={field: text})


def create_room(field: str) -> Request:
    def call(w: World, text: str) -> Awaitable[httpx.Response]:
        body = {"name": "Room", field: text}
        return w.alice.call("POST", "/api/rooms", json=body)

    return call


def create_group(w: World, text: str) -> Awaitable[httpx.Response]:
    return w.alice.call("POST", "/api/rooms", json={"kind": "group", "name": text})


def update_room(field: str) -> Request:
    return lambda w, text: w.alice.call("PATCH", f"/api/rooms/{w.room['id']}", json={field: text})


def create_sanctum(field: str) -> Request:
    def call(w: World, text: str) -> Awaitable[httpx.Response]:
        body = {"name": "Sanctum", "slug": new_slug(), field: text}
        return w.alice.call("POST", "/api/sanctums", json=body)

    return call


def update_sanctum(field: str) -> Request:
    return lambda w, text: w.alice.call("PATCH", f"/api/sanctums/{w.sanctum['slug']}", json={field: text})


def send(w: World, text: str) -> Awaitable[httpx.Response]:
    return w.alice.call("POST", f"/api/rooms/{w.room['id']}/messages", json={"body": text})


def reply(w: World, text: str) -> Awaitable[httpx.Response]:
    path = f"/api/rooms/{w.room['id']}/messages/{w.message['id']}/replies"
    return w.alice.call("POST", path, json={"body": text})


def edit_message(w: World, text: str) -> Awaitable[httpx.Response]:
    return w.alice.call("PATCH", f"/api/rooms/{w.room['id']}/messages/{w.message['id']}", json={"body": text})


def create_post(w: World, text: str) -> Awaitable[httpx.Response]:
    return w.alice.call("POST", "/api/posts", json={"body": text})


def edit_post(w: World, text: str) -> Awaitable[httpx.Response]:
    return w.alice.call("PATCH", f"/api/posts/{w.post['id']}", json={"body": text})


def create_comment(w: World, text: str) -> Awaitable[httpx.Response]:
    return w.alice.call("POST", f"/api/posts/{w.post['id']}/comments", json={"body": text})


def edit_comment(w: World, text: str) -> Awaitable[httpx.Response]:
    return w.alice.call("PATCH", f"/api/comments/{w.comment['id']}", json={"body": text})


# (request, field in the body and in `fields`, label in the message)
NAME_FIELDS: dict[str, tuple[Request, str, str]] = {
    "display name": (patch_me("display_name"), "display_name", "a display name"),
    "new room's name": (create_room("name"), "name", "a room name"),
    "group DM title": (create_group, "name", "a room name"),
    "renamed room": (update_room("name"), "name", "a room name"),
    "new sanctum's name": (create_sanctum("name"), "name", "a sanctum name"),
    "renamed sanctum": (update_sanctum("name"), "name", "a sanctum name"),
}
BODY_FIELDS: dict[str, tuple[Request, str, str, bool]] = {
    # ..., whether the field is optional (trimmed, and "" clears it)
    "message": (send, "body", "A message", False),
    "thread reply": (reply, "body", "A message", False),
    "message edit": (edit_message, "body", "A message", False),
    "post": (create_post, "body", "A post", False),
    "post edit": (edit_post, "body", "A post", False),
    "comment": (create_comment, "body", "A comment", False),
    "comment edit": (edit_comment, "body", "A comment", False),
    "bio": (patch_me("bio"), "bio", "A bio", True),
    "new room's topic": (create_room("topic"), "topic", "A room topic", True),
    "room topic": (update_room("topic"), "topic", "A room topic", True),
    "room description": (update_room("description"), "description", "A room description", True),
    "new sanctum's description": (create_sanctum("description"), "description", "A sanctum description", True),
    "sanctum description": (update_sanctum("description"), "description", "A sanctum description", True),
}

REFUSED_IN_NAMES = [
    *("\u202e", "\u202a", "\u202d", "\u2066", "\u2069", "\u061c", "\u200e", "\u200f"),  # bidi controls
    *("\u200b", "\u2060", "\ufeff", "\u00ad", "\u180e"),  # format (Cf): zero-width, soft hyphen, BOM
    *("\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\ufe0f"),  # fillers, blank, a stray selector
    *("\x07", "\t", "\u2028"),  # controls, line separator
]
ACCEPTED = {
    "emoji ZWJ sequences": "Dev 👩\u200d💻 🏳️\u200d🌈",
    "flag and keycap": "🇯🇵 1\ufe0f\u20e3",
    "Arabic": "محمد",
    "Hebrew": "דני",
    "CJK": "東京タワー",
    "accented Latin": "José Łukasz",
    "combining marks": "Zoe\u0308",
}
NOTHING_VISIBLE = [" \t\n", "\u00a0\u00a0", "\u200b", "\u2800", "\u3164", "\u2066\u2069", "\ufeff\u2060"]


@pytest.mark.parametrize("case", NAME_FIELDS, ids=str)
async def test_every_name_field_refuses_each_deceptive_or_invisible_character_naming_field_and_code_point(
    world: World, case: str
) -> None:
    request, field, label = NAME_FIELDS[case]

    for char in REFUSED_IN_NAMES:
        error = error_of(await request(world, f"adm{char}in"), 422, "VALIDATION_FAILED")
        assert error["fields"] == {field: f"{describe(char)} is not allowed in {label}"}


@pytest.mark.parametrize("case", NAME_FIELDS, ids=str)
async def test_every_name_field_accepts_emoji_sequences_and_every_script_stored_nfc_and_trimmed(
    world: World, case: str
) -> None:
    request, field, _ = NAME_FIELDS[case]

    for name in [*ACCEPTED.values(), f"  {ACCEPTED['CJK']}\u3000"]:
        response = await request(world, name)
        assert response.status_code in (200, 201), response.text
        assert response.json()[field] == unicodedata.normalize("NFC", name).strip()


@pytest.mark.parametrize("case", BODY_FIELDS, ids=str)
async def test_every_body_field_refuses_text_that_shows_nothing(world: World, case: str) -> None:
    request, field, label, optional = BODY_FIELDS[case]

    for text in NOTHING_VISIBLE:
        response = await request(world, text)
        if optional and not text.strip():
            assert response.json()[field] == "", "blank optional text clears the field"
            continue
        error = error_of(response, 422, "VALIDATION_FAILED")
        assert error["fields"] == {field: f"{label} must show something: it holds only spaces or invisible characters"}


@pytest.mark.parametrize("case", BODY_FIELDS, ids=str)
async def test_every_body_field_keeps_bidi_text_as_typed(world: World, case: str) -> None:
    request, field, _, _ = BODY_FIELDS[case]
    text = "\u202eevil שלום مرحبا 👩\u200d💻 Zoe\u0308"

    response = await request(world, text)

    assert response.status_code in (200, 201), response.text
    assert response.json()[field] == text
