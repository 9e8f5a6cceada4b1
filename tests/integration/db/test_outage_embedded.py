"""Embedded mode when the SQLite file cannot be used: 503 DATABASE_UNAVAILABLE, never a 500, no partial
write, and the instance serves again on its own once the file is usable."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanctum.db.database import sqlite_path
from sanctum.main import create_app
from tests.conftest import ClientFactory, LogReader, SettingsFactory
from tests.integration.chat.chat_api import Person, person
from tests.support.metrics import sample_value

pytestmark = pytest.mark.embedded_only  # about the SQLite file itself

# Another process that takes the write lock of the file and holds it until its stdin closes.
HOLD_WRITE_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
db.execute("ROLLBACK")
"""


@contextmanager
def write_locked_by_another_process(path: str) -> Iterator[None]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


@contextmanager
def replaced_by_a_directory(path: Path) -> Iterator[None]:
    """The database file gone for the block: root reads any file it may not, but nobody opens a
    directory as a database. Its WAL must have been checkpointed (no connection open)."""
    assert not Path(f"{path}-wal").exists()
    away = path.with_name(path.name + ".away")
    path.rename(away)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        away.rename(path)


def assert_database_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "DATABASE_UNAVAILABLE"
    assert error["request_id"] == response.headers["x-request-id"]
    retry_after = int(response.headers["retry-after"])
    assert retry_after >= 1
    assert error["details"] == {"retry_after": retry_after}


async def bodies(alice: Person, room_id: str) -> list[str]:
    return [m["body"] for m in (await alice.history(room_id))["items"] if m["kind"] == "user"]


@pytest.fixture
def sqlite_only(database_url: str) -> str:
    assert database_url.startswith("sqlite"), "mark the test embedded_only"
    return sqlite_path(database_url)


async def test_a_send_while_another_process_holds_the_write_lock_past_the_timeout_answers_503_and_writes_nothing(
    make_client: ClientFactory, make_settings: SettingsFactory, sqlite_only: str, json_logs: LogReader
) -> None:
    client = await make_client(make_settings(database_timeout_seconds=0.2))
    alice = await person(client)
    room = await alice.create_room("outage")
    await alice.send(room["id"], "before")
    refused_before = await sample_value(client, "db_unavailable_total", cause="locked")

    with write_locked_by_another_process(sqlite_only):
        refused = [
            await alice.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "typed", "client_id": "k1"})
            for _ in range(3)
        ]
        reads_meanwhile = await bodies(alice, room["id"])

    for response in refused:
        assert_database_unavailable(response)
    assert reads_meanwhile == ["before"]
    sent = await alice.send(room["id"], "typed", client_id="k1")
    again = await alice.send(room["id"], "typed", 200, client_id="k1")
    assert again["id"] == sent["id"]
    assert await bodies(alice, room["id"]) == ["typed", "before"]
    assert await sample_value(client, "db_unavailable_total", cause="locked") == refused_before + 3
    lines = json_logs()
    assert [line["level"] for line in lines if line["event"] == "database_unavailable"] == ["warning"]
    assert [line for line in lines if line["event"] == "database_available_again"]
    assert not [line for line in lines if line["event"] == "unhandled_exception" or "exception" in line]
    assert {line["status"] for line in lines if line["event"] == "request"} <= {200, 201, 503}


async def test_a_database_file_that_cannot_be_opened_answers_503_everywhere_and_serves_again_when_it_is_back(
    make_client: ClientFactory, make_settings: SettingsFactory, sqlite_only: str, json_logs: LogReader
) -> None:
    app = create_app(make_settings())
    client = await make_client(app=app)
    alice = await person(client)
    room = await alice.create_room("outage")
    await alice.send(room["id"], "before")

    # Pooled connections keep the file they opened; a lost file shows on the next connection, so the
    # pools are emptied (as an instance restarting its connections would) before it goes.
    await app.state.services.db.dispose()
    with replaced_by_a_directory(Path(sqlite_only)):
        read = await alice.call("GET", f"/api/rooms/{room['id']}/messages")
        write = await alice.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "typed", "client_id": "k"})
        login = await client.post("/api/auth/login", json={"login": alice.username, "password": "x" * 12})
        ready = await client.get("/health/ready")

    for response in (read, write, login):
        assert_database_unavailable(response)
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"]["status"] == "down"
    await alice.send(room["id"], "typed", client_id="k")
    assert await bodies(alice, room["id"]) == ["typed", "before"]
    assert (await client.get("/health/ready")).status_code == 200
    lines = json_logs()
    # Reads and writes failed both: one warning for each side, whatever the number of refusals.
    assert sorted(line["side"] for line in lines if line["event"] == "database_unavailable") == ["read", "write"]
    assert not [line for line in lines if line["event"] == "unhandled_exception"]
