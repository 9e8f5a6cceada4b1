"""A streaming replica of the scaled run's PostgreSQL, for tests that stop and restart it.

`pg_basebackup -R` copies the running primary and writes its `primary_conninfo`; the copy starts as a
hot standby on a port of its own and streams WAL from then on, so every database the primary has (a
test's own included) is readable on it. As root, the server and the copy run as the `postgres` user,
as tests/support/pg_ctl arranges for the primary.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.pg_ctl_path import PG_CTL, pg_binary

SERVER_USER = os.environ.get("SANCTUM_TEST_PG_USER", "postgres")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


class StreamingReplica:
    def __init__(self, primary: Any, workdir: Path) -> None:
        self._primary = primary
        self.datadir = workdir / "replica-data"
        self.port = _free_port()
        self._log = workdir / "replica.log"

    def url(self, database_url: str) -> str:
        """`database_url` (a database on the primary) as read from the replica."""
        head, _, rest = database_url.rpartition("@")
        _, _, path = rest.partition("/")
        return f"{head}@127.0.0.1:{self.port}/{path}"

    def create(self) -> None:
        parent = self.datadir.parent
        if os.geteuid() == 0:
            shutil.chown(parent, SERVER_USER)
            directory = parent
            while directory != directory.parent:
                directory = directory.parent
                directory.chmod(directory.stat().st_mode | 0o001)
        backup = [
            pg_binary("pg_basebackup"),
            "-h", str(self._primary.host),
            "-p", str(self._primary.port),
            "-U", str(self._primary.user),
            "-D", str(self.datadir),
            "-R", "-X", "stream", "-c", "fast", "--no-sync",
        ]  # fmt: skip
        subprocess.run(_as_server_user(backup), check=True, capture_output=True, timeout=60, cwd="/")
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.datadir.parent} "
            "-c fsync=off -c wal_receiver_status_interval=1"
        )
        command = [str(PG_CTL), "start", "-w", "-D", str(self.datadir), "-l", str(self._log), "-o", options]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    async def streaming(self, database_url: str) -> bool:
        """Whether the replica accepts reads of `database_url` and has begun streaming from the primary."""
        engine = create_async_engine(self.url(database_url))
        try:
            async with engine.connect() as conn:
                return bool((await conn.execute(text("SELECT pg_last_wal_receive_lsn() IS NOT NULL"))).scalar())
        except Exception:
            return False
        finally:
            await engine.dispose()

    def stop(self) -> None:
        command = [str(PG_CTL), "stop", "-w", "-D", str(self.datadir), "-m", "immediate"]
        subprocess.run(command, check=False, capture_output=True, timeout=60)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)
