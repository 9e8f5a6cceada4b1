"""A bare fanout server on the `websockets` library: the baseline for bench/ws_fanout.py.

    .venv/bin/python bench/baseline_fanout_server.py --port 9000 [--host 127.0.0.1] [--loop uvloop]

It speaks just enough of Sanctum's realtime protocol (docs/realtime.md) for the benchmark's load
to run against it unchanged:

- any socket on `/api/ws` is accepted, whatever its `ticket`; it gets a `hello`;
- `{"type": "subscribe", "topic": T}` adds the socket to T's subscribers and is acked with
  `{"type": "subscribed", "topic": T, "seq": n}`;
- `{"type": "announce", "topic": T, "persist": bool, "data": {"text", "sent_at"}}` builds the same
  envelope as Sanctum's `announcements` hub, `{"type": "announcement", "topic", "seq"?, "data":
  {"text", "by", "sent_at"}}`, encodes it once and sends it to every subscriber with
  `websockets.asyncio.server.broadcast` (which frames it per connection and never waits for a peer);
- `ping` gets `pong`; anything else is ignored.

No authentication, no rate limits, no persistence (`persist: true` only adds an in-memory `seq`, so
the frames have the same shape and size as Sanctum's persistent ones), no metrics, per-message
compression off. It is what "encode once, send to all" costs on this machine with this library,
the floor any gateway built on Python WebSockets can be compared with.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see below)
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py shadows the standard library's `http` package, which `websockets` imports, when
# this script's directory is first on sys.path: move it last.
_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import asyncio
import contextlib
import signal
from collections import defaultdict
from typing import Any

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

PATH = "/api/ws"
BY = "00000000-0000-4000-8000-000000000000"  # a user id of the same length as Sanctum's

subscribers: dict[str, set[ServerConnection]] = defaultdict(set)
sequences: dict[str, int] = defaultdict(int)


def dumps(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode()


def announce(msg: dict[str, Any]) -> None:
    topic = msg.get("topic")
    data = msg.get("data")
    if not isinstance(topic, str) or not isinstance(data, dict):
        return
    envelope: dict[str, Any] = {"type": "announcement", "topic": topic}
    if msg.get("persist") is True:
        sequences[topic] += 1
        envelope["seq"] = sequences[topic]
    envelope["data"] = {"text": data.get("text"), "by": BY, "sent_at": data.get("sent_at")}
    # Encoded once; broadcast() frames these bytes for each open connection without awaiting.
    broadcast(subscribers[topic], orjson.dumps(envelope), text=True)


async def handler(ws: ServerConnection) -> None:
    if ws.request is None or ws.request.path.split("?", 1)[0] != PATH:
        await ws.close(4404, "not found")
        return
    topics: set[str] = set()
    try:
        await ws.send(dumps({"type": "hello", "connection_id": str(id(ws)), "user_id": BY}))
        async for raw in ws:
            try:
                msg = orjson.loads(raw)
            except orjson.JSONDecodeError:
                continue
            if not isinstance(msg, dict):
                continue
            kind = msg.get("type")
            if kind == "announce":
                announce(msg)
            elif kind == "subscribe" and isinstance(msg.get("topic"), str):
                topic = msg["topic"]
                subscribers[topic].add(ws)
                topics.add(topic)
                await ws.send(dumps({"type": "subscribed", "topic": topic, "seq": sequences[topic]}))
            elif kind == "ping":
                await ws.send(dumps({"type": "pong"}))
    except ConnectionClosed:
        pass
    finally:
        for topic in topics:
            subscribers[topic].discard(ws)


async def main(host: str, port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.cancel)
    async with serve(handler, host, port, compression=None, max_size=1_048_576, backlog=4096):
        print(f"baseline fanout server on ws://{host}:{port}{PATH}", flush=True)
        with contextlib.suppress(asyncio.CancelledError):
            await stop


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default="uvloop",
        help="event loop; uvloop, as uvicorn uses for Sanctum when it is installed (default)",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    if args.loop == "uvloop":
        import uvloop

        uvloop.run(main(args.host, args.port))
    else:
        asyncio.run(main(args.host, args.port))
