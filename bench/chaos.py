"""Chaos under a steady chat and game load: two instances behind nginx, PostgreSQL and Redis, each fault measured.

    .venv/bin/python bench/chaos.py [--senders 3] [--rate 4] [--tables 2] [--move-rate 2]
                                    [--steps rolling,kill,redis,postgres]

The bench starts its own PostgreSQL, Redis, two `sanctum serve` instances and nginx (Debian's package;
`apt-get install nginx-light`) in front of them, as deploy/compose.yml does. Every sender is a member
of one room and holds a WebSocket through nginx, as the web client does: it reconnects after any close
(1012 included) and resubscribes with the last seq it saw. Each sender posts a message `--rate` times a
second with a unique `client_id`, retrying a failed send with the same one (idempotent), as the web
client's outbox does. Beside them, `--tables` pairs of players play connect four through nginx at
`--move-rate` moves a second per table, game after game (bench/chaos_games.py: how a move is
retried and what is checked).

Steps, one after the other, each with a quiet period before it:

- `rolling`: SIGTERM instance A, start it again, wait until ready; then the same for B;
- `kill`: SIGKILL instance A, start it again;
- `redis`: stop Redis, leave it down `--outage` seconds (3), start it again on the same port;
- `postgres`: stop PostgreSQL (fast shutdown: every connection cut), leave it down as long, start it
  again.

For each: messages accepted, lost (accepted but missing on some socket: goal 0), duplicated (one
client_id stored as two messages, or one message delivered twice to a socket after its seq check:
goal 0), 5xx answers seen by senders (goal 0 for the rolling restart), transport errors, and the time
to full recovery: from the fault until a send succeeds again and every socket holds every accepted
message (beside how long the step's own stop and start took). Lost and duplicated are counted over
the whole run so far, so a later step shows an earlier loss too. For the game load: moves accepted,
lost (accepted but not stored in its room), duplicated (stored but not accepted, or twice), refused,
5xx, and the time until every table has played a move again after the step. Results go to stdout as
Markdown tables (and `--json`).
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see request_cost.py)
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from _servers import (
    LOOPBACK,
    SANCTUM,
    Proc,
    SetupError,
    free_port,
    http_status,
    install_signal_handlers,
    sanctum_server,
    spawn,
    wait_until,
)
from chaos_games import GameFigures, Table, figures, moving_again, play_steadily, snapshot

PASSWORD = "chaos-password-123"


@dataclass
class Counts:
    accepted: int = 0
    server_errors: int = 0  # 5xx answers
    transport_errors: int = 0  # refused, reset, timed out
    reconnects: int = 0


@dataclass
class StepResult:
    step: str
    accepted: int
    lost: int
    duplicated: int
    server_errors: int
    transport_errors: int
    reconnects: int
    fault_seconds: float  # how long the step's own actions took (stop, start, ready again)
    recovery_seconds: float | None
    games: GameFigures | None = None


@dataclass
class Sender:
    name: str
    token: str = ""
    user_id: str = ""
    last_seq: int | None = None
    received: dict[str, int] = field(default_factory=dict)  # client_id -> message id
    delivered_twice: int = 0
    counts: Counts = field(default_factory=Counts)
    accepted: dict[str, int] = field(default_factory=dict)  # client_id -> message id


class Cluster:
    """Instances A and B on one PostgreSQL and Redis, behind one nginx."""

    def __init__(self, workdir: Path, env: dict[str, str], ports: list[int], services: list[Proc]) -> None:
        self.workdir, self.env, self.ports = workdir, env, ports
        self.instances: list[Proc | None] = [None, None]
        self.postgres, self.redis = services

    def start_instance(self, index: int) -> None:
        port = self.ports[index]
        argv = [str(SANCTUM), "serve", "--host", LOOPBACK, "--port", str(port)]
        name = "AB"[index]
        proc = spawn(
            f"sanctum-{name}", argv, log_path=self.workdir / f"sanctum-{name}.log", env=self.env, cwd=self.workdir
        )
        wait_until(lambda: http_status(port, "/health/ready") == 200, what=f"instance {name} ready", proc=proc)
        self.instances[index] = proc

    def stop_instance(self, index: int, sig: int) -> None:
        proc = self.instances[index]
        assert proc is not None
        proc.popen.send_signal(sig)
        proc.popen.wait(60)
        self.instances[index] = None

    @staticmethod
    def restart_service(proc: Proc, down_seconds: float) -> Proc:
        """Stop a service, leave it down for `down_seconds`, start it again with the same command line
        (same port, same data)."""
        argv = [str(a) for a in proc.popen.args]  # type: ignore[union-attr]
        proc.stop()
        time.sleep(down_seconds)
        user = "postgres" if proc.name == "postgres" and os.geteuid() == 0 else None
        cwd = Path(argv[argv.index("-D") + 1]) if "-D" in argv else proc.log_path.parent
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(proc.log_path.parent), "LANG": "C.UTF-8"}
        return spawn(proc.name, argv, log_path=proc.log_path, env=env, cwd=cwd, user=user, stop_signal=proc.stop_signal)

    def stop_all(self) -> None:
        for proc in self.instances:
            if proc is not None:
                proc.stop()


def nginx_config(workdir: Path, listen: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf's proxying, reduced to what the bench needs, on loopback."""
    servers = "\n".join(f"        server {LOOPBACK}:{port} max_fails=0;" for port in upstreams)
    user = "user root;" if os.geteuid() == 0 else ""
    conf = f"""{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    fastcgi_temp_path {workdir}/nginx-fastcgi;
    uwsgi_temp_path {workdir}/nginx-uwsgi;
    scgi_temp_path {workdir}/nginx-scgi;
    upstream sanctum {{
{servers}
        keepalive 16;
    }}
    map $http_upgrade $connection_upgrade {{ default upgrade; '' ""; }}
    server {{
        listen {LOOPBACK}:{listen};
        location / {{
            proxy_pass http://sanctum;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 3600s;
            proxy_next_upstream error timeout;  # as deploy/nginx.conf: a POST is retried only if never sent
        }}
    }}
}}
"""
    path = workdir / "nginx.conf"
    path.write_text(conf)
    return path


async def register(http: httpx.AsyncClient, sender: Sender) -> None:
    body = {"username": sender.name, "email": f"{sender.name}@example.com", "password": PASSWORD}
    created = await http.post("/api/auth/register", json=body)
    created.raise_for_status()
    sender.user_id = created.json()["id"]
    login = await http.post("/api/auth/login", json={"login": sender.name, "password": PASSWORD})
    login.raise_for_status()
    sender.token = login.json()["access_token"]


def auth(sender: Sender) -> dict[str, str]:
    return {"Authorization": f"Bearer {sender.token}"}


async def hold_socket(base: str, http: httpx.AsyncClient, sender: Sender, topic: str, stop: asyncio.Event) -> None:
    """One socket, as the web client holds it: reconnect after any close, resume from the last seq."""
    ws_base = base.replace("http://", "ws://")
    first = True
    while not stop.is_set():
        try:
            ticket = (await http.post("/api/ws/ticket", headers=auth(sender))).json()["ticket"]
            async with connect(f"{ws_base}/api/ws?ticket={ticket}", proxy=None, open_timeout=10) as ws:
                if not first:
                    sender.counts.reconnects += 1
                first = False
                subscribe: dict[str, Any] = {"type": "subscribe", "topic": topic, "cid": "s"}
                if sender.last_seq is not None:
                    subscribe["since"] = sender.last_seq
                await ws.send(orjson.dumps(subscribe).decode())
                async for raw in ws:
                    frame = orjson.loads(raw)
                    kind = frame.get("type")
                    if kind == "ping":
                        await ws.send('{"type":"pong"}')
                    elif kind == "subscribed" and sender.last_seq is None:
                        sender.last_seq = frame["seq"]
                    elif kind == "message.created" and frame.get("topic") == topic:
                        seq = frame["seq"]
                        if sender.last_seq is not None and seq <= sender.last_seq:
                            continue  # the overlap of a resume: dropped by seq, as the web client does
                        sender.last_seq = seq
                        data = frame["data"]
                        client_id = data["body"]
                        if client_id.startswith("probe"):
                            continue
                        if client_id in sender.received:
                            sender.delivered_twice += 1
                        sender.received[client_id] = data["id"]
                    if stop.is_set():
                        return
        except (OSError, ConnectionClosed, InvalidHandshake, httpx.HTTPError, KeyError, ValueError, TimeoutError):
            pass
        await asyncio.sleep(0.2)


async def send_steadily(http: httpx.AsyncClient, sender: Sender, room: str, rate: float, stop: asyncio.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        client_id = f"{sender.name}-{n}"
        while not stop.is_set():
            try:
                response = await http.post(
                    f"/api/rooms/{room}/messages",
                    json={"body": client_id, "client_id": client_id},
                    headers=auth(sender),
                )
            except httpx.HTTPError:
                sender.counts.transport_errors += 1
                await asyncio.sleep(0.2)
                continue
            if response.status_code in (200, 201):
                sender.accepted[client_id] = response.json()["id"]
                sender.counts.accepted += 1
                break
            if response.status_code >= 500:
                sender.counts.server_errors += 1
            await asyncio.sleep(0.2)
        await asyncio.sleep(1 / rate)


def caught_up(senders: list[Sender]) -> bool:
    accepted = {cid for s in senders for cid in s.accepted}
    return all(accepted <= s.received.keys() for s in senders)


def tally(step: str, senders: list[Sender], before: list[Counts], fault: float, recovery: float | None) -> StepResult:
    accepted: dict[str, int] = {cid: mid for s in senders for cid, mid in s.accepted.items()}
    lost = sum(1 for s in senders for cid in accepted if cid not in s.received)
    # One client_id stored as two messages (a retried send that was not idempotent) or delivered twice.
    stored_twice = sum(
        1 for s in senders for cid, mid in s.received.items() if cid in accepted and accepted[cid] != mid
    )
    now = [s.counts for s in senders]
    return StepResult(
        step=step,
        accepted=sum(n.accepted - b.accepted for n, b in zip(now, before, strict=True)),
        lost=lost,
        duplicated=stored_twice + sum(s.delivered_twice for s in senders),
        server_errors=sum(n.server_errors - b.server_errors for n, b in zip(now, before, strict=True)),
        transport_errors=sum(n.transport_errors - b.transport_errors for n, b in zip(now, before, strict=True)),
        reconnects=sum(n.reconnects - b.reconnects for n, b in zip(now, before, strict=True)),
        fault_seconds=fault,
        recovery_seconds=recovery,
    )


async def recovery_after(
    started: float, http: httpx.AsyncClient, probe: Sender, room: str, senders: list[Sender]
) -> float | None:
    """Seconds from `started` until a send succeeds and every socket holds every accepted message."""
    deadline = time.monotonic() + 90
    sent = False
    while time.monotonic() < deadline:
        if not sent:
            with contextlib.suppress(httpx.HTTPError):
                body = {"body": f"probe-{time.monotonic_ns()}"}
                response = await http.post(f"/api/rooms/{room}/messages", json=body, headers=auth(probe))
                sent = response.status_code in (200, 201)
        if sent and caught_up(senders):
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    return None


async def run(args: argparse.Namespace, cluster: Cluster, base: str) -> list[StepResult]:
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=base, timeout=15.0, limits=limits) as http:
        stamp = int(time.time())
        senders = [Sender(f"chaos{stamp}s{i}") for i in range(args.senders)]
        probe = Sender(f"chaos{stamp}probe")
        gamers = [Sender(f"chaos{stamp}g{i}") for i in range(2 * args.tables)]
        for person in [*senders, probe, *gamers]:
            await register(http, person)
        tables = [Table((gamers[2 * i], gamers[2 * i + 1])) for i in range(args.tables)]
        room = (
            await http.post("/api/rooms", json={"name": f"Chaos {stamp}", "kind": "public"}, headers=auth(senders[0]))
        ).json()["id"]
        for person in [*senders[1:], probe]:
            (await http.post(f"/api/rooms/{room}/join", headers=auth(person))).raise_for_status()
        topic = f"room:{room}"
        stop = asyncio.Event()
        tasks = [asyncio.create_task(hold_socket(base, http, s, topic, stop)) for s in senders]
        await asyncio.sleep(1.0)
        tasks += [asyncio.create_task(send_steadily(http, s, room, args.rate, stop)) for s in senders]
        tasks += [asyncio.create_task(play_steadily(http, t, args.move_rate, stop)) for t in tables]
        results: list[StepResult] = []
        loop = asyncio.get_running_loop()
        try:
            for step in args.steps:
                await asyncio.sleep(args.quiet)
                before = [Counts(**asdict(s.counts)) for s in senders]
                moves_before = snapshot(tables)
                started = time.monotonic()
                if step == "rolling":
                    for index in (0, 1):
                        await loop.run_in_executor(None, cluster.stop_instance, index, signal.SIGTERM)
                        await loop.run_in_executor(None, cluster.start_instance, index)
                elif step == "kill":
                    await loop.run_in_executor(None, cluster.stop_instance, 0, signal.SIGKILL)
                    await loop.run_in_executor(None, cluster.start_instance, 0)
                elif step == "redis":
                    cluster.redis = await loop.run_in_executor(
                        None, cluster.restart_service, cluster.redis, args.outage
                    )
                elif step == "postgres":
                    cluster.postgres = await loop.run_in_executor(
                        None, cluster.restart_service, cluster.postgres, args.outage
                    )
                fault = time.monotonic() - started
                recovery = await recovery_after(started, http, probe, room, senders)
                results.append(tally(step, senders, before, fault, recovery))
                moving = await moving_again(tables, started + fault, started)
                results[-1].games = await figures(http, tables, moves_before, moving)
                print(f"{step}: {results[-1]}", flush=True)
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--senders", type=int, default=3)
    parser.add_argument("--rate", type=float, default=4.0, help="messages per second per sender")
    parser.add_argument("--quiet", type=float, default=5.0, help="seconds of steady load before each step")
    parser.add_argument("--tables", type=int, default=2, help="pairs of players playing connect four")
    parser.add_argument("--move-rate", type=float, default=2.0, help="moves per second per table")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds Redis and PostgreSQL stay down")
    parser.add_argument("--steps", type=lambda s: s.split(","), default=["rolling", "kill", "redis", "postgres"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SetupError("nginx not found: apt-get install nginx-light")
    install_signal_handlers()
    extra = {"SHUTDOWN_DRAIN_SECONDS": "1", "LOG_LEVEL": "info", "LOG_FORMAT": "json"}
    with sanctum_server("scaled", cpus=None, extra_env=extra) as first, contextlib.ExitStack() as stack:
        cluster = Cluster(first.workdir, first.env, [first.port, free_port()], first.services)
        cluster.instances[0] = first.process
        cluster.start_instance(1)
        stack.callback(cluster.stop_all)
        listen = free_port()
        conf = nginx_config(first.workdir, listen, cluster.ports)
        proxy = spawn(
            "nginx",
            [nginx, "-c", str(conf), "-g", "daemon off;"],
            log_path=first.workdir / "nginx.log",
            env=first.env,
            cwd=first.workdir,
        )
        stack.callback(proxy.stop)
        wait_until(lambda: http_status(listen, "/health/live") == 200, what="nginx", proc=proxy)
        load = os.getloadavg()
        results = asyncio.run(run(args, cluster, f"http://{LOOPBACK}:{listen}"))
    print(f"\nload average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
    print(f"senders: {args.senders} at {args.rate}/s each, one room, every sender also a subscriber\n")
    print("| step | accepted | lost | duplicated | 5xx | transport errors | reconnects | step took | recovered after |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        recovery = "never" if r.recovery_seconds is None else f"{r.recovery_seconds:.1f} s"
        print(
            f"| {r.step} | {r.accepted} | {r.lost} | {r.duplicated} | {r.server_errors} | {r.transport_errors} "
            f"| {r.reconnects} | {r.fault_seconds:.1f} s | {recovery} |"
        )
    print(f"\ngame tables: {args.tables} at {args.move_rate} moves/s each (connect four, game after game)\n")
    print(
        "| step | moves accepted | lost | duplicated | refused | 5xx | transport errors | games | moving again after |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        g = r.games
        if g is None:
            continue
        moving = "never" if g.recovery_seconds is None else f"{g.recovery_seconds:.1f} s"
        print(
            f"| {r.step} | {g.accepted} | {g.lost} | {g.duplicated} | {g.refused} | {g.server_errors} "
            f"| {g.transport_errors} | {g.games} | {moving} |"
        )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))


if __name__ == "__main__":
    main()
