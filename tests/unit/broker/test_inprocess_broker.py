"""The in-process broker of embedded mode: direct delivery, to subscribed topics only."""

from __future__ import annotations

from dataclasses import replace

from sanctum.broker import InProcessBroker
from sanctum.core.events import Event, make_event


def unstamped(events: list[Event]) -> list[Event]:
    return [replace(e, published_at=0.0) for e in events]


async def started(received: list[Event]) -> InProcessBroker:
    async def on_reconnect() -> None:
        raise AssertionError("an in-process broker never reconnects")

    broker = InProcessBroker()
    await broker.start(received.append, on_reconnect)
    return broker


async def test_publish_reaches_the_handler_only_for_subscribed_topics_stamped_when_published() -> None:
    received: list[Event] = []
    broker = await started(received)
    await broker.subscribe("room:1")
    wanted, unwanted = make_event("room:1", "note", {"n": 1}, seq=1), make_event("room:2", "note", {"n": 1})

    assert await broker.publish(wanted) is True
    assert await broker.publish(unwanted) is True

    assert unstamped(received) == unstamped([wanted])
    assert received[0].published_at >= wanted.published_at


async def test_unsubscribe_stops_delivery_and_subscribing_twice_is_one_subscription() -> None:
    received: list[Event] = []
    broker = await started(received)
    await broker.subscribe("room:1")
    await broker.subscribe("room:1")
    first, second = make_event("room:1", "note", 1), make_event("room:1", "note", 2)

    await broker.publish(first)
    await broker.unsubscribe("room:1")
    await broker.publish(second)
    await broker.unsubscribe("room:1")

    assert unstamped(received) == unstamped([first])


async def test_nothing_is_delivered_after_stop() -> None:
    received: list[Event] = []
    broker = await started(received)
    await broker.subscribe("room:1")

    await broker.stop()

    assert await broker.publish(make_event("room:1", "note", 1)) is True
    assert received == []
