"""The guarded outbound client against a corpus of hostile targets: forbidden addresses in every
spelling, names that resolve to them, redirects to them, endless redirects, huge, slow and non-HTML
bodies. The test server runs on 127.0.0.1, which the default policy refuses like any loopback address;
only the happy-path tests allow it (`AddressPolicy.allowing`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from ipaddress import IPv4Address, IPv6Address, ip_address

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctum.net.addresses import BLOCKED_NETWORKS, Address, AddressPolicy, is_public
from sanctum.net.fetch import FetchLimits, FetchRefused, GuardedClient, parse_target
from sanctum.resilience.hosts import HostCircuits
from tests.support.web_targets import WebTargets, web_targets

LOCAL = AddressPolicy.allowing("127.0.0.1/32")
HTML = {"text/html"}.__contains__


class FakeResolver:
    """DNS as the test says: names to addresses, and every name asked for."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> list[Address]:
        self.asked.append(host)
        if host not in self.answers:
            raise FetchRefused("dns", host)
        return [ip_address(a) for a in self.answers[host]]


RESOLVER = FakeResolver(
    {
        "evil.test": ["192.168.1.10"],
        "metadata.test": ["169.254.169.254"],
        "rebind.test": ["93.184.216.34", "10.0.0.7"],  # one public, one private: refused
        "v6.test": ["fd00:ec2::254"],
        "mapped.test": ["::ffff:10.0.0.1"],
        "pinned.test": ["127.0.0.1"],
    }
)


@pytest.fixture
async def web() -> AsyncIterator[WebTargets]:
    async with web_targets() as targets:
        yield targets


def client(policy: AddressPolicy | None = None, **limits: float) -> GuardedClient:
    return GuardedClient(policy or AddressPolicy(), RESOLVER, FetchLimits(**limits))  # type: ignore[arg-type]


async def refusal(fetcher: GuardedClient, url: str, max_bytes: int = 100_000) -> str:
    with pytest.raises(FetchRefused) as refused:
        await fetcher.fetch(url, accept=HTML, max_bytes=max_bytes)
    return refused.value.reason


# -- addresses ------------------------------------------------------------------------------------


@given(st.sampled_from(BLOCKED_NETWORKS).flatmap(lambda n: st.integers(0, n.num_addresses - 1).map(lambda i: n[i])))
def test_no_address_of_a_blocked_network_is_public(address: Address) -> None:
    assert not is_public(address)


@given(st.ip_addresses(v=4))
def test_an_ipv4_address_mapped_into_ipv6_is_never_public(address: IPv4Address) -> None:
    assert not is_public(IPv6Address(f"::ffff:{address}"))


@given(st.ip_addresses())
def test_a_public_address_is_global_unicast(address: Address) -> None:
    if is_public(address):
        assert address.is_global and not (address.is_multicast or address.is_private or address.is_loopback)


def test_public_addresses_are_allowed_and_special_ones_refused() -> None:
    for allowed in ("93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"):
        assert is_public(ip_address(allowed)), allowed
    for refused in (
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "64:ff9b::a00:1",
        "2002:7f00:1::",
    ):
        assert not is_public(ip_address(refused)), refused


# -- URL forms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://example.com/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http://user:pw@example.com/", "userinfo"),
        ("http://example.com@127.0.0.1/", "userinfo"),
        ("http://2130706433/", "host"),  # 127.0.0.1 as one decimal number
        ("http://0177.0.0.1/", "host"),  # octal
        ("http://0x7f.0.0.1/", "host"),  # hex
        ("http://0x7f000001/", "host"),
        ("http://127.1/", "host"),  # short form
        ("http://[fe80::1%25eth0]/", "host"),  # zone
        ("http://exa mple.com/", "url"),
        ("http://example.com:22/", "port"),
        ("http://ex$ample.com/", "host"),
    ],
)
def test_a_url_in_a_forbidden_form_is_refused_before_any_lookup(url: str, reason: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        parse_target(url, AddressPolicy())
    # httpx itself refuses some forms as invalid URLs; either way no lookup is made
    assert refused.value.reason in ({reason, "url"} if reason == "host" else {reason})


def test_a_literal_address_is_checked_without_dns_and_a_name_is_kept_in_ascii() -> None:
    assert parse_target("http://[::1]:8080/x", AddressPolicy()).literal == ip_address("::1")
    assert parse_target("http://93.184.216.34/", AddressPolicy()).literal == ip_address("93.184.216.34")
    assert parse_target("https://bücher.example/", AddressPolicy()).host == "xn--bcher-kva.example"


# -- fetching ---------------------------------------------------------------------------------------


async def test_the_test_server_is_refused_under_the_default_policy(web: WebTargets) -> None:
    fetcher = client(AddressPolicy(ports=None))
    for url in (web.url("/page"), f"http://[::1]:{web.port}/page", f"http://pinned.test:{web.port}/page"):
        assert await refusal(fetcher, url) == "address"
    assert web.hits["/page"] == 0


async def test_an_allowed_fetch_connects_to_the_checked_address_and_keeps_the_name_as_host(web: WebTargets) -> None:
    fetched = await client(LOCAL).fetch(f"http://pinned.test:{web.port}/page", accept=HTML, max_bytes=100_000)

    assert fetched.status == 200 and fetched.content_type == "text/html" and fetched.charset == "utf-8"
    assert b"The Sanctum Gazette" in fetched.body
    assert web.hosts[-1] == f"pinned.test:{web.port}"


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://[::1]:{port}/page",
        "http://[::ffff:127.0.0.1]:{port}/page",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://evil.test/",
        "http://metadata.test/",
        "http://rebind.test:{port}/page",
        "http://v6.test/",
        "http://mapped.test/",
        "http://2130706433:{port}/page",
        "gopher://127.0.0.1:{port}/",
        "http://user@127.0.0.1:{port}/page",
    ],
)
async def test_every_redirect_is_checked_like_the_first_url(web: WebTargets, target: str) -> None:
    location = target.format(port=web.port)

    reason = await refusal(client(LOCAL), web.url(f"/redirect?to={location}"))

    assert reason in {"address", "host", "scheme", "userinfo"}
    assert web.hits["/page"] == 0


async def test_at_most_three_redirects_are_followed(web: WebTargets) -> None:
    three = await client(LOCAL).fetch(web.url("/chain/2"), accept=HTML, max_bytes=100_000)  # 2, 1, 0 -> page

    assert three.url == web.url("/page")
    assert await refusal(client(LOCAL), web.url("/chain/3")) == "redirects"


async def test_bodies_are_bounded_in_bytes_and_in_time(web: WebTargets) -> None:
    assert await refusal(client(LOCAL), web.url("/huge"), max_bytes=200_000) == "too_large"
    assert await refusal(client(LOCAL), web.url("/huge-declared")) == "too_large"
    assert await refusal(client(LOCAL, total_seconds=0.6), web.url("/slow")) == "timeout"


async def test_only_the_accepted_content_types_are_read(web: WebTargets) -> None:
    assert await refusal(client(LOCAL), web.url("/binary")) == "content_type"
    assert await refusal(client(LOCAL), web.url("/image.png")) == "content_type"
    assert await refusal(client(LOCAL), web.url("/missing")) == "status"


async def test_an_https_fetch_is_pinned_to_the_checked_address_with_the_name_in_host_and_sni() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "text/html"}, stream=httpx.ByteStream(b"<title>ok</title>"))

    resolver = FakeResolver({"news.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    fetcher = GuardedClient(AddressPolicy(), resolver, transport=httpx.MockTransport(answer))
    fetched = await fetcher.fetch("https://news.example/a?b=1", accept=HTML, max_bytes=1000)

    [request] = seen
    assert fetched.url == "https://news.example/a?b=1" and resolver.asked == ["news.example"]
    assert str(request.url) == "https://93.184.216.34/a?b=1"
    assert request.headers["host"] == "news.example"
    assert request.extensions["sni_hostname"] == "news.example"


async def test_a_host_that_keeps_failing_is_refused_at_once_until_its_trial_and_others_are_not() -> None:
    now = [0.0]
    down = {"dead.example"}
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers["host"])
        if request.headers["host"] in down:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, headers={"content-type": "text/html"}, stream=httpx.ByteStream(b"<p>ok</p>"))

    resolver = FakeResolver({"dead.example": ["93.184.216.34"], "alive.example": ["93.184.216.35"]})
    circuits = HostCircuits("previews-test", failures=2, reset_seconds=60, clock=lambda: now[0])
    fetcher = GuardedClient(AddressPolicy(), resolver, transport=httpx.MockTransport(answer), circuits=circuits)

    failing = [await refusal(fetcher, "https://dead.example/") for _ in range(3)]
    other = await fetcher.fetch("https://alive.example/", accept=HTML, max_bytes=100)
    now[0] = 61.0  # past the reset: one trial goes out, and fails
    trial = [await refusal(fetcher, "https://dead.example/") for _ in range(2)]
    now[0] = 122.0
    down.clear()  # back: the next trial succeeds and the host is forgotten
    back = [await fetcher.fetch("https://dead.example/", accept=HTML, max_bytes=100) for _ in range(2)]

    assert failing == ["network", "network", "circuit_open"] and other.status == 200
    assert trial == ["network", "circuit_open"]
    assert [f.status for f in back] == [200, 200] and not circuits.is_open("dead.example:443")
    assert asked.count("dead.example") == 5  # two to open it, a failed trial, a good trial, one more


def test_the_host_table_is_bounded_and_forgets_the_least_recently_failed() -> None:
    circuits = HostCircuits("previews-test", failures=1, max_hosts=2)
    for host in ("a.example", "b.example", "c.example"):
        circuits.failure(host)

    assert [circuits.is_open(h) for h in ("a.example", "b.example", "c.example")] == [False, True, True]
    assert circuits.allow("a.example") and not circuits.allow("b.example")
