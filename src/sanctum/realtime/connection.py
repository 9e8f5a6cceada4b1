"""One WebSocket connection: a bounded send queue drained by a single writer task.

Nothing else writes to the socket. uvicorn's send never waits for the peer (it buffers in the
transport), so the queue alone cannot see a slow reader: enqueue also checks how many bytes sit
unsent in the transport. Over either bound, an ephemeral event is dropped and counted; a
persistent one closes the connection with 4408 so the client reconnects and resumes from its
last seq instead of silently missing data.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import deque
from typing import Any

from starlette.types import Send

from sanctum.observability.metrics import WS_DELIVERY, WS_DROPS, WS_QUEUE_UTILIZATION, WS_SENT
from sanctum.realtime.protocol import CloseCode

GATEWAY_HUB = "gateway"


class _Close:
    __slots__ = ("code", "reason")

    def __init__(self, code: int, reason: str) -> None:
        self.code = code
        self.reason = reason


def transport_of(send: Send) -> Any:
    """The asyncio transport behind uvicorn's ASGI send, if reachable (used only to read its buffer)."""
    protocol = getattr(send, "__self__", None)
    return getattr(protocol, "transport", None)


class Connection:
    __slots__ = (
        "_buffer_size",
        "_queue",
        "_send",
        "_transport",
        "_wakeup",
        "_writer",
        "close_code",
        "close_reason",
        "closing",
        "hubs",
        "id",
        "last_seen",
        "max_buffer_bytes",
        "max_queue",
        "ping_sent_at",
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
        self.user_id = user_id
        self._send = send
        self._transport = transport_of(send)
        size = getattr(self._transport, "get_write_buffer_size", None)
        self._buffer_size = size if callable(size) else None
        self._queue: deque[tuple[str, str, float] | _Close] = deque()
        self._wakeup = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
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

    def backlog(self) -> int:
        return len(self._queue)

    def enqueue(self, frame: str, *, persistent: bool, hub: str = GATEWAY_HUB, published_at: float = 0.0) -> bool:
        """Queue a frame; False if it was not accepted (and the drop is counted)."""
        if self.closing:
            WS_DROPS.labels(hub, "closed").inc()
            return False
        over = len(self._queue) >= self.max_queue or (
            self._buffer_size is not None and self._buffer_size() > self.max_buffer_bytes
        )
        if over:
            if persistent:
                WS_DROPS.labels(hub, "slow_consumer").inc()
                self.close(CloseCode.SLOW_OR_SILENT, "slow consumer: reconnect and resume")
            else:
                WS_DROPS.labels(hub, "queue_full").inc()
            return False
        self._queue.append((frame, hub, published_at))
        if not self._wakeup.is_set():
            self._wakeup.set()
        return True

    def close(self, code: int, reason: str) -> None:
        """Ask the writer to close the socket after discarding what is still queued."""
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
                    if published_at > latest:
                        latest = published_at
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
                await asyncio.wait_for(asyncio.shield(self._writer), seconds)
