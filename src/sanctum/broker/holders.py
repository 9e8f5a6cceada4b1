"""Which instances hold a topic: the record local-first fanout decides by (broker/redis.py).

Each instance records the topics its sockets hold in Redis, one sorted set per topic
(`{prefix}holders:{topic}`: member the instance id, score the time its entry expires), and refreshes
its entries every third of `ttl` (a heartbeat, one pipeline for all of them). An instance that is lost
stops refreshing, so its entries expire: nobody has to clean up after it, and whoever reads the set
next drops them. Taking and giving up a topic is also announced on the channel
`{prefix}_holders:{topic}`.

A publishing instance learns a topic's remote holders the first time it publishes there: it
subscribes to the topic's announcements, then reads the set (in that order, so no join falls in
between), and from then on knows, without a round trip per event, whether any other instance holds
the topic. Until it knows, and whenever an entry it knows of has passed its expiry (it reads the set
again), it publishes to be safe. It stops watching a topic it has not published to for a while.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import REDIS_ERRORS

log = get_logger("sanctum.broker")

NOTICE = "_holders:"
WATCH_IDLE_SECONDS = 60.0

Listen = Callable[[str], Awaitable[None]]


class _Remote:
    __slots__ = ("first", "holders", "pending", "reading", "soonest", "used_at")

    def __init__(self) -> None:
        self.holders: dict[str, float] = {}  # other instance -> when its entry expires (unix time)
        self.soonest = 0.0  # the earliest of those expiries: past it, read the set again
        self.reading = True
        self.pending: list[str] = []  # announcements that arrived during a read, applied after it
        self.used_at = time.monotonic()
        self.first: asyncio.Future[None] | None = None  # the first read, while in flight

    def known(self, holders: dict[str, float], instance: str) -> None:
        self.holders = holders
        self.reading = False
        pending, self.pending = self.pending, []
        for notice in pending:
            self.apply(notice, instance)
        self.soonest = min(self.holders.values(), default=float("inf"))

    def apply(self, notice: str, instance: str) -> None:
        who, _, until = notice[1:].partition("|")
        if who == instance:
            return
        if notice.startswith("+"):
            self.holders[who] = float(until or 0)
        else:
            self.holders.pop(who, None)
        self.soonest = min(self.holders.values(), default=float("inf"))


class TopicHolders:
    def __init__(self, redis: Redis, prefix: str, instance: str, ttl: float, listen: Listen, unlisten: Listen) -> None:
        self._redis = redis
        self._prefix = prefix
        self.instance = instance
        self.ttl = ttl
        self._listen, self._unlisten = listen, unlisten
        self.held: set[str] = set()
        self._watched: dict[str, _Remote] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._writing = asyncio.Lock()

    def key(self, topic: str) -> str:
        return f"{self._prefix}holders:{topic}"

    def notice_channel(self, topic: str) -> str:
        return f"{NOTICE}{topic}"

    # -- this instance's record ----------------------------------------------------------------

    async def hold(self, topic: str) -> None:
        self.held.add(topic)
        await self._write(topic)

    async def release(self, topic: str) -> None:
        self.held.discard(topic)
        await self._write(topic)

    async def _write(self, topic: str) -> None:
        """Write whether this instance holds `topic` as it is when the write goes out: writes are one at
        a time, so a release and a hold back to back cannot land in the other order."""
        async with self._writing:
            key, channel = self.key(topic), self._prefix + self.notice_channel(topic)
            try:
                pipe = self._redis.pipeline(transaction=False)
                if topic in self.held:
                    until = time.time() + self.ttl
                    pipe.zadd(key, {self.instance: until})
                    pipe.expire(key, int(self.ttl * 3) + 1)
                    pipe.publish(channel, f"+{self.instance}|{until:.3f}")
                else:
                    pipe.zrem(key, self.instance)
                    pipe.publish(channel, f"-{self.instance}")
                await pipe.execute()
            except Exception as exc:  # a hold is written again by the next heartbeat; an entry expires
                REDIS_ERRORS.labels("holders").inc()
                log.warning("broker_holders_write_failed", topic=topic, error=str(exc))

    async def heartbeat(self) -> None:
        """Refresh this instance's entries; forget watched topics nobody published to lately."""
        async with self._writing:  # not across a release in flight
            held = list(self.held)
            if held:
                until = time.time() + self.ttl
                try:
                    pipe = self._redis.pipeline(transaction=False)
                    for topic in held:
                        pipe.zadd(self.key(topic), {self.instance: until})
                        pipe.expire(self.key(topic), int(self.ttl * 3) + 1)
                    await pipe.execute()
                except Exception as exc:
                    REDIS_ERRORS.labels("holders").inc()
                    log.warning("broker_heartbeat_failed", topics=len(held), error=str(exc))
        idle = time.monotonic() - WATCH_IDLE_SECONDS
        for topic in [t for t, r in self._watched.items() if r.used_at < idle]:
            del self._watched[topic]
            await self._unlisten(self.notice_channel(topic))

    def forget_remote(self) -> None:
        """After a reconnect: announcements may have been missed, so nothing is known any more."""
        self._watched.clear()

    # -- what this instance knows of the others -------------------------------------------------

    def others_hold(self, topic: str) -> bool | None:
        """Whether to publish `topic`'s ephemeral event to Redis: another instance holds it (or one whose
        entry is due to expire may); None while the topic's first read is in flight (`wait`)."""
        remote = self._watched.get(topic)
        if remote is None:
            remote = self._watched[topic] = _Remote()
            remote.first = asyncio.ensure_future(self._watch(topic))
            return None
        remote.used_at = time.monotonic()
        if remote.reading:
            return None if remote.first is not None else True
        if time.time() >= remote.soonest:
            remote.reading = True  # an entry is due to expire: it may have been refreshed meanwhile
            self._spawn(self._read(topic, remote))
            return True
        return bool(remote.holders)

    async def wait(self, topic: str) -> bool:
        """`others_hold` once the topic's first read is done (True if it failed: publish to be safe)."""
        remote = self._watched.get(topic)
        if remote is not None and remote.first is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(remote.first)
        return self.others_hold(topic) is not False

    async def _watch(self, topic: str) -> None:
        try:
            await self._listen(self.notice_channel(topic))
            remote = self._watched.get(topic)
            if remote is not None:
                await self._read(topic, remote)
        finally:
            remote = self._watched.get(topic)
            if remote is not None:
                remote.first = None

    async def _read(self, topic: str, remote: _Remote) -> None:
        now = time.time()
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.zremrangebyscore(self.key(topic), "-inf", now)  # the entries of lost instances
            pipe.zrange(self.key(topic), 0, -1, withscores=True)
            _, entries = await pipe.execute()
        except Exception as exc:
            REDIS_ERRORS.labels("holders").inc()
            log.warning("broker_holders_read_failed", topic=topic, error=str(exc))
            self._watched.pop(topic, None)  # unknown again: publish, and try again next time
            return
        holders = {}
        for member, score in entries:
            name = member.decode() if isinstance(member, bytes) else str(member)
            if name != self.instance:
                holders[name] = float(score)
        remote.known(holders, self.instance)

    def on_notice(self, topic: str, payload: bytes | str) -> None:
        remote = self._watched.get(topic)
        if remote is None:
            return
        text = payload.decode() if isinstance(payload, bytes) else payload
        if remote.reading:
            remote.pending.append(text)  # it may have happened after the read: apply it after
        else:
            remote.apply(text, self.instance)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
