"""A small HTTP server on 127.0.0.1 that link-preview tests fetch: a good page with Open Graph, oEmbed
and an image, and a corpus of hostile answers (redirects to private addresses, endless redirects, huge
and slow bodies, non-HTML). It speaks raw HTTP/1.1 over asyncio streams, so a test controls every byte
(a lying Content-Length, a body that trickles), and counts the requests per path and their Host headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections import Counter
from collections.abc import AsyncIterator

from PIL import Image


def png(width: int = 32, height: int = 16, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


class WebTargets:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.hosts: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[object]] = set()
        self._closing = False
        self._held: dict[str, asyncio.Event] = {}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def hold(self, path: str) -> asyncio.Event:
        """Answer `path` only once the returned event is set (a test subscribes before the fetch lands)."""
        return self._held.setdefault(path, asyncio.Event())

    def page(self, title: str = "The Sanctum Gazette") -> bytes:
        return (
            "<!doctype html><html><head><meta charset=utf-8>"
            f"<title>fallback title</title><meta property='og:title' content='{title}'>"
            "<meta property='og:description' content='All the news\u0007 that fits.'>"
            "<meta property='og:site_name' content='Gazette'>"
            "<meta property='og:image' content='/image.png'>"
            f"<link rel='alternate' type='application/json+oembed' href='{self.base}/oembed.json'>"
            "</head><body><script>alert(1)</script><p>body</p></body></html>"
        ).encode()

    async def _answer(self, path: str, writer: asyncio.StreamWriter) -> None:
        async def send(status: str, headers: dict[str, str], body: bytes = b"") -> None:
            head = "".join(f"{k}: {v}\r\n" for k, v in {"Connection": "close", **headers}.items())
            writer.write(f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body)
            await writer.drain()

        def html(body: bytes) -> dict[str, str]:
            return {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}

        if (gate := self._held.get(path)) is not None:
            await gate.wait()
        if path.startswith("/page"):
            body = self.page(path.removeprefix("/page").strip("/") or "The Sanctum Gazette")
            await send("200 OK", html(body), body)
        elif path == "/plain-page":
            body = b"<html><head><title>Just a title</title></head></html>"
            await send("200 OK", html(body), body)
        elif path == "/image.png":
            body = png()
            await send("200 OK", {"Content-Type": "image/png", "Content-Length": str(len(body))}, body)
        elif path == "/oembed.json":
            body = b'{"type": "rich", "title": "oEmbed title", "provider_name": "Gazette oEmbed"}'
            await send("200 OK", {"Content-Type": "application/json", "Content-Length": str(len(body))}, body)
        elif path.startswith("/redirect?to="):
            await send("302 Found", {"Location": path.removeprefix("/redirect?to="), "Content-Length": "0"})
        elif path.startswith("/chain/"):
            left = int(path.removeprefix("/chain/"))
            location = f"/chain/{left - 1}" if left > 0 else "/page"
            await send("302 Found", {"Location": location, "Content-Length": "0"})
        elif path == "/huge":  # no Content-Length: only counting the bytes read stops it
            await send("200 OK", {"Content-Type": "text/html"})
            chunk = b"<p>" + b"x" * 65_532 + b"</p>"
            for _ in range(64):
                writer.write(chunk)
                await writer.drain()
        elif path == "/huge-declared":
            await send("200 OK", {"Content-Type": "text/html", "Content-Length": str(50 * 1024 * 1024)})
        elif path == "/slow":
            await send("200 OK", {"Content-Type": "text/html"})
            for _ in range(100):
                if self._closing:
                    break
                writer.write(b"<p>.</p>")
                await writer.drain()
                await asyncio.sleep(0.2)
        elif path == "/binary":
            body = b"\x7fELF" + bytes(100)
            await send("200 OK", {"Content-Type": "application/octet-stream", "Content-Length": str(len(body))}, body)
        elif path == "/svg":
            body = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
            await send("200 OK", {"Content-Type": "image/svg+xml", "Content-Length": str(len(body))}, body)
        else:
            await send("404 Not Found", {"Content-Length": "0"})

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            lines = request.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            self.hits[path] += 1
            self.hosts.extend(line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("host:"))
            await self._answer(path, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, IndexError):
            pass
        finally:
            writer.close()
            if task is not None:
                self._handlers.discard(task)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._closing = True
            await asyncio.gather(*self._handlers, return_exceptions=True)


@contextlib.asynccontextmanager
async def web_targets() -> AsyncIterator[WebTargets]:
    targets = WebTargets()
    await targets.start()
    try:
        yield targets
    finally:
        await targets.stop()
