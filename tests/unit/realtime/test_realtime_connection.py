"""A connection's send path: bounded, one writer, and every frame that is not delivered is counted."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from prometheus_client import REGISTRY
from starlette.types import Message
from websockets.frames import Frame
from websockets.protocol import State
from websockets.streams import StreamReader

from sanctum.realtime.connection import Connection, wire_frame
from sanctum.realtime.protocol import CloseCode

HUB = "unit-test-hub"


def drops(reason: str) -> float:
    return REGISTRY.get_sample_value("ws_backpressure_drops_total", {"hub": HUB, "reason": reason}) or 0.0


def sent() -> float:
    return REGISTRY.get_sample_value("ws_messages_sent_total", {"hub": HUB}) or 0.0


class RecordingSend:
    """An ASGI send of some server other than uvicorn's sans-I/O one: the connection queues frames."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.changed = asyncio.Event()

    async def __call__(self, message: Message) -> None:
        await self.gate.wait()
        self.messages.append(message)
        self.changed.set()

    async def wait_for(self, count: int) -> None:
        while len(self.messages) < count:
            self.changed.clear()
            async with asyncio.timeout(1.0):
                await self.changed.wait()


class FakeTransport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.buffered = 0
        self.aborted = False

    def get_write_buffer_size(self) -> int:
        return self.buffered

    def write(self, data: bytes) -> None:
        if self.aborted:  # as uvloop's transport does
            raise RuntimeError("unable to perform operation on <TCPTransport closed=True>; the handler is closed")
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.aborted

    def abort(self) -> None:
        self.aborted = True


class FakeServerConnection:
    state = State.OPEN


class WebSocketsSansIOProtocol:
    """Stands in for uvicorn's protocol of that name: the connection writes to its transport directly."""

    def __init__(self) -> None:
        self.transport = FakeTransport()
        self.conn = FakeServerConnection()
        self.messages: list[Message] = []

    async def send(self, message: Message) -> None:
        self.messages.append(message)


def queued_connection(send: RecordingSend, max_queue: int = 8) -> Connection:
    return Connection(send, uuid.uuid4(), max_queue=max_queue, max_buffer_bytes=1 << 20, connection_id="q1")


def direct_connection(protocol: WebSocketsSansIOProtocol, max_buffer_bytes: int = 1000) -> Connection:
    return Connection(protocol.send, uuid.uuid4(), max_queue=8, max_buffer_bytes=max_buffer_bytes, connection_id="d1")


def decode(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        frame: Frame = done.value
        return frame
    raise AssertionError("incomplete frame")


# -- queued (any ASGI server) ----------------------------------------------------------------------


async def test_queue_accepts_up_to_its_bound_then_drops_ephemeral_frames_as_queue_full() -> None:
    conn = queued_connection(RecordingSend())
    queue_full = drops("queue_full")

    accepted = [conn.enqueue(f"f{n}", persistent=False, hub=HUB) for n in range(9)]

    assert accepted == [True] * 8 + [False]
    assert conn.backlog() == 8
    assert drops("queue_full") == queue_full + 1
    assert not conn.closing


async def test_persistent_frame_over_the_bound_closes_with_4408_and_counts_what_was_lost() -> None:
    send = RecordingSend()
    conn = queued_connection(send)
    for n in range(8):
        assert conn.enqueue(f"f{n}", persistent=True, hub=HUB)
    slow, closed = drops("slow_consumer"), drops("closed")

    assert conn.enqueue("one too many", persistent=True, hub=HUB) is False

    assert conn.closing
    assert (conn.close_code, conn.close_reason) == (CloseCode.SLOW_OR_SILENT, "slow consumer: reconnect and resume")
    assert drops("slow_consumer") == slow + 1
    assert drops("closed") == closed + 8  # the queued frames die with the connection, counted
    assert conn.enqueue("after", persistent=False, hub=HUB) is False
    assert drops("closed") == closed + 9
    conn.start()
    await conn.wait_writer(1.0)
    # Nothing queued before the close is sent after it: the close frame is all that goes out.
    assert send.messages == [
        {"type": "websocket.close", "code": CloseCode.SLOW_OR_SILENT, "reason": "slow consumer: reconnect and resume"}
    ]


async def test_one_writer_sends_queued_frames_in_order_and_counts_them() -> None:
    send = RecordingSend()
    conn = queued_connection(send)
    conn.start()
    before = sent()

    for n in range(5):
        conn.enqueue(f"f{n}", persistent=n % 2 == 0, hub=HUB)
    await send.wait_for(5)
    conn.close(CloseCode.NORMAL, "bye")
    await conn.wait_writer(1.0)

    assert send.messages == [
        *({"type": "websocket.send", "text": f"f{n}"} for n in range(5)),
        {"type": "websocket.close", "code": 1000, "reason": "bye"},
    ]
    assert sent() == before + 5


async def test_writer_blocked_on_a_slow_peer_leaves_the_queue_bounded() -> None:
    send = RecordingSend()
    send.gate.clear()  # the peer does not read: every send blocks
    conn = queued_connection(send)
    conn.start()

    results: list[bool] = []
    for n in range(20):
        results.append(conn.enqueue(f"f{n}", persistent=False, hub=HUB))
        await asyncio.sleep(0)

    # One frame is stuck in the writer's send; the queue holds max_queue more; the rest are dropped.
    assert results == [True] * (conn.max_queue + 1) + [False] * (20 - conn.max_queue - 1)
    assert conn.backlog() == conn.max_queue
    await conn.stop()


async def test_stop_cancels_the_writer_and_refuses_further_frames() -> None:
    conn = queued_connection(RecordingSend())
    conn.start()

    await conn.stop()

    assert conn.closing
    assert conn.enqueue("late", persistent=False, hub=HUB) is False


# -- direct (uvicorn's sans-I/O server) ------------------------------------------------------------


def test_wire_frame_is_an_unmasked_text_frame_with_the_payload() -> None:
    for payload in ("{}", "x" * 200, "y" * 70_000, '{"text": "héllo"}'):
        frame = decode(wire_frame(payload))
        assert frame.opcode.name == "TEXT" and frame.fin
        assert bytes(frame.data).decode() == payload


async def test_direct_path_writes_whole_frames_to_the_transport() -> None:
    protocol = WebSocketsSansIOProtocol()
    conn = direct_connection(protocol)
    before = sent()

    assert conn.direct
    assert conn.enqueue('{"a": 1}', persistent=True, hub=HUB)
    assert conn.enqueue('{"b": 2}', persistent=False, hub=HUB, wire=wire_frame('{"b": 2}'), count=False)

    assert [decode(data).data for data in protocol.transport.written] == [b'{"a": 1}', b'{"b": 2}']
    assert sent() == before + 1  # a fanout (count=False) counts its sends itself


async def test_direct_path_bounds_unsent_bytes_dropping_ephemeral_and_closing_on_persistent() -> None:
    protocol = WebSocketsSansIOProtocol()
    conn = direct_connection(protocol, max_buffer_bytes=1000)
    protocol.transport.buffered = 1001
    queue_full, slow = drops("queue_full"), drops("slow_consumer")

    assert conn.enqueue("typing", persistent=False, hub=HUB) is False
    assert not conn.closing
    assert drops("queue_full") == queue_full + 1
    assert conn.enqueue("message", persistent=True, hub=HUB) is False

    assert drops("slow_consumer") == slow + 1
    assert conn.closing and conn.close_code == CloseCode.SLOW_OR_SILENT
    assert protocol.transport.written == []
    conn.start()
    await conn.wait_writer(1.0)
    assert protocol.messages == [
        {"type": "websocket.close", "code": CloseCode.SLOW_OR_SILENT, "reason": "slow consumer: reconnect and resume"}
    ]


async def test_direct_path_stops_writing_once_the_socket_is_no_longer_open() -> None:
    protocol = WebSocketsSansIOProtocol()
    conn = direct_connection(protocol)
    protocol.conn.state = State.CLOSING
    closed = drops("closed")

    assert conn.enqueue("late", persistent=True, hub=HUB) is False

    assert conn.closing
    assert protocol.transport.written == []
    assert drops("closed") == closed + 1


async def test_direct_path_drops_frames_for_a_peer_whose_tcp_connection_is_gone_before_the_protocol_knows() -> None:
    # Found by the games benchmark: a client that closed its socket mid-fanout made the write raise
    # (uvloop refuses writes to a closed transport) and the error escaped into the broker reader.
    protocol = WebSocketsSansIOProtocol()
    conn = direct_connection(protocol)
    protocol.transport.aborted = True
    closed = drops("closed")

    assert conn.enqueue("frame", persistent=False, hub=HUB) is False

    assert conn.closing
    assert drops("closed") == closed + 1


@pytest.mark.parametrize("persistent", [True, False])
async def test_direct_path_at_exactly_the_bound_still_sends(persistent: bool) -> None:
    protocol = WebSocketsSansIOProtocol()
    conn = direct_connection(protocol, max_buffer_bytes=1000)
    protocol.transport.buffered = 1000

    assert conn.enqueue("edge", persistent=persistent, hub=HUB)
    assert len(protocol.transport.written) == 1
