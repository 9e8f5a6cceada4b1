"""The Pong load of bench/games.py from a Node client, and the Colyseus peer it is compared with.

- `install_peer()` installs Colyseus 0.18 (`@colyseus/core`, `@colyseus/schema`, `@colyseus/ws-transport`
  and the `@colyseus/sdk` client) from npm into a throwaway folder (`/tmp/colyseus-peer`; never a
  dependency of the product), and copies bench/colyseus_peer/*.mjs beside them.
- `node_load(...)` runs bench/colyseus_peer/load.mjs pinned to the load core: one socket per room, the
  arrival time of every update, against Sanctum (sockets made by bench/games.py) or Colyseus. The same
  client for both servers, so the jitter of the two is measured alike.
- `colyseus_pong(...)` starts the peer (bench/colyseus_peer/server.mjs: the same physics and hard bot as
  Sanctum's Pong, 30 Hz simulation and patches) pinned to the server core, runs the load, and reports
  what bench/games.py reports for Sanctum.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _servers import free_port, process_cpu_seconds, spawn, wait_until

PEER_DIR = Path(tempfile.gettempdir()) / "colyseus-peer"  # throwaway: delete it at will
SOURCES = Path(__file__).resolve().parent / "colyseus_peer"
PACKAGES = [
    "@colyseus/core@0.18.17",
    "@colyseus/ws-transport@0.18.4",
    "@colyseus/schema@5.0.34",
    "@colyseus/sdk@0.18.4",
]
PONG_HZ = 30


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def install_peer(folder: Path = PEER_DIR) -> Path:
    """Colyseus and the load client's packages in `folder` (installed once), with our scripts beside them."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("node and npm are needed for the Pong load client and the Colyseus peer")
    folder.mkdir(parents=True, exist_ok=True)
    if not all((folder / "node_modules" / p.rsplit("@", 1)[0]).exists() for p in PACKAGES):
        (folder / "package.json").write_text('{"name": "colyseus-peer", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--save-exact", *PACKAGES],
            cwd=folder,
            check=True,
            timeout=600,
            stdout=subprocess.DEVNULL,
        )
    for script in SOURCES.glob("*.mjs"):
        shutil.copy(script, folder / script.name)
    return folder


async def node_load(
    folder: Path, args: list[str], cpus: str | None, started: Callable[[], None], within: float
) -> dict[str, Any]:
    """Run load.mjs with `args`; `started()` is called when it starts measuring; its JSON result."""
    argv = ["node", "load.mjs", *args]
    if cpus:
        argv = ["taskset", "-c", cpus, *argv]
    proc = await asyncio.create_subprocess_exec(*argv, cwd=folder, stdout=asyncio.subprocess.PIPE, limit=2**28)
    assert proc.stdout is not None
    try:
        async with asyncio.timeout(within):
            while (line := await proc.stdout.readline()) and line.strip() != b"measuring":
                pass
            started()
            result: dict[str, Any] = json.loads(await proc.stdout.readline())
            await proc.wait()
            return result
    finally:
        if proc.returncode is None:
            proc.kill()
            with contextlib.suppress(Exception):
                await proc.wait()


def summary(result: dict[str, Any], cpu_seconds: float) -> dict[str, float]:
    period_ms = 1000 / PONG_HZ
    jitter = [abs(i - period_ms) for i in result["intervals"]]
    elapsed = result["elapsed"]
    return {
        "frames_per_s": result["frames"] / elapsed,
        "expected_per_s": result["rooms"] * PONG_HZ,
        "jitter_p50_ms": percentile(jitter, 0.50),
        "jitter_p99_ms": percentile(jitter, 0.99),
        "jitter_max_ms": max(jitter, default=float("nan")),
        "server_cpu_pct": cpu_seconds / elapsed * 100,
    }


async def colyseus_pong(
    folder: Path, rooms: int, duration: float, server_cpus: str | None, client_cpus: str | None, workdir: Path
) -> dict[str, float]:
    port = free_port()
    log_path = workdir / "colyseus.log"
    proc = spawn(
        "colyseus", ["node", "server.mjs", str(port)], log_path=log_path, env=_node_env(), cwd=folder, cpus=server_cpus
    )
    try:
        wait_until(lambda: "listening" in log_path.read_text(), what="the Colyseus peer listening", proc=proc)
        marks: list[float] = []
        result = await node_load(
            folder,
            ["colyseus", str(port), str(rooms), "1", str(duration)],
            client_cpus,
            lambda: marks.append(process_cpu_seconds(proc.pid)),
            within=duration + 120,
        )
        cpu = process_cpu_seconds(proc.pid) - marks[0]
        return summary(result, cpu)
    finally:
        proc.stop()


def _node_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")} | {"NODE_ENV": "production"}


def ratios(sanctum: dict[str, float], peer: dict[str, float]) -> dict[str, float]:
    """Sanctum's CPU and jitter as multiples of the peer's (1.0: the same; below: better)."""
    keys = ("server_cpu_pct", "jitter_p50_ms", "jitter_p99_ms")
    return {f"{k}_ratio": sanctum[k] / peer[k] if peer[k] else float("nan") for k in keys}
