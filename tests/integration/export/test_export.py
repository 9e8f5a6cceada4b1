"""Data export: the archive holds the user's own profile, messages, posts, comments, friends and games
and nobody else's writing; it downloads once, only for its owner, and not after 24 hours."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import timedelta
from typing import Any

import orjson

from sanctum.core.clock import utcnow
from tests.integration.notifications.notifications_api import Instance, Reader


async def ready_export(instance: Instance, reader: Reader) -> dict[str, Any]:
    requested = await reader.ok("POST", "/api/exports", 202)
    assert requested["status"] == "pending"
    await instance.settle()
    [latest, *_] = (await reader.ok("GET", "/api/exports"))["items"]
    assert latest["id"] == requested["id"] and latest["status"] == "ready", latest
    return dict(latest)


async def test_the_archive_holds_the_users_data_and_not_others_and_downloads_once(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    await alice.ok("POST", "/api/friends/requests", json={"user_id": bob.id})
    await bob.ok("POST", f"/api/friends/requests/{alice.id}/accept")
    room = await alice.create_room("Archive me")
    await bob.join(room["id"])
    mine = await alice.send(room["id"], "alice's own words")
    await bob.send(room["id"], "bob's private thoughts")
    post = await alice.ok("POST", "/api/posts", 201, json={"body": "alice's post"})
    await bob.ok("POST", f"/api/posts/{post['id']}/comments", 201, json={"body": "bob's comment"})
    await alice.ok("POST", f"/api/posts/{post['id']}/comments", 201, json={"body": "alice's comment"})
    await bob.ok("POST", "/api/posts", 201, json={"body": "bob's post"})

    export = await ready_export(instance, alice)
    path = f"/api/exports/{export['id']}/download"
    assert (await bob.call("GET", path)).status_code == 404  # not his, and it says nothing more
    assert (await bob.call("POST", f"/api/exports/{export['id']}/download-cookie")).status_code == 404
    assert (await instance.http.get(path)).status_code == 404  # no token, no cookie
    set_cookie = (await alice.call("POST", f"/api/exports/{export['id']}/download-cookie")).headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie and f"Path={path}" in set_cookie
    secret = set_cookie.split(";", 1)[0].split("=", 1)[1]
    instance.http.cookies.clear()
    forged = await instance.http.get(path, headers={"Cookie": f"sanctum_export={secret[:-2]}xx"})
    assert forged.status_code == 404
    # A browser following a plain link: the cookie alone, no token, nothing in the URL.
    response = await instance.http.get(path, headers={"Cookie": f"sanctum_export={secret}"})

    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    assert len(response.content) == export["size_bytes"]
    files = zipfile.ZipFile(io.BytesIO(response.content))
    data = {name: orjson.loads(files.read(name)) for name in files.namelist()}
    assert set(data) == {
        "profile.json",
        "friends.json",
        "messages.json",
        "posts.json",
        "comments.json",
        "games.json",
        "manifest.json",
    }
    assert data["profile.json"]["username"] == alice.username and "@" in data["profile.json"]["email"]
    assert [m["body"] for m in data["messages.json"]] == ["alice's own words"]
    assert data["messages.json"][0]["id"] == mine["id"] and data["messages.json"][0]["room_id"] == room["id"]
    assert [p["body"] for p in data["posts.json"]] == ["alice's post"]
    assert [c["body"] for c in data["comments.json"]] == ["alice's comment"]
    assert [f["username"] for f in data["friends.json"]] == [bob.username]
    assert data["games.json"] == [] and data["manifest.json"]["messages"] == 1
    assert b"bob's" not in response.content and "bob's" not in str(data)

    again = await alice.call("GET", path)
    assert again.status_code == 410 and again.json()["error"]["code"] == "EXPORT_GONE"
    await instance.settle()
    [listed, *_] = (await alice.ok("GET", "/api/exports"))["items"]
    assert listed["status"] == "downloaded"
    async with instance.app.state.services.db.reader() as db:  # the purge job deleted the bytes
        assert await instance.app.state.services.exports._repo.chunk_count(db, uuid.UUID(export["id"])) == 0


async def test_an_archive_not_downloaded_within_24_hours_expires_and_its_bytes_are_deleted(
    instance: Instance,
) -> None:
    alice = await instance.person()
    export = await ready_export(instance, alice)
    service = instance.app.state.services.exports
    service.clock = lambda: utcnow() + timedelta(hours=24, seconds=1)

    response = await alice.call("GET", f"/api/exports/{export['id']}/download")

    assert response.status_code == 410 and response.json()["error"]["code"] == "EXPORT_GONE"
    [listed] = (await alice.ok("GET", "/api/exports"))["items"]
    assert listed["status"] == "expired"
    async with instance.app.state.services.db.reader() as db:
        assert await service._repo.chunk_count(db, uuid.UUID(listed["id"])) == 0
