"""A small community with a bit of everything, built through the API, and what its members see of it.

`Community.build` makes two friends who share a sanctum with a liked, commented post, a chat room with
a thread, reactions, a mention and read state, a game of Connect Four in progress, and the
notifications all that made. `Community.views` reads back what the backup must bring back, as the
members see it through the API, so a restore is checked by comparing two such readings.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.factories import login
from tests.integration.games.games_api import Gamer
from tests.support.live import eventually
from tests.support.social_api import Member, make_friends, members


@dataclass
class Community:
    alice: Member
    bob: Member
    slug: str
    post_id: int
    room_id: str
    first_message_id: int
    game_id: str

    @classmethod
    async def build(cls, http: httpx.AsyncClient) -> Community:
        alice, bob = await members(http, 2)
        await make_friends(alice, bob)
        sanctum = await alice.create_sanctum("Night owls")
        await bob.join_sanctum(sanctum["slug"])
        post = await alice.post("Backups are **boring** until they are not", sanctum)
        await bob.like(post["id"])
        comment = await bob.comment(post["id"], "Tested restores or it did not happen")
        await alice.comment(post["id"], "Agreed", parent_id=comment["id"])

        room = await alice.create_room("general")
        await bob.join(room["id"])
        first = await alice.send(room["id"], f"hello @{bob.username}")
        await bob.reply(room["id"], first["id"], "a thread under the first message")
        await bob.react(room["id"], first["id"], "👍")
        await alice.react(room["id"], first["id"], "🎉")
        await bob.mark_read(room["id"], first["id"])

        game = await Gamer(http, alice.user).open_room("connect_four")
        await Gamer(http, bob.user).sit(game["id"])
        for player, column in ((alice, 3), (bob, 4), (alice, 3)):
            await Gamer(http, player.user).play(game["id"], column=column)
        return cls(alice, bob, sanctum["slug"], post["id"], room["id"], first["id"], game["id"])

    def on(self, http: httpx.AsyncClient) -> Community:
        """The same people, with the same sessions, talking to another instance."""
        return Community(
            Member(http, self.alice.user),
            Member(http, self.bob.user),
            self.slug,
            self.post_id,
            self.room_id,
            self.first_message_id,
            self.game_id,
        )

    async def views(self) -> dict[str, Any]:
        """Everything the backup must keep, as the API shows it (no part of it changes while they chat)."""
        alice, bob, room = self.alice, self.bob, self.room_id
        gamer = Gamer(alice.http, alice.user)
        return {
            "me": [await p.ok("GET", "/api/users/me") for p in (alice, bob)],
            "sessions": [await p.ok("GET", "/api/auth/sessions") for p in (alice, bob)],
            "friends": [await alice.friend_ids(), await bob.friend_ids()],
            "sanctum": await bob.sanctum(self.slug),
            "sanctum_roles": await alice.sanctum_roles(self.slug),
            "post": await bob.get_post(self.post_id),
            "comments": await alice.comments(self.post_id),
            "thread": await bob.thread(room, self.first_message_id),
            "bob_read_up_to": (await bob.room(room))["last_read_message_id"],
            "mentions": await bob.mentions(),
            "notifications": [(await p.ok("GET", "/api/notifications", params={"limit": 100})) for p in (alice, bob)],
            "game": await gamer.game_room(self.game_id),
        }

    async def can_log_in(self, http: httpx.AsyncClient) -> None:
        for person in (self.alice, self.bob):
            await login(http, person.username, person.user.password)


async def room_history(person: Member, room_id: str) -> dict[int, dict[str, Any]]:
    """Every top-level message of the room, by id."""
    found: dict[int, dict[str, Any]] = {}
    before: int | None = None
    while True:
        page = await person.history(room_id, limit=100, **({"before": before} if before else {}))
        found.update({m["id"]: m for m in page["items"]})
        if not page["has_more"]:
            return found
        before = page["next_before"]


@dataclass
class Chatter:
    """Both people sending into one room, one message after another each, until stopped."""

    people: tuple[Member, ...]
    room_id: str
    acknowledged: dict[int, str] = field(default_factory=dict)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def _send(self, person: Member) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            body = f"{person.username} says {n}"
            sent = await person.send(self.room_id, body)
            self.acknowledged[sent["id"]] = body

    async def until(self, count: int) -> None:
        await eventually(lambda: len(self.acknowledged) >= count, within=60)

    @contextlib.asynccontextmanager
    async def chatting(self) -> AsyncIterator[Chatter]:
        tasks = [asyncio.create_task(self._send(person)) for person in self.people]
        try:
            yield self
        finally:
            self._stop.set()
            await asyncio.gather(*tasks)
