"""The guarded outbound HTTP client: the one way Sanctum fetches a URL a user gave it.

Rules (SSRF-safe by construction, docs/previews.md):
- http and https only; no userinfo (`user@host`); the host is a DNS name, a canonical dotted IPv4
  address or a bracketed IPv6 address (no zone), never another numeric spelling (`2130706433`,
  `0177.0.0.1`, `0x7f.1`), which resolvers read differently;
- the name is resolved once; every address it resolves to must be allowed by the `AddressPolicy`
  (public unicast only, by default) or the fetch is refused; the request then connects to the first
  checked address (pinned), sending the name as Host and as TLS SNI, so the certificate is checked
  against the name;
- redirects are followed by hand, at most `max_redirects`, each one checked as above;
- the whole fetch (all redirects) is bounded in time, the body in bytes (read as a stream and cut
  off, whatever Content-Length says), and only the content types the caller accepts are read;
- no proxy from the environment, no connection reuse (a pooled connection must not carry another
  name's request), no cookies.

`GuardedClient.fetch` is the single entry point. With `circuits` (resilience/hosts.py's), a host that
timed out or cut the connection several times in a row is refused at once (`circuit_open`) for a while
instead of holding a job for the whole timeout again.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address, ip_address
from typing import Protocol
from urllib.parse import urljoin

import httpx

from sanctum.net.addresses import Address, AddressPolicy
from sanctum.net.settings import PreviewSettings

USER_AGENT = "SanctumBot/1.0 (link previews)"
# A host made only of digits, hex and dots whose last label is a number: an IP address in some spelling.
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$"
)


class FetchRefused(Exception):
    """The fetch was not made, or was given up; `reason` is a short stable word for logs and metrics."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class Circuits(Protocol):
    """Breakers per host (resilience/hosts.py `HostCircuits`)."""

    def allow(self, host: str) -> bool: ...

    def success(self, host: str) -> None: ...

    def failure(self, host: str) -> None: ...


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[Address]:
        """Every address `host` resolves to (tests inject one that answers what they like)."""
        ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo on the event loop's executor)."""

    async def resolve(self, host: str, port: int) -> list[Address]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchRefused("dns", str(exc)) from exc
        found: list[Address] = []
        for *_, sockaddr in infos:
            address = ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in found:
                found.append(address)
        return found


@dataclass(frozen=True)
class FetchLimits:
    max_redirects: int = 3
    total_seconds: float = 8.0  # the whole fetch, redirects included
    connect_seconds: float = 3.0
    read_seconds: float = 4.0  # between two chunks


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect and what to call the host."""

    url: httpx.URL
    host: str  # ASCII (IDNA) name, or the IP address's text
    port: int
    literal: Address | None  # the host was an IP address


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str  # the media type alone, lower case
    charset: str | None
    body: bytes


def parse_target(url: str, policy: AddressPolicy) -> Target:
    """Check the URL's form (scheme, userinfo, host spelling, port); raise `FetchRefused` if it fails."""
    if len(url) > 2048 or any(c.isspace() or ord(c) < 0x20 for c in url):
        raise FetchRefused("url", "too long or has whitespace")
    try:
        parsed = httpx.URL(url)
        raw_host = parsed.raw_host.decode("ascii").lower()
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise FetchRefused("url", str(exc)) from exc
    if parsed.scheme not in ("http", "https"):
        raise FetchRefused("scheme", parsed.scheme)
    if parsed.userinfo or "@" in url.split("//", 1)[-1].split("/", 1)[0]:
        raise FetchRefused("userinfo")
    if not raw_host:
        raise FetchRefused("host", "empty")
    if not policy.permits_port(port):
        raise FetchRefused("port", str(port))
    literal: Address | None = None
    if ":" in raw_host:  # httpx gives a bracketed IPv6 literal without its brackets
        if "%" in raw_host:
            raise FetchRefused("host", "IPv6 zone")
        try:
            literal = ip_address(raw_host)
        except ValueError as exc:
            raise FetchRefused("host", raw_host) from exc
    else:
        host = raw_host.rstrip(".")
        if _NUMERIC_HOST.match(host) and _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
            try:
                literal = IPv4Address(host)  # only the canonical dotted-decimal form parses
            except ValueError as exc:
                raise FetchRefused("host", f"ambiguous numeric host {host!r}") from exc
        elif not _HOSTNAME.match(host):
            raise FetchRefused("host", host)
    return Target(parsed, raw_host.rstrip(".") if literal is None else str(literal), port, literal)


class GuardedClient:
    def __init__(
        self,
        policy: AddressPolicy | None = None,
        resolver: Resolver | None = None,
        limits: FetchLimits | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        circuits: Circuits | None = None,
    ) -> None:
        self.policy = policy or AddressPolicy()
        self._resolver = resolver or SystemResolver()
        self._limits = limits or FetchLimits()
        self._transport = transport
        self._circuits = circuits

    async def addresses(self, target: Target) -> list[Address]:
        """The checked addresses of `target`: all of them allowed, or `FetchRefused`."""
        found = (
            [target.literal] if target.literal is not None else await self._resolver.resolve(target.host, target.port)
        )
        if not found:
            raise FetchRefused("dns", "no address")
        for address in found:
            if not self.policy.permits(address):
                raise FetchRefused("address", str(address))
        return found

    async def fetch(self, url: str, *, accept: Callable[[str], bool], max_bytes: int) -> Fetched:
        """GET `url` under the rules above; `accept(media_type)` says which content types to read."""
        first = parse_target(url, self.policy)
        host = f"{first.host}:{first.port}"  # the site the link names (a redirect's target is not counted)
        if self._circuits is not None and not self._circuits.allow(host):
            raise FetchRefused("circuit_open", host)
        try:
            async with asyncio.timeout(self._limits.total_seconds):
                fetched = await self._follow(url, accept, max_bytes)
        except TimeoutError as exc:
            self._unreachable(host)
            raise FetchRefused("timeout") from exc
        except httpx.HTTPError as exc:
            self._unreachable(host)
            raise FetchRefused("network", type(exc).__name__) from exc
        except FetchRefused:
            self._answered(host)  # the host answered (or was never asked): nothing to hold against it
            raise
        self._answered(host)
        return fetched

    def _answered(self, host: str) -> None:
        if self._circuits is not None:
            self._circuits.success(host)

    def _unreachable(self, host: str) -> None:
        if self._circuits is not None:
            self._circuits.failure(host)

    async def _follow(self, url: str, accept: Callable[[str], bool], max_bytes: int) -> Fetched:
        timeout = httpx.Timeout(self._limits.read_seconds, connect=self._limits.connect_seconds)
        async with httpx.AsyncClient(
            transport=self._transport,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as client:
            for _ in range(self._limits.max_redirects + 1):
                target = parse_target(url, self.policy)
                pinned = (await self.addresses(target))[0]
                async with client.stream(
                    "GET", self._pinned_url(target, pinned), headers=self._headers(target), extensions=self._tls(target)
                ) as response:
                    location = response.headers.get("location")
                    if response.status_code in (301, 302, 303, 307, 308) and location:
                        url = urljoin(str(target.url), location)
                        continue
                    return await self._read(str(target.url), response, accept, max_bytes)
        raise FetchRefused("redirects", f"more than {self._limits.max_redirects}")

    @staticmethod
    def _pinned_url(target: Target, address: Address) -> httpx.URL:
        host = f"[{address}]" if address.version == 6 else str(address)
        return target.url.copy_with(host=host.strip("[]"), port=target.port)

    @staticmethod
    def _headers(target: Target) -> dict[str, str]:
        default = (target.url.scheme == "https" and target.port == 443) or (
            target.url.scheme == "http" and target.port == 80
        )
        host = f"[{target.host}]" if ":" in target.host else target.host
        return {
            "Host": host if default else f"{host}:{target.port}",
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/json;q=0.9,image/*;q=0.8",
            "Accept-Encoding": "identity",
            "Connection": "close",
        }

    @staticmethod
    def _tls(target: Target) -> dict[str, str]:
        return {"sni_hostname": target.host} if target.url.scheme == "https" and target.literal is None else {}

    @staticmethod
    async def _read(url: str, response: httpx.Response, accept: Callable[[str], bool], max_bytes: int) -> Fetched:
        if response.status_code != 200:
            raise FetchRefused("status", str(response.status_code))
        media, _, params = response.headers.get("content-type", "").partition(";")
        media = media.strip().lower()
        if not accept(media):
            raise FetchRefused("content_type", media or "none")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchRefused("too_large", declared)
        body = bytearray()
        async for chunk in response.aiter_raw():
            body.extend(chunk)
            if len(body) > max_bytes:
                raise FetchRefused("too_large", f"over {max_bytes} bytes")
        charset = None
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"' ").lower()
        return Fetched(url, response.status_code, media, charset, bytes(body))


def previews_client(config: PreviewSettings, circuits: Circuits | None = None) -> GuardedClient:
    """The client link previews fetch with: public addresses only, unless the settings open networks."""
    policy = AddressPolicy.allowing(*map(str, config.allow_networks)) if config.allow_networks else AddressPolicy()
    return GuardedClient(policy, limits=FetchLimits(total_seconds=config.timeout_seconds), circuits=circuits)
