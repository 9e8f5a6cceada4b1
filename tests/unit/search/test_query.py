"""The search box's text as the index sees it: words only, filters apart, snippets as text segments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sanctum.core.errors import ValidationFailed
from sanctum.domains.search.postgres_index import tsquery
from sanctum.domains.search.query import START, STOP, parse, segments
from sanctum.domains.search.sqlite_index import match_expression


def test_a_query_keeps_only_lowercase_words_and_reads_its_filters() -> None:
    query = parse('Tomato "NEAR(x)" soup* from:@Ann in:#Garden before:2026-12-05 after:2026-12-01 has:link')

    assert query.terms == ["tomato", "near", "x", "soup"]
    assert query.authors == ["ann"] and query.rooms == ["garden"] and query.has_link and not query.has_file
    assert query.before == datetime(2026, 12, 5, tzinfo=UTC)
    assert query.after == datetime(2026, 12, 2, tzinfo=UTC)  # after the whole of Dec 1


def test_the_engines_get_quoted_words_the_last_one_a_prefix() -> None:
    terms = parse("a-b_c d'e").terms

    assert match_expression(terms) == '"a" "b" "c" "d" "e"*'
    assert tsquery(terms) == "'a' & 'b' & 'c' & 'd' & 'e':*"


@pytest.mark.parametrize("q", ["", "   ", "from:@ann", "***", "x" * 257, "a\x00b", "a\u200bb", f"a{START}b"])
def test_an_unusable_query_is_a_422_naming_q(q: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse(q)

    assert "q" in raised.value.fields


def test_a_marked_snippet_becomes_text_segments() -> None:
    found = segments(f"say {START}zanzibar{STOP} <b>now</b>")

    assert [(s.text, s.match) for s in found] == [("say ", False), ("zanzibar", True), (" <b>now</b>", False)]
