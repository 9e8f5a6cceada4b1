"""Backup and restore benchmark: how long `sanctum backup` and `sanctum restore` take, and archive size.

    .venv/bin/python bench/backup.py --messages 200000 --users 200 [--runs 3] [--json out.json]

It makes an embedded (SQLite) database with `sanctum migrate`, fills it with SQL (users, one room
they all belong to, `--messages` messages of about 100 characters, a reaction on every tenth), then
times, as separate processes run as an operator would:

- `sanctum backup` of the SQLite database, and `sanctum restore` of that archive into a new SQLite file;
- `sanctum restore` of the same archive into an empty PostgreSQL database (the SQLite-to-PostgreSQL copy);
- `sanctum backup` of that PostgreSQL database (pg_dump), and its `sanctum restore` into another one.

PostgreSQL is private (`_servers.start_postgres`: loopback, trust auth, fsync=off). Each step is run
`--runs` times (the restores into fresh databases each time); the table shows the median wall time.
Nothing else writes meanwhile. Everything started is stopped on exit, error or Ctrl-C.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (bench/http.py shadows `http`)
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import contextlib
import itertools
import json
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from _servers import PG_BIN, SANCTUM, SetupError, base_env, install_signal_handlers, start_postgres

_databases = itertools.count(1)


def sanctum(*args: str, env: dict[str, str], cwd: Path) -> float:
    """Run `sanctum <args>`; its wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run([str(SANCTUM), *args], env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SetupError(f"sanctum {' '.join(args)} failed:\n{done.stderr}")
    return elapsed


def fill(path: Path, users: int, messages: int) -> dict[str, int]:
    stamp = datetime(2026, 1, 1, tzinfo=UTC)

    def at(seconds: int) -> str:
        return (stamp + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S.%f")

    people = [uuid.uuid4().hex for _ in range(users)]
    room = uuid.uuid4().hex
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.executemany(
            "INSERT INTO users (id, username, email, password_hash, display_name, created_at, updated_at) "
            "VALUES (?, ?, ?, 'x', ?, ?, ?)",
            [(p, f"user{i}", f"user{i}@example.com", f"User {i}", at(0), at(0)) for i, p in enumerate(people)],
        )
        conn.execute(
            "INSERT INTO rooms (id, kind, name, created_by, member_count, last_activity_at, created_at, updated_at) "
            "VALUES (?, 'public', 'general', ?, ?, ?, ?, ?)",
            (room, people[0], users, at(0), at(0), at(0)),
        )
        conn.executemany(
            "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
            [(room, p, at(0)) for p in people],
        )
        body = "A message of about a hundred characters, like most chat lines are, give or take a few words."
        conn.executemany(
            "INSERT INTO messages (id, room_id, author_id, body, html, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            ((n, room, people[n % users], body, f"<p>{body}</p>", at(n)) for n in range(1, messages + 1)),
        )
        conn.executemany(
            "INSERT INTO message_reactions (message_id, user_id, emoji, created_at) VALUES (?, ?, '👍', ?)",
            ((n, people[(n + 1) % users], at(n)) for n in range(10, messages + 1, 10)),
        )
    return {"users": users, "messages": messages, "reactions": messages // 10}


def createdb(pg_url: str, env: dict[str, str], workdir: Path) -> str:
    name = f"restore_{next(_databases)}"
    host_port = pg_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    subprocess.run(
        [str(PG_BIN / "createdb"), "-h", host, "-p", port, "-U", "sanctum", name], env=env, cwd=workdir, check=True
    )
    return pg_url.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    install_signal_handlers()

    with tempfile.TemporaryDirectory(prefix="sanctum-bench-backup-") as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        env = base_env(workdir) | {"APP_ENV": "test", "LOG_LEVEL": "warning"}
        source = workdir / "source.db"
        embedded = env | {"DATABASE_URL": f"sqlite+aiosqlite:///{source}"}
        sanctum("migrate", env=embedded, cwd=workdir)
        counts = fill(source, args.users, args.messages)
        _, pg_url = start_postgres(stack, workdir, cpus=None)
        scaled = env | {"DATABASE_URL": pg_url}

        load_before = os.getloadavg()[0]
        times: dict[str, list[float]] = {}
        sizes: dict[str, int] = {"SQLite file": source.stat().st_size}
        for run in range(args.runs):
            sqlite_archive, pg_archive = workdir / f"sqlite-{run}.tar.gz", workdir / f"pg-{run}.tar.gz"
            steps = {
                "backup, SQLite (online backup API)": lambda a=sqlite_archive: sanctum(
                    "backup", "--output", str(a), env=embedded, cwd=workdir
                ),
                "restore, SQLite archive into SQLite": lambda a=sqlite_archive, r=run: sanctum(
                    "restore", str(a), env=env | {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/r{r}.db"}, cwd=workdir
                ),
                "restore, SQLite archive into PostgreSQL (copy)": lambda a=sqlite_archive: sanctum(
                    "restore", str(a), "--force", env=scaled, cwd=workdir
                ),
                "backup, PostgreSQL (pg_dump)": lambda a=pg_archive: sanctum(
                    "backup", "--output", str(a), env=scaled, cwd=workdir
                ),
                "restore, PostgreSQL archive into PostgreSQL": lambda a=pg_archive: sanctum(
                    "restore", str(a), env=env | {"DATABASE_URL": createdb(pg_url, env, workdir)}, cwd=workdir
                ),
            }
            for name, step in steps.items():
                times.setdefault(name, []).append(step())
            sizes["archive, SQLite"] = sqlite_archive.stat().st_size
            sizes["archive, PostgreSQL"] = pg_archive.stat().st_size

    rows = counts["messages"] + counts["reactions"] + 2 * counts["users"]  # users and their memberships
    shape = f"{counts['messages']} messages, {counts['reactions']} reactions, {counts['users']} users"
    print(f"{shape}; {os.cpu_count()} cores, load average {load_before:.1f} before measuring")
    print("\n| step | median wall time (s) | runs |\n| --- | ---: | --- |")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.2f} | {', '.join(f'{v:.2f}' for v in values)} |")
    print("\n| file | MiB |\n| --- | ---: |")
    for name, size in sizes.items():
        print(f"| {name} | {size / 1_048_576:.1f} |")
    copy = statistics.median(times["restore, SQLite archive into PostgreSQL (copy)"])
    print(f"\nSQLite-to-PostgreSQL copy: about {rows / copy:,.0f} rows/s including start-up and migrations")
    if args.json:
        args.json.write_text(json.dumps({"counts": counts, "times": times, "sizes": sizes}, indent=2))


if __name__ == "__main__":
    try:
        main()
    except SetupError as exc:
        sys.exit(f"bench/backup.py: {exc}")
