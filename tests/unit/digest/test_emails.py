"""The digest's excerpt: one line, no control characters, cut to length."""

from __future__ import annotations

from sanctum.domains.digest.emails import excerpt


def test_an_excerpt_is_one_line_without_control_characters_and_cut_with_an_ellipsis() -> None:
    assert excerpt("hello\r\n\tworld\x1b[31m  \u2028red") == "hello world [31m red"
    assert excerpt("word " * 30, limit=12) == "word word w…"
    assert excerpt("short") == "short"
