"""One WebSocket connection and its single writer.

Fast path (uvicorn's sans-I/O websockets protocol, the one `sanctum serve` runs): server frames
are unmasked, so an event's wire bytes are the same for every recipient. The gateway builds them
once per fanout (`wire_frame`) and the connection hands them to the socket's transport without
awaiting. The send queue is the transport's buffer, bounded in bytes (`max_buffer_bytes`): over
it, an ephemeral frame is dropped and counted, and a persistent one closes the connection with
4408, so the client reconnects and resumes from its last seq instead of silently missing data.
(uvicorn's own send never waits for the peer either; it would buffer without bound.)

Fallback (any other ASGI server): a bounded queue of frames drained by one writer task.

Either way nothing but this object writes to the socket, and all writes happen on the event loop
without awaiting in between, so frames never interleave.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import deque
from typing import Any

from starlette.types import Send
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from sanctum.observability.metrics import WS_DELIVERY, WS_DROPS, WS_QUEUE_UTILIZATION, WS_SEND_ATTEMPTS, WS_SENT
from sanctum.realtime.protocol import CloseCode

GATEWAY_HUB = "gateway"
_SAMPLE_EVERY = 64


def wire_frame(frame: str) -> bytes:
    """The bytes of an unmasked, unfragmented text frame carrying `frame`."""
    return Frame(Opcode.TEXT, frame.encode()).serialize(mask=False)


class _Close:
    __slots__ = ("code", "reason")

    def __init__(self, code: int, reason: str) -> None:
        self.code = code
        self.reason = reason


def _raw_endpoint(send: Send) -> tuple[Any, Any] | None:
    """(transport, websockets protocol) behind uvicorn's sans-I/O implementation, if that is the server."""
    protocol = getattr(send, "__self__", None)
    if type(protocol).__name__ != "WebSocketsSansIOProtocol":
        return None
    transport, ws = getattr(protocol, "transport", None), getattr(protocol, "conn", None)
    if transport is None or not hasattr(transport, "get_write_buffer_size") or not hasattr(ws, "state"):
        return None
    return transport, ws


class Connection:
    __slots__ = (
        "_queue",
        "_raw",
        "_sampled",
        "_send",
        "_transport",
        "_wakeup",
        "_writer",
        "_ws",
        "close_code",
        "close_reason",
        "closing",
        "hubs",
        "id",
        "last_seen",
        "max_buffer_bytes",
        "max_queue",
        "ping_sent_at",
        "session_id",
        "strikes",
        "strikes_at",
        "tokens",
        "tokens_at",
        "topics",
        "user_id",
    )

    def __init__(
        self, send: Send, user_id: uuid.UUID, *, max_queue: int, max_buffer_bytes: int, connection_id: str
    ) -> None:
        self.id = connection_id
        self.session_id: uuid.UUID | None = None
        self.user_id = user_id
        self._send = send
        raw = _raw_endpoint(send)
        self._raw = raw is not None
        self._transport: Any = raw[0] if raw is not None else None
        self._ws: Any = raw[1] if raw is not None else None
        self._queue: deque[tuple[str, str, float] | _Close] = deque()
        self._wakeup = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._sampled = 0
        self.max_queue = max_queue
        self.max_buffer_bytes = max_buffer_bytes
        self.closing = False
        self.close_code: int | None = None
        self.close_reason = ""
        self.topics: dict[str, str] = {}  # topic -> hub name
        self.hubs: dict[str, int] = {}  # hub name -> subscribed topics of that hub
        now = time.monotonic()
        self.last_seen = now
        self.ping_sent_at: float | None = None
        self.tokens = 0.0
        self.tokens_at = now
        self.strikes = 0.0
        self.strikes_at = now

    def start(self) -> None:
        self._writer = asyncio.create_task(self._run_writer(), name=f"ws-writer-{self.id}")

    @property
    def direct(self) -> bool:
        return self._raw

    def backlog(self) -> int:
        """Frames (fallback) or bytes (fast path) waiting to reach the peer."""
        if self._raw:
            return int(self._transport.get_write_buffer_size())
        return len(self._queue)

    def enqueue(
        self,
        frame: str,
        *,
        persistent: bool,
        hub: str = GATEWAY_HUB,
        published_at: float = 0.0,
        wire: bytes | None = None,
        count: bool = True,
    ) -> bool:
        """Send or queue one frame; False if it was not accepted (and the drop is counted).

        A fanout passes `count=False` and counts its attempts and direct sends once, not once per recipient.
        """
        if count:
            WS_SEND_ATTEMPTS.labels(hub).inc()
        if self.closing:
            WS_DROPS.labels(hub, "closed").inc()
            return False
        if self._raw:
            if self._ws.state is not State.OPEN or self._transport.is_closing():
                # The peer may have dropped the TCP connection before the protocol noticed: writing
                # to a closed uvloop transport raises instead of being ignored.
                self.closing = True
                WS_DROPS.labels(hub, "closed").inc()
                return False
            buffered = self._transport.get_write_buffer_size()
            self._sampled += 1
            if self._sampled >= _SAMPLE_EVERY:
                self._sampled = 0
                WS_QUEUE_UTILIZATION.observe(min(1.0, buffered / self.max_buffer_bytes))
            if buffered > self.max_buffer_bytes:
                return self._over(persistent, hub)
            self._transport.write(wire if wire is not None else wire_frame(frame))
            if count:
                WS_SENT.labels(hub).inc()
            return True
        if len(self._queue) >= self.max_queue:
            return self._over(persistent, hub)
        self._queue.append((frame, hub, published_at))
        if not self._wakeup.is_set():
            self._wakeup.set()
        return True

    def enqueue_batch(self, items: list[tuple[str, bytes, str, bool, float]]) -> int:
        """Send several frames `(frame, wire, hub, persistent, published_at)` in one write; how many were
        written directly (the caller counts them). The fallback queues each for the writer task."""
        if not self._raw or self.closing or len(items) == 1:
            written = 0
            for frame, wire, hub, persistent, at in items:
                if self.enqueue(frame, persistent=persistent, hub=hub, published_at=at, wire=wire, count=False):
                    written += self._raw
            return written
        if self._ws.state is not State.OPEN or self._transport.is_closing():
            self.closing = True
            WS_DROPS.labels(items[0][2], "closed").inc(len(items))
            return 0
        if self._transport.get_write_buffer_size() > self.max_buffer_bytes:
            for _, _, hub, persistent, _ in items:
                self._over(persistent, hub)
            return 0
        self._transport.write(b"".join(item[1] for item in items))
        return len(items)

    def _over(self, persistent: bool, hub: str) -> bool:
        if persistent:
            WS_DROPS.labels(hub, "slow_consumer").inc()
            self.close(CloseCode.SLOW_OR_SILENT, "slow consumer: reconnect and resume")
        else:
            WS_DROPS.labels(hub, "queue_full").inc()
        return False

    def close(self, code: int, reason: str) -> None:
        """Close the socket after discarding what is still queued (the writer sends the close frame)."""
        if self.closing:
            return
        self.closing = True
        self.close_code, self.close_reason = code, reason
        dropped: dict[str, int] = {}
        for item in self._queue:
            if not isinstance(item, _Close):
                dropped[item[1]] = dropped.get(item[1], 0) + 1
        for hub, count in dropped.items():
            WS_DROPS.labels(hub, "closed").inc(count)
        self._queue.clear()
        self._queue.append(_Close(code, reason))
        self._wakeup.set()
        if code == CloseCode.SLOW_OR_SILENT and self._transport is not None:
            # A peer that stopped reading will never read our close frame either.
            asyncio.get_running_loop().call_later(5.0, self._abort_if_open)

    def _abort_if_open(self) -> None:
        transport = self._transport
        if transport is not None and not transport.is_closing():
            transport.abort()

    async def _run_writer(self) -> None:
        queue, send = self._queue, self._send
        sent: dict[str, int] = {}
        try:
            while True:
                if not queue:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                WS_QUEUE_UTILIZATION.observe(min(1.0, len(queue) / self.max_queue))
                latest = 0.0
                while queue:
                    item = queue.popleft()
                    if isinstance(item, _Close):
                        await send({"type": "websocket.close", "code": item.code, "reason": item.reason})
                        return
                    frame, hub, published_at = item
                    await send({"type": "websocket.send", "text": frame})
                    sent[hub] = sent.get(hub, 0) + 1
                    latest = max(latest, published_at)
                if latest:
                    WS_DELIVERY.observe(max(0.0, time.time() - latest))
                for hub, count in sent.items():
                    WS_SENT.labels(hub).inc(count)
                sent.clear()
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer went away mid-send; the reader sees the disconnect
            self.closing = True

    async def stop(self) -> None:
        self.closing = True
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer

    async def wait_writer(self, seconds: float) -> None:
        """Give the writer a moment to flush a pending close frame."""
        if self._writer is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError, Exception):
                async with asyncio.timeout(seconds):
                    await asyncio.shield(self._writer)
