"""The Redis stream broker the workers read from: taskiq-redis's, with redelivery that always runs.

taskiq-redis's `RedisStreamBroker.listen` claims idle entries (XAUTOCLAIM) only right after a read
that returned new entries, so on a quiet stream a dead worker's jobs would wait for the next new job.
Here every poll (a read that blocks at most `xread_block` ms) is followed by a claim. XAUTOCLAIM is
atomic: two workers claiming at once get disjoint entries, and a claimed entry is no longer idle.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable
from typing import Any

from redis.asyncio import Redis
from taskiq import AckableMessage
from taskiq_redis import RedisStreamBroker


async def _uncancelled(command: Awaitable[Any]) -> Any:
    """Await a Redis command that a cancellation must not interrupt half-way.

    taskiq's receiver stops by cancelling the read in flight; redis-py can leave a connection
    cancelled in the middle of a blocking XREADGROUP waiting forever (redis/redis-py#2579), which
    hung worker shutdown. The command runs in its own task and finishes (a read blocks at most
    `xread_block` ms) while the cancellation reaches the caller at once.
    """
    task = asyncio.ensure_future(command)
    task.add_done_callback(lambda t: t.cancelled() or t.exception())  # nobody may be left to read it
    return await asyncio.shield(task)


class ReclaimingStreamBroker(RedisStreamBroker):
    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        async with Redis(connection_pool=self.connection_pool) as redis:
            while True:
                fetched: Any = await _uncancelled(
                    redis.xreadgroup(
                        self.consumer_group_name,
                        self.consumer_name,
                        {self.queue_name: ">"},
                        block=self.block,
                        count=self.count,
                    )
                )
                for stream, entries in fetched or []:
                    for entry_id, fields in entries:
                        yield self._message(stream, entry_id, fields)
                claimed: Any = await _uncancelled(
                    redis.xautoclaim(
                        self.queue_name,
                        self.consumer_group_name,
                        self.consumer_name,
                        min_idle_time=self.idle_timeout,
                        count=self.unacknowledged_batch_size,
                    )
                )
                for entry_id, fields in claimed[1]:
                    if fields:  # None: trimmed from the stream while pending
                        yield self._message(self.queue_name, entry_id, fields)

    def _message(self, stream: Any, entry_id: Any, fields: Any) -> AckableMessage:
        return AckableMessage(data=fields[b"data"], ack=self._ack_generator(id=entry_id, queue_name=stream))
