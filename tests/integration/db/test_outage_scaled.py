"""Scaled mode while PostgreSQL restarts (`-m immediate`, then crash recovery): two people chat and
play Connect Four across two instances. Refused requests and commands are 503 DATABASE_UNAVAILABLE
with Retry-After, never a 500; what was acknowledged is stored once and delivered once, in order."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import LogReader, ScaledServers
from tests.integration.chat.chat_api import Person
from tests.integration.games.games_api import Gamer
from tests.support.live import ServerFactory, WsClient, events_named, eventually, make_server

__all__ = ["make_server"]

pytestmark = [pytest.mark.scaled_only, pytest.mark.slow]

MESSAGES = 40


class Sender:
    """Sends numbered messages as a client with an outbox does: each one retried with its client_id
    until it is stored; every answer is kept."""

    def __init__(self, person: Person, room_id: str) -> None:
        self.person, self.room_id = person, room_id
        self.answers: list[httpx.Response] = []
        self.acked: list[dict[str, Any]] = []
        self.network_errors = 0

    async def send(self, n: int) -> None:
        body = {"body": f"message {n}", "client_id": f"m{n}"}
        while True:
            try:
                response = await self.person.call("POST", f"/api/rooms/{self.room_id}/messages", json=body)
            except httpx.TransportError:
                self.network_errors += 1
                await asyncio.sleep(0.05)
                continue
            self.answers.append(response)
            if response.status_code in (200, 201):
                self.acked.append(response.json())
                return
            # Retry-After is honoured by real clients; here a short pause keeps the test quick.
            await asyncio.sleep(0.05)

    async def run(self) -> None:
        for n in range(1, MESSAGES + 1):
            await self.send(n)
            await asyncio.sleep(0.05)

    @property
    def refused(self) -> list[httpx.Response]:
        return [r for r in self.answers if r.status_code not in (200, 201)]


def assert_database_unavailable(status: int, error: dict[str, Any], retry_after: str | None) -> None:
    assert status == 503, error
    assert error["code"] == "DATABASE_UNAVAILABLE", error
    assert retry_after is not None and int(retry_after) >= 1
    assert error["details"] == {"retry_after": int(retry_after)}


async def delivered(socket: WsClient, topic: str, count: int) -> list[dict[str, Any]]:
    """The `message.created` frames of `topic` the socket received (other helpers' reads included),
    once `count` have arrived."""

    def created() -> list[dict[str, Any]]:
        return [f for f in socket.received if f.get("type") == "message.created" and f.get("topic") == topic]

    while len(created()) < count:
        await socket.recv(within=30.0)
    return created()


async def durable_commits(database_url: str) -> None:
    """The suite's server runs with synchronous_commit=off (durability is not under test elsewhere):
    a crash would then lose the last acknowledged commits. This test's database commits durably."""
    engine = create_async_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            name = make_url(database_url).database
            await conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO on'))
    finally:
        await engine.dispose()


async def test_postgresql_restarted_immediately_while_two_people_chat_and_play_refuses_with_503_and_loses_nothing(
    make_server: ServerFactory, scaled_servers: ScaledServers, json_logs: LogReader, database_url: str
) -> None:
    await durable_commits(database_url)
    one, two = await make_server(), await make_server()
    alice = Gamer(one.http, await one.register())
    bob = Gamer(two.http, await two.register())
    room = await alice.create_room("through the outage")
    await bob.join(room["id"])
    game_id = (await alice.open_room("connect_four"))["id"]
    await bob.sit(game_id)
    topic, game_topic = f"room:{room['id']}", f"game:{game_id}"
    on_bob = await two.connect(bob.user)
    await on_bob.subscribe(topic)
    await on_bob.subscribe(game_topic)
    on_alice = await one.connect(alice.user)
    await on_alice.subscribe(game_topic)
    first = await on_alice.request({"type": "game.move", "topic": game_topic, "move": {"column": 3}})
    assert first["type"] == "game.move.ok", first
    sender = Sender(alice, room["id"])
    sending = asyncio.create_task(sender.run())

    await eventually(lambda: len(sender.acked) >= 5, within=30.0)
    async with scaled_servers.postgresql_crashed():
        await eventually(lambda: len(sender.refused) >= 3 or sending.done(), within=30.0)
        bobs_move = {"type": "game.move", "topic": game_topic, "move": {"column": 4}, "version": first["version"]}
        move_refused = await on_bob.request(bobs_move)
        reads = [
            await bob.call("GET", f"/api/rooms/{room['id']}/messages"),
            await bob.call("GET", f"/api/games/rooms/{game_id}"),
            await bob.call("GET", "/api/users/me"),
        ]
    async with asyncio.timeout(60):
        await sending

    # Refusals: every one a 503 with Retry-After, the socket's in an error frame, the socket still open.
    assert sender.refused, "the outage refused no send: it was not observed"
    for response in sender.refused:
        assert_database_unavailable(response.status_code, response.json()["error"], response.headers.get("retry-after"))
    # A read may be answered from a cache (the history's, the room's actor); if not, it is a 503.
    for response in reads:
        if response.status_code != 200:
            assert_database_unavailable(
                response.status_code, response.json()["error"], response.headers.get("retry-after")
            )
    error = move_refused["error"]
    assert move_refused["type"] == "error"
    assert_database_unavailable(503, error, str(error.get("details", {}).get("retry_after")))
    moved = await on_bob.request(bobs_move)
    assert moved["type"] == "game.move.ok", moved
    # Its answer lost, the retry of an applied move is acknowledged again, not played twice.
    again = await on_bob.request(bobs_move)
    assert again == {**moved, "cid": again["cid"]}

    # Every acknowledged message stored once, in the order sent, and delivered once in that order.
    bodies = [f"message {n}" for n in range(1, MESSAGES + 1)]
    assert [m["body"] for m in sender.acked] == bodies
    history = (await bob.history(room["id"], limit=100))["items"]
    stored = [m for m in reversed(history) if m["kind"] == "user"]
    assert [m["client_id"] for m in stored] == [f"m{n}" for n in range(1, MESSAGES + 1)]
    assert [m["id"] for m in stored] == [m["id"] for m in sender.acked]
    frames = await delivered(on_bob, topic, MESSAGES)
    assert [f["data"]["body"] for f in frames] == bodies
    seqs = [f["seq"] for f in frames]
    assert seqs == sorted(set(seqs))

    # The game as both players saw it: the first move, the refused one absent, the retried one once.
    game = await alice.game_room(game_id)
    assert game["version"] == moved["version"] == first["version"] + 1
    assert game["state"]["moves"] == [3, 4]

    assert (await two.http.get("/health/ready")).status_code == 200
    lines = json_logs()
    assert not events_named(json_logs, "unhandled_exception")
    assert not [
        line
        for line in lines
        if line.get("event") == "request" and line.get("status", 0) >= 500 and line["status"] != 503
    ]
    assert events_named(json_logs, "database_unavailable")
