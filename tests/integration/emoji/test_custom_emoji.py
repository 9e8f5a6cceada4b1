"""Custom emoji of a sanctum through the API, both modes: who may add, list and delete them, their
names, images that are not images, and deletion removing the stored image."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from PIL import Image

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.files.conftest import FileSettingsFactory
from tests.integration.moderation.moderation_api import Moderator, moderators
from tests.support.http import error_of
from tests.support.images import HTML_AS_PNG, SVG_WITH_SCRIPT, png


async def add_emoji(person: Moderator, sanctum_id: str, name: str, data: bytes | None = None) -> httpx.Response:
    return await person.call("POST", f"/api/emoji/{sanctum_id}", params={"name": name}, content=data or png(300, 200))


async def emoji_names(person: Moderator, sanctum_id: str) -> list[str]:
    return [e["name"] for e in (await person.ok("GET", f"/api/emoji/{sanctum_id}"))["items"]]


def stored(app: FastAPI, file_id: str) -> Any:
    return app.state.services.files.store.get(f"files/{uuid.UUID(file_id).hex[:2]}/{uuid.UUID(file_id).hex}")


async def test_an_owner_adds_an_emoji_that_members_see_and_react_with_and_strangers_cannot_reach(
    files_client: httpx.AsyncClient,
) -> None:
    owner, member, stranger = await moderators(files_client, 3)
    sanctum = await owner.create_sanctum("Parrots", "private")
    await owner.add_to_sanctum(sanctum["slug"], member.id)
    sid = sanctum["id"]

    added = await add_emoji(owner, sid, "party_parrot")

    assert added.status_code == 201, added.text
    emoji = added.json()
    assert (emoji["name"], emoji["created_by"]) == ("party_parrot", owner.id)
    assert await emoji_names(member, sid) == ["party_parrot"]
    image = await member.call("GET", f"/api/files/{emoji['file_id']}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.headers["content-disposition"].startswith("inline;")
    with Image.open(io.BytesIO(image.content)) as shown:
        assert shown.size == (128, 85)  # at most FILES__EMOJI_SIDE a side
    error_of(await stranger.call("GET", f"/api/emoji/{sid}"), 404, "SANCTUM_NOT_FOUND")
    error_of(await stranger.call("GET", f"/api/files/{emoji['file_id']}"), 404, "FILE_NOT_FOUND")
    error_of(await add_emoji(stranger, sid, "intruder"), 404, "SANCTUM_NOT_FOUND")
    error_of(await stranger.call("DELETE", f"/api/emoji/{sid}/party_parrot"), 404, "SANCTUM_NOT_FOUND")
    error_of(await add_emoji(member, sid, "mine_now"), 403, "MISSING_PERMISSION")
    error_of(await member.call("DELETE", f"/api/emoji/{sid}/party_parrot"), 403, "MISSING_PERMISSION")
    assert await emoji_names(owner, sid) == ["party_parrot"]
    [logged] = [e for e in await owner.audit(sanctum=sanctum["slug"]) if e["action"] == "emoji.add"]
    assert logged["target_id"] == "party_parrot"

    longest = "a" * 32
    assert (await add_emoji(owner, sid, longest)).status_code == 201
    said = await owner.send(sanctum["room_id"], "look :party_parrot:")
    reacted = await member.react(sanctum["room_id"], said["id"], f":{longest}:")
    assert [r["emoji"] for r in reacted["reactions"]] == [f":{longest}:"]


async def test_a_name_is_two_to_32_of_a_z_digits_and_underscores_and_one_per_sanctum(
    files_client: httpx.AsyncClient,
) -> None:
    owner, helper = await moderators(files_client, 2)
    sanctum = await owner.create_sanctum("Names")
    other = await owner.create_sanctum("Elsewhere")
    await helper.join_sanctum(sanctum["slug"])
    for bad in ("a", "Party", "has-dash", "x" * 33, "émoji", "sp ace"):
        refused = error_of(await add_emoji(owner, sanctum["id"], bad), 422, "EMOJI_NAME_INVALID")
        assert "name" in refused["fields"]
    assert (await add_emoji(owner, sanctum["id"], "wave")).status_code == 201

    again = error_of(await add_emoji(owner, sanctum["id"], "wave", png(10, 10)), 409, "EMOJI_EXISTS")

    assert again["fields"] == {"name": "is taken"}
    assert await emoji_names(owner, sanctum["id"]) == ["wave"]
    assert (await add_emoji(owner, other["id"], "wave")).status_code == 201
    # A custom role holding emoji.manage may add them too.
    await owner.create_role(sanctum["slug"], "artist", ["emoji.manage"])
    await owner.set_role(sanctum["slug"], helper.id, "artist")
    assert (await add_emoji(helper, sanctum["id"], "brush")).status_code == 201
    assert await emoji_names(helper, sanctum["id"]) == ["brush", "wave"]


async def test_svg_and_html_dressed_as_images_are_refused_and_store_nothing(files_client: httpx.AsyncClient) -> None:
    [owner] = await moderators(files_client, 1)
    sanctum = await owner.create_sanctum("Tricks")

    for data in (SVG_WITH_SCRIPT, HTML_AS_PNG):
        error_of(await add_emoji(owner, sanctum["id"], "sneaky", data), 415, "NOT_AN_IMAGE")

    assert await emoji_names(owner, sanctum["id"]) == []
    assert (await add_emoji(owner, sanctum["id"], "sneaky")).status_code == 201


async def test_deleting_an_emoji_removes_it_and_its_stored_image(
    make_client: ClientFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> None:
    app = create_app(make_settings(files=file_settings()))
    http = await make_client(app=app)
    owner, member = await moderators(http, 2)
    sanctum = await owner.create_sanctum("Tidy")
    await member.join_sanctum(sanctum["slug"])
    emoji = (await add_emoji(owner, sanctum["id"], "broom")).json()
    assert await stored(app, emoji["file_id"]) is not None

    await owner.ok("DELETE", f"/api/emoji/{sanctum['id']}/broom", 204)

    assert await emoji_names(member, sanctum["id"]) == []
    error_of(await member.call("GET", f"/api/files/{emoji['file_id']}"), 404, "FILE_NOT_FOUND")
    assert await stored(app, emoji["file_id"]) is None
    error_of(await owner.call("DELETE", f"/api/emoji/{sanctum['id']}/broom"), 404, "EMOJI_NOT_FOUND")
    assert "emoji.delete" in [e["action"] for e in await owner.audit(sanctum=sanctum["slug"])]
    assert (await add_emoji(owner, sanctum["id"], "broom")).status_code == 201
