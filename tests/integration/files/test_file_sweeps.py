"""Files go when their container goes as a whole: a deleted channel's or account's files lose their
rows and their stored objects (the local disk embedded, the S3 server scaled), by the `files.sweep`
job the deletion queued through the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select

from sanctum.domains.files.models import StoredFile
from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import DEFAULT_PASSWORD
from tests.integration.files.conftest import FileSettingsFactory
from tests.integration.files.test_files_api import attach, stored, upload
from tests.support.http import error_of
from tests.support.images import png
from tests.support.live import eventually
from tests.support.social_api import members

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


async def rows_of(app: FastAPI, files: list[dict[str, Any]]) -> int:
    ids = [uuid.UUID(f["id"]) for f in files]
    async with app.state.services.db.reader(fresh=True) as db:
        return int((await db.execute(select(func.count()).where(StoredFile.id.in_(ids)))).scalar_one())


async def all_gone(app: FastAPI, files: list[dict[str, Any]]) -> bool:
    for file in files:
        if await stored(app, file["id"]) is not None or await stored(app, file["id"], thumbnail=True) is not None:
            return False
    return await rows_of(app, files) == 0


async def test_deleting_a_channel_sweeps_its_messages_files_and_leaves_the_main_rooms_alone(
    make_client: ClientFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> None:
    app = create_app(make_settings(files=file_settings()))
    http = await make_client(app=app)
    alice, bob = await members(http, 2)
    sanctum = await alice.create_sanctum("Darkroom")
    await bob.join_sanctum(sanctum["slug"])
    path = f"/api/sanctums/{sanctum['slug']}/channels"
    channel = await alice.ok("POST", path, 201, json={"name": "Prints"})
    photo, notes = await upload(bob, png(), "print.png"), await upload(bob, PDF, "notes.pdf")
    await attach(bob, channel["id"], photo, body="a print")
    await attach(bob, channel["id"], notes)
    kept = await upload(bob, png(), "kept.png")
    await attach(bob, sanctum["room_id"], kept)
    assert await stored(app, photo["id"], thumbnail=True) is not None and await rows_of(app, [photo, notes]) == 2

    await alice.ok("DELETE", f"{path}/{channel['id']}", 204)

    error_of(await bob.call("GET", f"/api/files/{photo['id']}"), 404, "FILE_NOT_FOUND")
    await eventually(lambda: all_gone(app, [photo, notes]))
    assert (await bob.call("GET", f"/api/files/{kept['id']}")).status_code == 200
    assert await stored(app, kept["id"]) is not None


async def test_deleting_an_account_sweeps_every_file_it_uploaded_attached_or_not(
    make_client: ClientFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> None:
    app = create_app(make_settings(files=file_settings()))
    http = await make_client(app=app)
    alice, bob = await members(http, 2)
    room = await alice.create_room("Gallery")
    await bob.join(room["id"])
    sent = await upload(bob, png(), "sent.png")
    await attach(bob, room["id"], sent)
    waiting = await upload(bob, PDF, "draft.pdf")
    avatar = await bob.ok("PUT", "/api/files/avatar", 200, params={"name": "me.png"}, content=png(64, 64))
    alices = await upload(alice, png(), "alice.png")
    await attach(alice, room["id"], alices)

    await bob.ok("DELETE", "/api/users/me", 204, json={"password": DEFAULT_PASSWORD})

    error_of(await alice.call("GET", f"/api/files/{sent['id']}"), 404, "FILE_NOT_FOUND")
    await eventually(lambda: all_gone(app, [sent, waiting, avatar]))
    assert (await alice.call("GET", f"/api/files/{alices['id']}")).status_code == 200
