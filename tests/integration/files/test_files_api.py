"""Uploads through the API in both modes: attachments of messages and posts, who may download them,
the headers they are served with, limits and quota, and deletion removing the stored objects."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from sanctum.core import clock
from sanctum.domains.flags.schemas import FlagChange
from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.chat.chat_api import user_messages
from tests.integration.files.conftest import FileSettingsFactory
from tests.support.http import error_of
from tests.support.images import HTML_AS_PNG, SVG_WITH_SCRIPT, png
from tests.support.social_api import Member, members


async def upload(person: Member, data: bytes, name: str = "file.bin", status: int = 201) -> dict[str, Any]:
    return dict(await person.ok("POST", "/api/files", status, params={"name": name}, content=data))


async def attach(person: Member, room_id: str, *files: dict[str, Any], body: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"attachments": [f["id"] for f in files]}
    if body is not None:
        payload["body"] = body
    return dict(await person.ok("POST", f"/api/rooms/{room_id}/messages", 201, json=payload))


def stored(app: FastAPI, file_id: str, thumbnail: bool = False) -> Any:
    """The object under a file's key in the app's store (None once removed)."""
    key = f"files/{uuid.UUID(file_id).hex[:2]}/{uuid.UUID(file_id).hex}" + (".thumb" if thumbnail else "")
    return app.state.services.files.store.get(key)


async def test_an_image_pasted_into_a_private_room_reaches_members_only_and_not_former_ones(
    files_client: httpx.AsyncClient,
) -> None:
    alice, bob, carol = await members(files_client, 3)
    room = await alice.create_room("Photos", "private")
    await alice.invite(room["id"], bob.id)
    image = await upload(alice, png(640, 480, Comment="secret"), "screenshot.png")
    assert (image["content_type"], image["is_image"], image["width"], image["has_thumbnail"]) == (
        "image/png",
        True,
        640,
        True,
    )
    # Before it is sent, the upload is its owner's alone.
    error_of(await bob.call("GET", f"/api/files/{image['id']}"), 404, "FILE_NOT_FOUND")

    sent = await attach(alice, room["id"], image)

    assert sent["body"] == "" and [a["id"] for a in sent["attachments"]] == [image["id"]]
    [seen] = user_messages((await bob.history(room["id"]))["items"])
    assert seen["attachments"][0]["name"] == "screenshot.png"
    full = await bob.call("GET", f"/api/files/{image['id']}")
    thumb = await bob.call("GET", f"/api/files/{image['id']}/thumbnail")
    assert full.status_code == thumb.status_code == 200
    assert full.headers["content-type"] == "image/png" and full.headers["x-content-type-options"] == "nosniff"
    assert full.headers["content-disposition"].startswith("inline;")
    assert (
        "sandbox" in full.headers["content-security-policy"]
        and "default-src 'none'" in full.headers["content-security-policy"]
    )
    assert b"secret" not in full.content
    with Image.open(io.BytesIO(thumb.content)) as small:
        assert max(small.size) == 480 and small.size == (480, 360)
    for stranger in (carol,):
        error_of(await stranger.call("GET", f"/api/files/{image['id']}"), 404, "FILE_NOT_FOUND")
        error_of(await stranger.call("GET", f"/api/files/{image['id']}/thumbnail"), 404, "FILE_NOT_FOUND")
    await bob.leave(room["id"])
    error_of(await bob.call("GET", f"/api/files/{image['id']}"), 404, "FILE_NOT_FOUND")
    assert (await alice.call("GET", f"/api/files/{image['id']}")).status_code == 200


async def test_html_and_svg_are_served_as_opaque_downloads_never_inline(files_client: httpx.AsyncClient) -> None:
    alice, bob = await members(files_client, 2)
    room = await alice.create_room("Lobby")
    await bob.join(room["id"])
    html = await upload(alice, HTML_AS_PNG, "cat.png")
    svg = await upload(alice, SVG_WITH_SCRIPT, "logo.svg")
    assert html["content_type"] == svg["content_type"] == "application/octet-stream"
    assert not html["is_image"] and not html["has_thumbnail"]
    await attach(alice, room["id"], html, svg, body="look")

    for file, name in ((html, "cat.png"), (svg, "logo.svg")):
        response = await bob.call("GET", f"/api/files/{file['id']}")
        assert response.status_code == 200 and response.headers["content-type"] == "application/octet-stream"
        assert response.headers["content-disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
        assert response.headers["x-content-type-options"] == "nosniff"
        error_of(await bob.call("GET", f"/api/files/{file['id']}/thumbnail"), 404, "FILE_NOT_FOUND")


async def test_deleting_a_message_deletes_its_files_and_their_stored_objects(
    make_client: ClientFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> None:
    app = create_app(make_settings(files=file_settings()))
    http = await make_client(app=app)
    alice, bob = await members(http, 2)
    room = await alice.create_room("Ephemeral")
    await bob.join(room["id"])
    image = await upload(alice, png(), "a.png")
    other = await upload(alice, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "notes.pdf")
    assert other["content_type"] == "application/pdf"
    sent = await attach(alice, room["id"], image, other, body="files")
    assert await stored(app, image["id"]) is not None and await stored(app, image["id"], thumbnail=True) is not None

    await alice.delete(room["id"], sent["id"])

    for file in (image, other):
        error_of(await bob.call("GET", f"/api/files/{file['id']}"), 404, "FILE_NOT_FOUND")
        error_of(await alice.call("GET", f"/api/files/{file['id']}"), 404, "FILE_NOT_FOUND")
        assert await stored(app, file["id"]) is None
    assert await stored(app, image["id"], thumbnail=True) is None
    [gone] = user_messages((await bob.history(room["id"]))["items"])
    assert gone["deleted"] and gone["attachments"] == []


async def test_attachments_are_the_senders_own_unattached_uploads(files_client: httpx.AsyncClient) -> None:
    alice, bob = await members(files_client, 2)
    room = await alice.create_room("Shared")
    await bob.join(room["id"])
    mine = await upload(alice, png(), "mine.png")

    stolen = await bob.call("POST", f"/api/rooms/{room['id']}/messages", json={"attachments": [mine["id"]]})
    error_of(stolen, 422, "ATTACHMENT_INVALID")
    made_up = await alice.call("POST", f"/api/rooms/{room['id']}/messages", json={"attachments": [str(uuid.uuid4())]})
    error_of(made_up, 422, "ATTACHMENT_INVALID")
    await attach(alice, room["id"], mine)
    again = await alice.call("POST", f"/api/rooms/{room['id']}/messages", json={"attachments": [mine["id"]]})
    error_of(again, 422, "ATTACHMENT_INVALID")
    nothing = await alice.call("POST", f"/api/rooms/{room['id']}/messages", json={"attachments": []})
    error_of(nothing, 422, "VALIDATION_FAILED")
    # The refused sends stored no message.
    assert len(user_messages((await bob.history(room["id"]))["items"])) == 1


async def test_size_limit_quota_and_bombs_are_refused_with_clear_codes(
    make_client: ClientFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> None:
    http = await make_client(make_settings(files=file_settings(max_upload_bytes=50_000, quota_bytes_per_user=60_000)))
    [alice] = await members(http, 1)

    too_big = await alice.call("POST", "/api/files", params={"name": "big.bin"}, content=b"x" * 50_001)
    assert error_of(too_big, 413, "FILE_TOO_LARGE")["details"] == {"limit_bytes": 50_000}

    async def chunks() -> Any:
        for _ in range(20):
            yield b"y" * 4096

    streamed = await alice.call("POST", "/api/files", params={"name": "stream.bin"}, content=chunks())
    error_of(streamed, 413, "FILE_TOO_LARGE")
    await upload(alice, b"z" * 40_000, "first.bin")
    over = await alice.call("POST", "/api/files", params={"name": "second.bin"}, content=b"z" * 30_000)
    assert error_of(over, 403, "QUOTA_EXCEEDED")["details"] == {"quota": "file_bytes", "limit": 60_000}
    empty = await alice.call("POST", "/api/files", params={"name": "empty.bin"}, content=b"")
    error_of(empty, 422, "VALIDATION_FAILED")


async def test_posts_carry_attachments_that_follow_the_posts_visibility_and_deletion(
    make_client: ClientFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> None:
    app = create_app(make_settings(files=file_settings()))
    http = await make_client(app=app)
    alice, carol = await members(http, 2)
    secret = await alice.create_sanctum("Secret", "private")
    image = await upload(alice, png(), "post.png")
    post = await alice.ok(
        "POST", "/api/posts", 201, json={"body": "a picture", "sanctum_id": secret["id"], "attachments": [image["id"]]}
    )
    assert [a["id"] for a in post["attachments"]] == [image["id"]]
    assert (await alice.get_post(post["id"]))["attachments"][0]["id"] == image["id"]
    error_of(await carol.call("GET", f"/api/files/{image['id']}"), 404, "FILE_NOT_FOUND")
    assert (await alice.call("GET", f"/api/files/{image['id']}")).status_code == 200

    await alice.delete_post(post["id"])

    error_of(await alice.call("GET", f"/api/files/{image['id']}"), 404, "FILE_NOT_FOUND")
    assert await stored(app, image["id"]) is None


async def test_avatars_and_sanctum_icons_are_images_set_by_their_owners(files_client: httpx.AsyncClient) -> None:
    alice, bob = await members(files_client, 2)
    first = await alice.ok("PUT", "/api/files/avatar", params={"name": "me.png"}, content=png(800, 400))
    assert (first["width"], first["height"]) == (256, 128)
    second = await alice.ok("PUT", "/api/files/avatar", params={"name": "me2.png"}, content=png(100, 100, (0, 0, 0)))
    avatar = await bob.call("GET", f"/api/files/avatars/{alice.id}")
    assert avatar.status_code == 200 and avatar.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(avatar.content)) as shown:
        assert shown.size == (100, 100)
    # The first avatar went with the second.
    error_of(await alice.call("GET", f"/api/files/{first['id']}"), 404, "FILE_NOT_FOUND")
    assert (await alice.call("GET", f"/api/files/{second['id']}")).status_code == 200
    not_image = await alice.call("PUT", "/api/files/avatar", params={"name": "x.svg"}, content=SVG_WITH_SCRIPT)
    error_of(not_image, 415, "NOT_AN_IMAGE")
    error_of(await alice.call("GET", f"/api/files/avatars/{bob.id}"), 404, "FILE_NOT_FOUND")
    # Public, so an <img> shows it without a token.
    assert (await files_client.get(f"/api/files/avatars/{alice.id}")).content == avatar.content

    sanctum = await alice.create_sanctum("Icons", "private")
    icon_path = f"/api/files/sanctum-icons/{sanctum['id']}"
    refused = await bob.call("PUT", icon_path, params={"name": "i.png"}, content=png())
    error_of(refused, 404, "SANCTUM_NOT_FOUND")
    await alice.ok("PUT", icon_path, params={"name": "i.png"}, content=png(64, 64))
    assert (await alice.call("GET", icon_path)).status_code == 200
    error_of(await bob.call("GET", icon_path), 404, "FILE_NOT_FOUND")


async def test_an_upload_never_attached_stops_counting_and_goes_with_the_next_upload_a_day_later(
    make_client: ClientFactory,
    make_settings: SettingsFactory,
    file_settings: FileSettingsFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app(make_settings(files=file_settings(quota_bytes_per_user=60_000)))
    http = await make_client(app=app)
    [alice] = await members(http, 1)
    forgotten = await upload(alice, b"a" * 50_000, "forgotten.bin")
    error_of(
        await alice.call("POST", "/api/files", params={"name": "b.bin"}, content=b"b" * 20_000), 403, "QUOTA_EXCEEDED"
    )
    real_now = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real_now() + timedelta(hours=25))

    later = await upload(alice, b"b" * 20_000, "later.bin")

    error_of(await alice.call("GET", f"/api/files/{forgotten['id']}"), 404, "FILE_NOT_FOUND")
    assert await stored(app, forgotten["id"]) is None
    assert (await alice.call("GET", f"/api/files/{later['id']}")).content == b"b" * 20_000


async def test_with_the_uploads_flag_off_attachments_are_refused_but_an_avatar_still_uploads(
    make_client: ClientFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> None:
    app = create_app(make_settings(files=file_settings()))
    http = await make_client(app=app)
    [alice] = await members(http, 1)

    await app.state.services.flags.change(None, "uploads", FlagChange(enabled=False))  # as the CLI does
    refused = await alice.call("POST", "/api/files", params={"name": "a.png"}, content=png())
    avatar = await alice.call("PUT", "/api/files/avatar", params={"name": "me.png"}, content=png())
    await app.state.services.flags.change(None, "uploads", FlagChange(enabled=True))

    error_of(refused, 403, "FEATURE_DISABLED")
    assert avatar.status_code == 200, avatar.text
    assert (await upload(alice, png(), "a.png"))["content_type"] == "image/png"
