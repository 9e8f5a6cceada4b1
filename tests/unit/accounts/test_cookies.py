"""Which `Origin` headers count as this site's own pages."""

from __future__ import annotations

import pytest

from sanctum.domains.accounts.cookies import is_same_origin


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        ("https://sanctum.example", "sanctum.example"),
        ("https://sanctum.example", "sanctum.example:443"),
        ("http://localhost:8080", "localhost:8080"),
        ("http://LOCALHOST:8080", "localhost:8080"),
        ("http://[::1]:8375", "[::1]:8375"),
        # Behind a TLS-terminating proxy the app may see plain http with the browser's https Origin.
        ("https://sanctum.example", "sanctum.example:80"),
    ],
)
def test_an_origin_naming_the_requested_host_is_the_same_origin(origin: str, host: str) -> None:
    assert is_same_origin(origin, host)


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        ("https://evil.example", "sanctum.example"),
        ("https://sanctum.example.evil.example", "sanctum.example"),
        ("https://evil.example/sanctum.example", "sanctum.example"),
        ("http://localhost:8081", "localhost:8080"),
        ("http://localhost", "localhost:8080"),
        ("null", "sanctum.example"),
        ("file://", "sanctum.example"),
        ("chrome-extension://abcdef", "abcdef"),
        ("https://sanctum.example", ""),
        ("http://[::1", "[::1"),
    ],
)
def test_any_other_origin_is_not(origin: str, host: str) -> None:
    assert not is_same_origin(origin, host)
