"""A TCP proxy a test controls, to black-hole a server: after `black_hole()` it keeps accepting
connections and reading what clients send, and answers nothing (packets dropped, not refused, as in a
network partition); `heal()` closes the held connections and forwards again."""

from __future__ import annotations

import asyncio
import contextlib


class BlackHoleProxy:
    def __init__(self, host: str, port: int) -> None:
        self._upstream = (host, port)
        self._server: asyncio.Server | None = None
        self._holed = False
        self._held: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def black_hole(self) -> None:
        self._holed = True

    def heal(self) -> None:
        self._holed = False
        for writer in list(self._held):
            writer.close()
        self._held.clear()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self.heal()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._held.add(writer)
        try:
            if self._holed:
                while await reader.read(65536):
                    pass
                return
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
            pumps = [
                asyncio.create_task(self._pump(reader, up_writer)),
                asyncio.create_task(self._pump(up_reader, writer)),
            ]
            self._tasks.update(pumps)
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            for pump in pumps:
                pump.cancel()
                self._tasks.discard(pump)
            up_writer.close()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            self._held.discard(writer)
            writer.close()

    async def _pump(self, source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await source.read(65536):
                if self._holed:
                    continue  # dropped: the other side waits for an answer that never comes
                target.write(data)
                await target.drain()
