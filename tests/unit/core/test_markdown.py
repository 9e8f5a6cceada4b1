"""The message renderer: markdown-it-py, then nh3 against an allow-list."""

from __future__ import annotations

import pytest

from sanctum.core.markdown import render, render_plain
from tests.support.xss import CORPUS, problems

REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("**bold** and __bold__", "<p><strong>bold</strong> and <strong>bold</strong></p>"),
        ("*italic* and _italic_", "<p><em>italic</em> and <em>italic</em></p>"),
        ("~~gone~~", "<p><s>gone</s></p>"),
        ("`a < b`", "<p><code>a &lt; b</code></p>"),
        ("```python\nx = 1\n```", '<pre><code class="language-python">x = 1\n</code></pre>'),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
        ("[site](https://example.com)", f'<p><a href="https://example.com" {REL}>site</a></p>'),
        ("[site](http://example.com/a?b=1&c=2)", f'<p><a href="http://example.com/a?b=1&amp;c=2" {REL}>site</a></p>'),
        ('[t](https://example.com "Title")', f'<p><a href="https://example.com" title="Title" {REL}>t</a></p>'),
        ("[mail](mailto:a@example.com)", f'<p><a href="mailto:a@example.com" {REL}>mail</a></p>'),
        ("<https://example.com>", f'<p><a href="https://example.com" {REL}>https://example.com</a></p>'),
    ],
    ids=[
        "bold",
        "italic",
        "strikethrough",
        "code",
        "code-block",
        "list",
        "ordered-list",
        "quote",
        "line-break",
        "link",
        "link-query",
        "link-title",
        "mailto",
        "autolink",
    ],
)
def test_render_supports_the_chat_subset_of_markdown(source: str, html: str) -> None:
    assert render(source) == html


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("# Heading", "<p># Heading</p>"),
        ("Title\n===", "<p>Title<br>\n===</p>"),
        ("---", "<p>---</p>"),
        ("| a |\n|---|\n| 1 |", "<p>| a |<br>\n|---|<br>\n| 1 |</p>"),
        ("<b>raw</b>", "<p>&lt;b&gt;raw&lt;/b&gt;</p>"),
        ("https://bare.example", "<p>https://bare.example</p>"),
    ],
    ids=["heading", "setext-heading", "rule", "table", "raw-html", "no-linkify"],
)
def test_render_keeps_what_is_switched_off_as_text(source: str, html: str) -> None:
    assert render(source) == html


def test_images_never_become_img_tags() -> None:
    html = render("![alt](https://example.com/a.png)")

    assert "<img" not in html
    assert problems(html) == []


@pytest.mark.parametrize("source", CORPUS.values(), ids=CORPUS.keys())
def test_nothing_in_the_xss_corpus_renders_unsafe_html(source: str) -> None:
    html = render(source)

    assert problems(html) == [], html


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<p><img src=x onerror=alert(1)></p>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<p onclick="x()">x</p>',
        "<div>x</div>",
        '<a href="https://ok.example" style="x">x</a>',
    ],
)
def test_the_safety_check_itself_catches_unsafe_html(html: str) -> None:
    assert problems(html) != []


def test_the_safety_check_accepts_what_the_renderer_produces() -> None:
    html = render("**a** [b](https://example.com) `c`\n\n1. d\n\n> e\n\n```js\nf\n```")

    assert problems(html) == []


def test_render_plain_escapes_everything() -> None:
    html = render_plain("<b>Alice</b> & **Bob** joined")

    assert "<" not in html.replace("&lt;", "") and "**Bob**" in html
    assert problems(html) == []
