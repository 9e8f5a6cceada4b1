"""Custom emoji live, both modes: adding or deleting one tells every room of the sanctum at once
(`emoji.changed` on the main room and each channel), so its members' pickers reload without a reload."""

from __future__ import annotations

from tests.conftest import SettingsFactory
from tests.integration.emoji.test_custom_emoji import add_emoji
from tests.integration.files.conftest import FileSettingsFactory
from tests.integration.moderation.moderation_api import moderators
from tests.support.live import ServerFactory


async def test_members_in_the_main_room_and_a_channel_hear_an_emoji_added_and_deleted(
    make_server: ServerFactory, make_settings: SettingsFactory, file_settings: FileSettingsFactory
) -> None:
    live = await make_server(make_settings(files=file_settings()))
    owner, member = await moderators(live.http, 2)
    sanctum = await owner.create_sanctum("Parrots")
    await member.join_sanctum(sanctum["slug"])
    channel = await owner.ok("POST", f"/api/sanctums/{sanctum['slug']}/channels", 201, json={"name": "Aviary"})
    in_main, in_channel = await live.connect(member.user), await live.connect(member.user)
    await in_main.subscribe(f"room:{sanctum['room_id']}")
    await in_channel.subscribe(f"room:{channel['id']}")

    assert (await add_emoji(owner, sanctum["id"], "parrot")).status_code == 201
    added = [await ws.expect("emoji.changed") for ws in (in_main, in_channel)]
    await owner.ok("DELETE", f"/api/emoji/{sanctum['id']}/parrot", 204)
    deleted = await in_channel.expect("emoji.changed")

    assert [e["data"] for e in added] == [{"sanctum_id": sanctum["id"], "name": "parrot", "deleted": False}] * 2
    assert [e["topic"] for e in added] == [f"room:{sanctum['room_id']}", f"room:{channel['id']}"]
    assert deleted["data"] == {"sanctum_id": sanctum["id"], "name": "parrot", "deleted": True}
