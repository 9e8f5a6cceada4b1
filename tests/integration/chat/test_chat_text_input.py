"""Text the databases cannot store is refused as invalid input on every chat endpoint, never a 500."""

from __future__ import annotations

import base64
from urllib.parse import quote

import httpx
import orjson

from tests.integration.chat.chat_api import people, user_messages
from tests.support.http import error_of

NUL = "\x00"


async def test_nul_characters_and_unpaired_surrogates_in_chat_input_are_a_422(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Text")
    sent = await alice.send(room["id"], "parent")
    base = f"/api/rooms/{room['id']}"
    forged_cursor = base64.urlsafe_b64encode(orjson.dumps({"n": f"a{NUL}", "i": room["id"]})).decode().rstrip("=")

    for method, path, body, params in [
        ("POST", "/api/rooms", {"name": f"bad{NUL}name"}, None),
        ("POST", "/api/rooms", {"name": "ok", "topic": f"t{NUL}"}, None),
        ("PATCH", base, {"description": f"d{NUL}"}, None),
        ("POST", f"{base}/messages", {"body": f"<scr{NUL}ipt>"}, None),
        ("POST", f"{base}/messages", {"body": "x", "client_id": f"c{NUL}"}, None),
        ("POST", f"{base}/messages/{sent['id']}/replies", {"body": f"r{NUL}"}, None),
        ("PATCH", f"{base}/messages/{sent['id']}", {"body": f"e{NUL}"}, None),
        ("POST", f"{base}/messages/{sent['id']}/reactions", {"emoji": f"👍{NUL}"}, None),
        ("DELETE", f"{base}/messages/{sent['id']}/reactions/{quote(f'👍{NUL}')}", None, None),
        ("GET", "/api/rooms", None, {"q": f"a{NUL}"}),
        ("GET", "/api/rooms", None, {"cursor": forged_cursor}),
    ]:
        response = await alice.call(method, path, json=body, params=params)
        error_of(response, 422, "VALIDATION_FAILED")

    surrogate = await alice.call(
        "POST",
        f"{base}/messages",
        content=b'{"body": "half a pair: \\ud800"}',
        headers={"Content-Type": "application/json"},
    )
    error_of(surrogate, 422, "VALIDATION_FAILED")

    assert user_messages(await bob.newest(room["id"])) == [await alice.message(room["id"], sent["id"])]
    assert (await alice.room(room["id"]))["description"] == ""
